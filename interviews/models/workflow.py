"""The editors' workflow: transitions of an interview, their audit trail, and
revisions (a mentor's edits to a published interview, reviewed before they
replace the public text).

Every transition is a method of Interview (from `InterviewWorkflow`): it
checks that the step is allowed from the current status, stamps who and
when, records an InterviewEvent with the reason, and sends the emails that
go with it. The admin actions, buttons and commands all call these methods.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

DRAFT, SUBMITTED, PUBLISHED, WITHDRAWN, REJECTED = (
    "draft",
    "submitted",
    "published",
    "withdrawn",
    "rejected",
)


class InvalidTransition(Exception):
    """A workflow step that the interview's current status does not allow."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    allowed_from: frozenset
    to_status: str
    note_label: str = "Note (optional)"
    note_required: bool = False
    help: str = ""


# The editors' steps, in the order the admin offers them.
TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "publish",
            "Publish",
            frozenset({DRAFT, SUBMITTED, REJECTED}),
            PUBLISHED,
            help="Makes the interview public and emails the mentor its link.",
        ),
        Transition(
            "request_changes",
            "Request changes",
            frozenset({SUBMITTED}),
            DRAFT,
            note_label="Message to the mentor",
            note_required=True,
            help="Emails your message to the mentor; their link works again and the interview is a draft.",
        ),
        Transition(
            "reject",
            "Reject",
            frozenset({DRAFT, SUBMITTED}),
            REJECTED,
            note_label="Message to the mentor (optional)",
            help="The interview is not published; the mentor is thanked and told.",
        ),
        Transition(
            "withdraw",
            "Withdraw",
            frozenset({PUBLISHED}),
            WITHDRAWN,
            note_label="Reason",
            note_required=True,
            help="Takes it off the site: its page answers 410 Gone and it leaves every list, feed and search.",
        ),
        Transition(
            "republish",
            "Republish",
            frozenset({WITHDRAWN}),
            PUBLISHED,
            help="Puts a withdrawn interview back under its original date.",
        ),
    ]
}


