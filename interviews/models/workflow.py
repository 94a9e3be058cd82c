"""The editors' workflow: transitions of an interview, and their audit trail.

Every transition is a method of Interview (from `InterviewWorkflow`): it
checks that the step is allowed from the current status, stamps who and
when, records an InterviewEvent with the reason, and sends the emails that
go with it. The admin actions, buttons and commands all call these methods.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone


class InvalidTransition(Exception):
    """A workflow step that the interview's current status does not allow."""


class InterviewEvent(models.Model):
    """One step in an interview's life: who did what, when, and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted by the mentor"
        PUBLISHED = "published", "Published"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REPUBLISHED = "republished", "Republished"
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

    def _transition(self, to_status, action, *, allowed_from, by=None, note="", fields=()):
        if self.status not in allowed_from:
            raise InvalidTransition(
                f"Cannot {action.label.lower()} an interview that is {self.get_status_display().lower()}."
            )
        from_status = self.status
        self.status = to_status
        with transaction.atomic():
            self.save(update_fields=["status", "updated_at", *fields])
            return InterviewEvent.objects.create(
                interview=self,
                action=action,
                from_status=from_status,
                to_status=to_status,
                actor=by,
                note=note,
            )

    def submit(self):
        """The mentor hands the draft to the editors for review."""
        now = timezone.now()
        self.submitted_at = now
        self.draft_saved_at = now
        return self._transition(
            self.Status.SUBMITTED,
            InterviewEvent.Action.SUBMITTED,
            allowed_from={self.Status.DRAFT},
            fields=["submitted_at", "draft_saved_at"],
        )

    def publish(self, by=None, note="", at=None, notify=True):
        """Make the interview public; email the mentor its public link."""
        from .. import emails

        self.published_at = at or self.published_at or timezone.now()
        event = self._transition(
            self.Status.PUBLISHED,
            InterviewEvent.Action.PUBLISHED,
            allowed_from={self.Status.DRAFT, self.Status.SUBMITTED, self.Status.REJECTED},
            by=by,
            note=note,
            fields=["published_at"],
        )
        if notify:
            emails.send_published(self)
        return event

    def request_changes(self, by, message):
        """Back to the mentor as a draft, with a message; their link works again."""
        from .. import emails

        event = self._transition(
            self.Status.DRAFT,
            InterviewEvent.Action.CHANGES_REQUESTED,
            allowed_from={self.Status.SUBMITTED},
            by=by,
            note=message,
        )
        invitation = getattr(self, "invitation", None)
        if invitation is not None:
            invitation.reopen()
        emails.send_changes_requested(self, message)
        return event

    def reject(self, by, note=""):
        """Not for publication; the mentor is thanked and told why."""
        from .. import emails

        event = self._transition(
            self.Status.REJECTED,
            InterviewEvent.Action.REJECTED,
            allowed_from={self.Status.DRAFT, self.Status.SUBMITTED},
            by=by,
            note=note,
        )
        emails.send_rejected(self, note)
        return event

    def withdraw(self, by, reason):
        """Take a published interview off the site; its page answers 410 Gone."""
        return self._transition(
            self.Status.WITHDRAWN,
            InterviewEvent.Action.WITHDRAWN,
            allowed_from={self.Status.PUBLISHED},
            by=by,
            note=reason,
        )

    def republish(self, by, note=""):
        """Put a withdrawn interview back, under its original publication date."""
        return self._transition(
            self.Status.PUBLISHED,
            InterviewEvent.Action.REPUBLISHED,
            allowed_from={self.Status.WITHDRAWN},
            by=by,
            note=note,
        )
