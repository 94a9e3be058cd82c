"""The use cases: what happens when a mentor, an editor or a command changes something.

Each use case calls the model's state change (which checks that the step is
allowed, saves, and records who, when and why), then does what goes with it:
the email, a link that must work again, the dataset rebuild. Each runs in one
transaction, so the email it queues (emails.queue: a row in the outbox and
its delivery task) commits or rolls back with the change. Views, admin
actions and commands call these and never the email module. What follows every save whoever makes
it (search fields, stored counts, cached pages) is not here: signals.py runs
it through upkeep.py.

Following by email: `follow`, `confirm_follow`, `change_follows`,
`unfollow`, and the messages publishing and approved updates cause
(`following.notify_followers`, enqueued in the same transaction) and the
weekly digest (`send_weekly_digest`).

`import_interviews()` is the import use case; the reading, matching and
saving it runs are `importing/`'s, and an import emails no one.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import emails, following, tasks, upkeep
from .importing import import_files
from .models import (
    TRANSITIONS,
    Answer,
    Interview,
    InvalidTransition,
    Invitation,
    OutgoingEmail,
    Revision,
    Subscriber,
)
from .models.content import write_answer_texts

# --- Invitations and nominations ------------------------------------------------------


@transaction.atomic
def invite(*, name, email, days, note="", created_by=None):
    """(invitation, its queued email): a new mentor, their draft and link."""
    invitation = Invitation.create_for(
        name=name, email=email, days=days, note=note, created_by=created_by
    )
    return invitation, emails.send_invitation(invitation)


@transaction.atomic
def renew_invitation(invitation):
    """A new link, emailed; the old one stops working. The queued email."""
    invitation.renew()
    return emails.send_invitation(invitation)


@transaction.atomic
def invite_nominee(nomination, by):
    """(invitation, its queued email) for someone who offered themselves."""
    invitation = nomination.invite(created_by=by)
    return invitation, emails.send_invitation(invitation)


@transaction.atomic
def nominate(nomination):
    """Keep a self-nomination (from the public form) and tell the editors."""
    nomination.save()
    emails.send_nomination_received(nomination)
    return nomination


# --- The mentor's steps ----------------------------------------------------------------


@transaction.atomic
def submit(interview):
    """The mentor hands the draft to the editors; they are told, the mentor thanked."""
    event = interview.submit()
    emails.send_submitted(interview, event)
    return event


@transaction.atomic
def submit_revision(revision):
    """The mentor's edits after publishing go to the editors for review."""
    revision.submit()
    emails.send_revision_submitted(revision)


# --- The editors' steps ---------------------------------------------------------------


@transaction.atomic
def publish(interview, by=None, note="", at=None, notify=True):
    """Make the interview public, and email the mentor its public link unless `notify` is off."""
    event = interview.publish(by=by, note=note, at=at)
    # The same link now edits the published interview (as a revision): keep
    # it working even if it ran out while the editors reviewed.
    reopen_link(interview)
    if notify:
        emails.send_published(interview, event)
    public_content_changed()
    following.notify_followers.enqueue(interview.pk, f"event:{event.pk}")
    return event


@transaction.atomic
def request_changes(interview, by, note):
    """Back to the mentor as a draft, with the editor's message; their link works again."""
    event = interview.request_changes(by=by, note=note)
    reopen_link(interview)
    emails.send_changes_requested(interview, event)
    return event


@transaction.atomic
def reject(interview, by, note=""):
    """Not for publication; the mentor is thanked and told."""
    event = interview.reject(by=by, note=note)
    emails.send_rejected(interview, event)
    return event


@transaction.atomic
def withdraw(interview, by, note):
    """Off the site; its page answers 410 Gone."""
    event = interview.withdraw(by=by, note=note)
    public_content_changed()
    return event


@transaction.atomic
def republish(interview, by, note=""):
    """Back on the site under its original publication date."""
    event = interview.republish(by=by, note=note)
    public_content_changed()
    return event


