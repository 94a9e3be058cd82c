"""Revisions: a mentor's edits to a published interview, reviewed by an editor
before they replace the public text; and the answers' earlier versions that
approving them keeps (`AnswerVersion`).

An editor may also ask a published mentor to revisit chosen questions
(`Revision.ask_to_revisit`): a draft revision naming them, which the mentor's
form opens on and which goes through the same review.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max, Q
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
    revisit_questions = models.ManyToManyField(
        "interviews.Question",
        blank=True,
        related_name="+",
        help_text="The questions an editor asked the mentor to revisit.",
    )
    revisit_note = models.TextField(
        blank=True, help_text="The editor's note asking the mentor to revisit them."
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(null=True, blank=True)
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

    @classmethod
    def ask_to_revisit(cls, interview, questions, *, note="", by=None):
        """A draft revision asking the mentor to revisit `questions` (their form
        opens on them). Refused while the interview has open edits: one at a time."""
        if not interview.is_public:
            raise InvalidTransition("Only a published interview can be revisited.")
        if not questions:
            raise InvalidTransition("Choose at least one question to revisit.")
        open_revision = interview.revisions.filter(status__in=cls.OPEN).first()
        if open_revision is not None:
            raise InvalidTransition(open_revision.open_message())
        with transaction.atomic():
            revision = cls.start_from(interview)
            revision.revisit_note = note
            revision.asked_by = by
            revision.asked_at = timezone.now()
            revision.save(update_fields=["revisit_note", "asked_by", "asked_at"])
            revision.revisit_questions.set(questions)
            titles = ", ".join(question.title for question in questions)
            interview.record(
                InterviewEvent.Action.REVISIT_ASKED, by=by, note=f"{titles}. {note}".strip()
            )
        return revision

    def open_message(self):
        """Why no second revision can start while this one is open, for editors."""
        since = timezone.localtime(self.saved_at or self.asked_at or self.created_at)
        if self.status == self.Status.SUBMITTED:
            return (
                f"The mentor's edits sent on {since:%d %b %Y} are waiting for review: "
                "approve or decline them first."
            )
        who = "the editors' request to revisit questions" if self.asked_at else "their own edits"
        return (
            f"The mentor already has open edits ({who}, since {since:%d %b %Y}) that they have "
            "not submitted yet: nothing new was created or sent."
        )

    def revisit_question_ids(self):
        """The ids of the questions the mentor was asked to revisit, in no order."""
        return {question.pk for question in self.revisit_questions.all()}

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
            now = timezone.now()
            if self.keep_versions(
                [a for qid, a in live.items() if proposed.get(qid, a.body) != a.body], now
            ):
                interview.revised_at = now
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
            interview.save(update_fields=["updated_at", "license", "revised_at"])
            interview.record(InterviewEvent.Action.REVISION_APPROVED, by=by, note=note)

    def keep_versions(self, answers, now):
        """Keep the public text of `answers` (about to be replaced) as their
        earlier versions, and stamp the answers as updated `now` (saved with
        their new text). An answer the revision removes keeps none: its
        versions go with it. How many were kept."""
        numbers = dict(
            AnswerVersion.objects.filter(answer__in=answers)
            .values("answer")
            .annotate(last=Max("number"))
            .values_list("answer", "last")
        )
        published_at = self.interview.published_at
        AnswerVersion.objects.bulk_create(
            AnswerVersion(
                answer=answer,
                number=numbers.get(answer.pk, 0) + 1,
                body=answer.body,
                body_html=answer.body_html,
                # The text became public with the last update, else with the
                # interview (or the answer, added by an approved revision later).
                public_from=answer.revised_at or max(published_at, answer.created_at),
                public_until=now,
                replaced_by=self,
            )
            for answer in answers
        )
        for answer in answers:
            answer.revised_at = now
        return len(answers)

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


class AnswerVersion(models.Model):
    """An answer's text as readers saw it before an approved revision replaced it.

    Number 1 is the text first published; the answer itself is the newest.
    Only approved revisions make versions: an editor's correction in the
    admin changes the text in place.
    """

    answer = models.ForeignKey(
        "interviews.Answer", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(help_text="1 for the first text published, then 2, …")
    body = models.TextField(help_text="The Markdown as it was.")
    body_html = models.TextField(help_text="The HTML readers saw.")
    public_from = models.DateTimeField(help_text="When this text became the public one.")
    public_until = models.DateTimeField(help_text="When an approved revision replaced it.")
    replaced_by = models.ForeignKey(
        Revision,
        null=True,
        on_delete=models.SET_NULL,
        related_name="replaced_versions",
        help_text="The approved revision that replaced it.",
    )

    class Meta:
        ordering = ["answer", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "number"], name="answer_version_one_per_number"
            )
        ]

    def __str__(self):
        return f"Version {self.number} of answer #{self.answer_id}"
