"""The editors' workflow: transitions of an interview and their audit trail.

(A mentor's edits to a published interview are revisions: see revisions.py.)

Every transition is a method of Interview (from `InterviewWorkflow`): it
checks that the step is allowed from the current status, stamps who and
when, and records an InterviewEvent with the reason. What goes with a step
(its email, a link that works again) is the use case's, in services.py,
which is what the admin, the mentor's form and the commands call.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .enums import InterviewStatus

DRAFT, SUBMITTED, PUBLISHED, WITHDRAWN, REJECTED = (
    InterviewStatus.DRAFT,
    InterviewStatus.SUBMITTED,
    InterviewStatus.PUBLISHED,
    InterviewStatus.WITHDRAWN,
    InterviewStatus.REJECTED,
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
        REVISIT_ASKED = "revisit_asked", "Mentor asked to revisit questions"
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

    def _transition(self, name, *, by=None, note="", changes=None, action=None):
        """Check the transition is allowed, then apply it with `changes` ({field: value})."""
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
        for field, value in (changes or {}).items():
            setattr(self, field, value)
        with transaction.atomic():
            self.save(update_fields=["status", "updated_at", *(changes or {})])
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

    def publish(self, by=None, note="", at=None):
        """Make the interview public (services.publish also emails the mentor)."""
        return self._transition(
            "publish",
            by=by,
            note=note,
            changes={"published_at": at or self.published_at or timezone.now()},
            action=InterviewEvent.Action.PUBLISHED,
        )

    def request_changes(self, by, note):
        """Back to the mentor as a draft, with a message."""
        return self._transition("request_changes", by=by, note=note)

    def reject(self, by, note=""):
        """Not for publication."""
        return self._transition("reject", by=by, note=note)

    def withdraw(self, by, note):
        """Take a published interview off the site; its page answers 410 Gone."""
        return self._transition("withdraw", by=by, note=note)

    def republish(self, by, note=""):
        """Put a withdrawn interview back, under its original publication date."""
        return self._transition("republish", by=by, note=note)