def public_content_changed():
    """What readers can see changed: rebuild the open dataset and the search
    vocabulary in the background.

    On commit, not in the transaction: a lost rebuild is made good by the
    next one (or the worker's hourly check), and a run inside the editor's
    transaction would read the data before the change.
    """
    transaction.on_commit(tasks.rebuild_dataset.enqueue)
    transaction.on_commit(tasks.rebuild_search_terms.enqueue)


STEPS = {
    "publish": publish,
    "request_changes": request_changes,
    "reject": reject,
    "withdraw": withdraw,
    "republish": republish,
}
assert set(STEPS) == set(TRANSITIONS), "every transition needs its use case"


def apply_step(interview, name, *, by, note=""):
    """Run the editors' step called `name` (the admin's buttons and actions)."""
    if name not in STEPS:
        raise InvalidTransition(f"Unknown step {name!r}.")
    return STEPS[name](interview, by=by, note=note)


def reopen_link(interview):
    invitation = getattr(interview, "invitation", None)
    if invitation is not None:
        invitation.reopen()


# --- Edits after publishing -------------------------------------------------------------


def approve_revision(revision, by, note=""):
    """The mentor's edits replace the public text; the mentor is told.

    A new photo's file becomes the mentor's (the one it replaces is deleted
    by django-cleanup when the change commits).
    """
    with transaction.atomic():
        revision.approve(by=by, note=note)
        Revision.objects.filter(pk=revision.pk).update(photo="")
        emails.send_revision_decided(revision)
        public_content_changed()
        following.notify_followers.enqueue(
            revision.interview_id, f"revision:{revision.pk}", updated=True
        )


def decline_revision(revision, by, note=""):
    """The public text stays; the mentor is told why. A proposed photo is deleted."""
    with transaction.atomic():
        revision.decline(by=by, note=note)
        discard_revision_photo(revision)
        emails.send_revision_decided(revision)


def discard_revision_photo(revision, name=None):
    """Delete a revision's photo file (or an older one, `name`) once the transaction commits."""
    name = name or revision.photo.name
    if not name:
        return
    if name == revision.photo.name:
        Revision.objects.filter(pk=revision.pk).update(photo="")
    storage = revision.photo.storage
    transaction.on_commit(lambda: storage.delete(name))


def ask_to_revisit(interview, questions, *, email, note="", days=None, by=None):
    """Ask a published mentor to revisit `questions`: a draft revision naming
    them, their link working again, and the email that names them. (revision,
    its queued email). InvalidTransition while the interview has open edits."""
    with transaction.atomic():
        revision = Revision.ask_to_revisit(interview, questions, note=note, by=by)
        invitation = Invitation.reopen_for(interview, email=email, days=days, created_by=by)
        return revision, emails.send_revisit(revision, invitation, questions)


# --- Mail -----------------------------------------------------------------------------


