"""Revisions: a mentor's edits to a published interview, reviewed by an editor
before they replace the public text."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_cleanup import cleanup

from ..diffing import compare
from .content import Answer, Mentor, write_answer_texts
from .enums import License
from .workflow import InterviewEvent, InvalidTransition


# A revision's photo becomes the mentor's when approved: its file is handed
# over, not deleted, so services.py decides what happens to it, not django-cleanup.
@cleanup.ignore
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
    # The photo itself is a file of the revision's own (`photo`).
    PROFILE_FIELDS = [*Mentor.PROFILE_FIELDS, "photo_credit"]

    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="revisions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    profile = models.JSONField(default=dict, help_text="The mentor's proposed profile fields.")
    photo = models.ImageField(upload_to="mentors/", blank=True, help_text="A proposed new photo.")
    license = models.CharField(
        "licence",
        max_length=30,
        choices=License.choices,
        blank=True,
        help_text="The proposed licence.",
    )
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
                license=interview.license,
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

    def save_from_mentor(self, profile, bodies, photo=None, license=""):
        """Store the mentor's latest edits: `bodies` is {question: text}, "" to drop."""
        with transaction.atomic():
            self.profile = {field: profile.get(field, "") for field in self.PROFILE_FIELDS}
            if license:
                self.license = license
            if photo:
                self.photo = photo
            self.saved_at = timezone.now()
            self.save()
            write_answer_texts(
                {a.question_id: a for a in self.answers.all()},
                {question.pk: text for question, text in bodies.items()},
                lambda question_id, text: RevisionAnswer.objects.create(
                    revision=self, question_id=question_id, body=text
                ),
            )

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
        if self.license and self.license != self.interview.license:
            old = self.interview.reuse_license.short_name
            rows.append(compare("Licence", old, License(self.license).short_name))
        return rows

    def approve(self, by, note=""):
        """Replace the live profile and answers with the revision's."""
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
            proposed = self.bodies()
            # Answers the revision dropped are removed; changed ones keep their lessons.
            write_answer_texts(
                live,
                {**dict.fromkeys(live, ""), **proposed},
                lambda question_id, text: Answer.objects.create(
                    interview=interview, question_id=question_id, body=text
                ),
            )
            self._decide(self.Status.APPROVED, by, note)
            if self.license:
                interview.license = self.license
            # A new version for the admin.
            interview.save(update_fields=["updated_at", "license"])
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