class InterviewEvent(models.Model):
    """One step in an interview's life: who did what, when, and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted by the mentor"
        PUBLISHED = "published", "Published"
        CHANGES_REQUESTED = "request_changes", "Changes requested"
        REJECTED = "reject", "Rejected"
        WITHDRAWN = "withdraw", "Withdrawn"
        REPUBLISHED = "republish", "Republished"
        REVISION_SUBMITTED = "revision_submitted", "Edits submitted by the mentor"
        REVISION_APPROVED = "revision_approved", "Edits approved"
        REVISION_DECLINED = "revision_declined", "Edits declined"
        IMPORTED = "imported", "Imported"

    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the mentor or a command did it.",
    )
    note = models.TextField(blank=True, help_text="Why, in the editor's words.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["interview", "-created_at"], name="event_interview_idx")]

    def __str__(self):
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def actor_label(self):
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()
        mentor_actions = {self.Action.SUBMITTED, self.Action.REVISION_SUBMITTED}
        return "the mentor" if self.action in mentor_actions else "a command"


class InterviewWorkflow:
    """Transitions, mixed into Interview. Each one saves and records an event."""

    def allowed_transitions(self):
        """The editors' steps possible from the current status."""
        return [t for t in TRANSITIONS.values() if self.status in t.allowed_from]

    def record(self, action, *, by=None, note="", from_status="", to_status=""):
        return InterviewEvent.objects.create(
            interview=self,
            action=action,
            from_status=from_status or self.status,
            to_status=to_status or self.status,
            actor=by,
            note=note,
        )

    def _transition(self, name, *, by=None, note="", fields=(), action=None):
        transition = TRANSITIONS[name]
        if self.status not in transition.allowed_from:
            raise InvalidTransition(
                f"Cannot {transition.label.lower()} an interview that is "
                f"{self.get_status_display().lower()}."
            )
        if transition.note_required and not note.strip():
            raise InvalidTransition(
                f"{transition.label}: a {transition.note_label.lower()} is needed."
            )
        from_status = self.status
        self.status = transition.to_status
        with transaction.atomic():
            self.save(update_fields=["status", "updated_at", *fields])
            return self.record(
                action or name, by=by, note=note, from_status=from_status, to_status=self.status
            )

    def submit(self):
        """The mentor hands the draft to the editors for review."""
        if self.status != DRAFT:
            raise InvalidTransition("Only a draft can be submitted.")
        now = timezone.now()
        self.submitted_at = now
        self.draft_saved_at = now
        self.status = SUBMITTED
        with transaction.atomic():
            self.save(update_fields=["status", "submitted_at", "draft_saved_at", "updated_at"])
            return self.record(InterviewEvent.Action.SUBMITTED, from_status=DRAFT)

    def publish(self, by=None, note="", at=None, notify=True):
        """Make the interview public; email the mentor its public link."""
        from .. import emails

        self.published_at = at or self.published_at or timezone.now()
        event = self._transition(
            "publish",
            by=by,
            note=note,
            fields=["published_at"],
            action=InterviewEvent.Action.PUBLISHED,
        )
        if notify:
            emails.send_published(self)
        return event

    def request_changes(self, by, note):
        """Back to the mentor as a draft, with a message; their link works again."""
        from .. import emails

        event = self._transition("request_changes", by=by, note=note)
        invitation = getattr(self, "invitation", None)
        if invitation is not None:
            invitation.reopen()
        emails.send_changes_requested(self, note)
        return event

    def reject(self, by, note=""):
        """Not for publication; the mentor is thanked and told."""
        from .. import emails

        event = self._transition("reject", by=by, note=note)
        emails.send_rejected(self, note)
        return event

    def withdraw(self, by, note):
        """Take a published interview off the site; its page answers 410 Gone."""
        return self._transition("withdraw", by=by, note=note)

    def republish(self, by, note=""):
        """Put a withdrawn interview back, under its original publication date."""
        return self._transition("republish", by=by, note=note)

    def apply_transition(self, name, *, by, note=""):
        """Run the editors' step called `name` (the admin's entry point)."""
        if name not in TRANSITIONS:
            raise InvalidTransition(f"Unknown step {name!r}.")
        return getattr(self, name)(by=by, note=note)

    # --- Revisions: edits after publishing ------------------------------------------

    def open_revision(self):
        """The mentor's revision in progress, started from the published text."""
        revision = self.revisions.filter(status__in=Revision.OPEN).first()
        if revision is None:
            revision = Revision.start_from(self)
        return revision