@transaction.atomic
def retry_emails(emails):
    """Queue failed (or waiting) messages again now, with a fresh count of tries. How many."""
    ids = list(emails.exclude(status=OutgoingEmail.Status.SENT).values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids).update(
        status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    for email_id in ids:
        tasks.deliver.enqueue(email_id)
    return len(ids)


# --- Following by email -----------------------------------------------------------------


@transaction.atomic
def follow(email, *, frequency, follows_all, questions, lessons, mentors):
    """Ask `email` to confirm a follow request; only the confirmation is sent.

    The same for an address that is new, already follows, or asked before:
    the page a visitor sees never tells which, and what an address follows
    changes only when its owner opens the link.
    """
    subscriber = Subscriber.request(
        email,
        frequency=frequency,
        follows_all=follows_all,
        questions=questions,
        lessons=lessons,
        mentors=mentors,
    )
    emails.send_follow_confirmation(subscriber)
    return subscriber


def confirm_follow(subscriber, key):
    """Apply the request the confirmation link `key` was sent for. False when
    a newer request replaced it (or it was applied already)."""
    return subscriber.confirm(key)


def change_follows(subscriber, **follows):
    """The manage page: what a confirmed address follows, and how often."""
    subscriber.set_follows(**follows)


def unfollow(subscriber):
    """Stop every message and forget the address."""
    subscriber.delete()


def send_weekly_digest(*, progress=None, batch_size=following.BATCH_SIZE):
    """Queue this week's digest for the weekly subscribers (`manage.py send_digest`)."""
    return following.send_digest(progress=progress, batch_size=batch_size)


# --- Imports ---------------------------------------------------------------------------


def import_interviews(sources, options, progress=None):
    """Import interview files ((name, bytes) pairs): an ImportReport. See importing/."""
    return import_files(sources, options, progress=progress)


# --- Lessons ---------------------------------------------------------------------------


def merge_lessons(survivor, others):
    """Move every answer of `others` to `survivor`; their addresses redirect. How many moved."""
    moved = survivor.merge(others)
    upkeep.lessons_merged(survivor)
    return moved


# --- The mentor's form: where edits go ------------------------------------------------


class DraftWorkspace:
    """Before publication, the mentor's edits go straight into the draft interview."""

    is_revision = False

    def __init__(self, interview):
        self.interview = interview

    @property
    def editable(self):
        return True

    @property
    def saved_at(self):
        return self.interview.draft_saved_at

    def answer_bodies(self):
        return {a.question_id: a.body for a in self.interview.answers.all()}

    def profile_initial(self):
        return {}

    def revisit_question_ids(self):
        return set()

    @property
    def license(self):
        return self.interview.license

    def save(self, profile_form, answers_form):
        """Store the profile and every answer; a cleared answer is removed."""
        interview = self.interview
        with transaction.atomic():
            profile_form.save()
            write_answer_texts(
                {a.question_id: a for a in interview.answers.all()},
                {question.pk: text for question, text in answers_form.answers().items()},
                lambda question_id, text: Answer.objects.create(
                    interview=interview, question_id=question_id, body=text
                ),
            )
            license = answers_form.cleaned_data.get("license")
            if license and license != interview.license:
                interview.license = license
                interview.save(update_fields=["license", "updated_at"])
            interview.mark_saved()

    def submit(self):
        submit(self.interview)


class RevisionWorkspace:
    """After publication, edits go into a revision; the public page keeps the
    published text until an editor approves them."""

    is_revision = True

    def __init__(self, interview):
        self.interview = interview
        self.revision = interview.revisions.filter(status__in=Revision.OPEN).first()

    @property
    def editable(self):
        return self.revision is None or self.revision.is_editable_by_mentor

    @property
    def saved_at(self):
        return self.revision.saved_at if self.revision else None

    def answer_bodies(self):
        if self.revision is None:
            return {a.question_id: a.body for a in self.interview.answers.all()}
        return self.revision.bodies()

    def profile_initial(self):
        return self.revision.profile if self.revision else {}

    def revisit_question_ids(self):
        """The questions the editors asked the mentor to revisit, if they did."""
        return self.revision.revisit_question_ids() if self.revision else set()

    @property
    def license(self):
        return (self.revision.license if self.revision else "") or self.interview.license

    def save(self, profile_form, answers_form):
        # Started on the first save, so that merely opening the link changes nothing.
        if self.revision is None:
            self.revision = Revision.start_from(self.interview)
        photo = profile_form.cleaned_data.get("photo")
        replaced = self.revision.photo.name
        with transaction.atomic():
            self.revision.save_from_mentor(
                profile_form.cleaned_data,
                answers_form.answers(),
                photo=photo if isinstance(photo, ContentFile) else None,
                license=answers_form.cleaned_data.get("license") or "",
            )
            if replaced and self.revision.photo.name != replaced:
                discard_revision_photo(self.revision, name=replaced)

    def submit(self):
        submit_revision(self.revision)


def workspace_for(interview):
    """Where this interview's edits go, or None when the mentor can only read."""
    if interview.status == Interview.Status.DRAFT:
        return DraftWorkspace(interview)
    if interview.status == Interview.Status.PUBLISHED:
        workspace = RevisionWorkspace(interview)
        return workspace if workspace.editable else None
    return None