class Revision(models.Model):
    """A mentor's proposed edits to a published interview.

    The public page keeps the published text until an editor approves the
    revision; then its profile and answers replace the live ones at once.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Being edited by the mentor"
        SUBMITTED = "submitted", "Waiting for review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    OPEN = (Status.DRAFT, Status.SUBMITTED)
    PROFILE_FIELDS = [
        "name",
        "role",
        "company",
        "bio",
        "website",
        "linkedin",
        "github",
        "x",
        "photo_credit",
    ]

    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="revisions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    profile = models.JSONField(default=dict, help_text="The mentor's proposed profile fields.")
    photo = models.ImageField(upload_to="mentors/", blank=True, help_text="A proposed new photo.")
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, help_text="The editor's note on approving or declining.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview"],
                condition=Q(status__in=["draft", "submitted"]),
                name="revision_one_open_per_interview",
            )
        ]

    def __str__(self):
        return f"Revision #{self.pk} ({self.get_status_display()})"

    @classmethod
    def start_from(cls, interview):
        """A draft revision holding a copy of the live profile and answers."""
        mentor = interview.mentor
        with transaction.atomic():
            revision = cls.objects.create(
                interview=interview,
                profile={field: getattr(mentor, field) for field in cls.PROFILE_FIELDS},
            )
            RevisionAnswer.objects.bulk_create(
                RevisionAnswer(revision=revision, question_id=a.question_id, body=a.body)
                for a in interview.answers.all()
            )
        return revision

    @property
    def is_editable_by_mentor(self):
        return self.status == self.Status.DRAFT

    def bodies(self):
        """{question_id: proposed Markdown} for every answer in the revision."""
        return dict(self.answers.values_list("question_id", "body"))

    def save_from_mentor(self, profile, bodies, photo=None):
        """Store the mentor's latest edits: `bodies` is {question: text}, "" to drop."""
        with transaction.atomic():
            self.profile = {field: profile.get(field, "") for field in self.PROFILE_FIELDS}
            if photo:
                self.photo = photo
            self.saved_at = timezone.now()
            self.save()
            existing = {a.question_id: a for a in self.answers.all()}
            for question, text in bodies.items():
                answer = existing.get(question.pk)
                if text and answer is None:
                    RevisionAnswer.objects.create(revision=self, question=question, body=text)
                elif text and answer.body != text:
                    answer.body = text
                    answer.save(update_fields=["body"])
                elif not text and answer is not None:
                    answer.delete()

    def submit(self):
        if self.status != self.Status.DRAFT:
            raise InvalidTransition("These edits have already been submitted.")
        self.status = self.Status.SUBMITTED
        self.submitted_at = timezone.now()
        with transaction.atomic():
            self.save(update_fields=["status", "submitted_at"])
            self.interview.record(InterviewEvent.Action.REVISION_SUBMITTED)

    def changes(self):
        """Per question, the published and proposed text, for answers that differ."""
        from ..diffing import compare

        live = {a.question_id: a for a in self.interview.answers.select_related("question")}
        proposed = {a.question_id: a for a in self.answers.select_related("question")}
        rows = []
        for question_id in sorted(
            {*live, *proposed},
            key=lambda qid: (live.get(qid) or proposed.get(qid)).question.position,
        ):
            old = live[question_id].body if question_id in live else ""
            new = proposed[question_id].body if question_id in proposed else ""
            if old != new:
                question = (live.get(question_id) or proposed.get(question_id)).question
                rows.append(compare(question.text, old, new))
        mentor = self.interview.mentor
        for field in self.PROFILE_FIELDS:
            old, new = str(getattr(mentor, field) or ""), str(self.profile.get(field, "") or "")
            if old != new:
                rows.append(compare(f"Profile: {field.replace('_', ' ')}", old, new))
        if self.photo:
            rows.append(compare("Profile: photo", mentor.photo.name or "", self.photo.name))
        return rows

    def approve(self, by, note=""):
        """Replace the live profile and answers with the revision's."""
        from .content import Answer

        if self.status != self.Status.SUBMITTED:
            raise InvalidTransition("Only submitted edits can be approved.")
        interview, mentor = self.interview, self.interview.mentor
        with transaction.atomic():
            for field in self.PROFILE_FIELDS:
                setattr(mentor, field, self.profile.get(field, getattr(mentor, field)))
            if self.photo:
                mentor.photo = self.photo
            mentor.save()
            live = {a.question_id: a for a in interview.answers.all()}
            proposed = {a.question_id: a for a in self.answers.select_related("question")}
            for question_id, answer in live.items():
                if question_id not in proposed:
                    answer.delete()
            for question_id, revised in proposed.items():
                answer = live.get(question_id)
                if answer is None:
                    Answer.objects.create(
                        interview=interview, question=revised.question, body=revised.body
                    )
                elif answer.body != revised.body:
                    answer.body = revised.body
                    answer.save()  # keeps its lessons
            self._decide(self.Status.APPROVED, by, note)
            interview.save(update_fields=["updated_at"])  # a new version for the admin
            interview.record(InterviewEvent.Action.REVISION_APPROVED, by=by, note=note)

    def decline(self, by, note=""):
        if self.status != self.Status.SUBMITTED:
            raise InvalidTransition("Only submitted edits can be declined.")
        with transaction.atomic():
            self._decide(self.Status.DECLINED, by, note)
            self.interview.record(InterviewEvent.Action.REVISION_DECLINED, by=by, note=note)

    def _decide(self, status, by, note):
        self.status = status
        self.decided_by = by
        self.decided_at = timezone.now()
        self.note = note
        self.save(update_fields=["status", "decided_by", "decided_at", "note"])


class RevisionAnswer(models.Model):
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("interviews.Question", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "question"], name="revision_answer_one_per_question"
            )
        ]

    def __str__(self):
        return f"Revised answer #{self.pk}"
