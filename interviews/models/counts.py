"""Stored counts of published answers, so pages that show counts stay cheap.

Counting at request time means counting a quarter of a million tags joined
to their answers for /lessons/ and the home page, and tens of thousands of
rows per question for /questions/. Instead the counts are kept:

- `Question.published_answer_count`: published answers to the question;
- `LessonUse`: published answers to one question carrying one lesson (the
  question page's "Filter by lesson" chips);
- `Lesson.published_answer_count`: their sum over questions.

`refresh_counts(questions)` recounts them from `Answer.objects.published()`,
so they follow the same public rule as every page. It runs when a public
answer is added or deleted, when one gains or loses a lesson, when an
interview becomes public or stops being public, and after a lesson merge
(upkeep.py). The models it counts are looked up by name, so this module
imports none of the others. Recounting is idempotent: a count
that ever drifted is right again after the next change to its question.
"""

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear


def keep_stored_count(instance, save_kwargs):
    """save() arguments that leave `published_answer_count` to refresh_counts().

    Saving a Question or Lesson loaded before a recount (an editor's form
    open while mentors publish) would otherwise write its stale copy back,
    and pages read the stored count as the truth.
    """
    if instance._state.adding or save_kwargs.get("update_fields") is not None:
        return save_kwargs
    fields = [
        field.name
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.name != "published_answer_count"
    ]
    return {**save_kwargs, "update_fields": fields}


class LessonUse(models.Model):
    """How many published answers to `question` carry `lesson` (a stored count)."""

    question = models.ForeignKey(
        "interviews.Question", on_delete=models.CASCADE, related_name="lesson_uses"
    )
    lesson = models.ForeignKey("interviews.Lesson", on_delete=models.CASCADE, related_name="uses")
    answer_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "lesson"], name="lesson_use_unique")
        ]
        indexes = [
            # A question page's lesson chips: its lessons, most used first.
            models.Index(fields=["question", "-answer_count"], name="lesson_use_question_idx")
        ]

    def __str__(self):
        return f"{self.lesson_id} on question {self.question_id}: {self.answer_count}"


def refresh_counts(questions=None):
    """Recount published answers for `questions` (rows or ids; every question when None).

    A few statements whatever the number of answers: the questions' counts
    and their answers by year, their LessonUse rows, and the totals of the
    lessons those rows name.
    """
    Answer, Question, Lesson, TaggedAnswer = (
        apps.get_model("interviews", name)
        for name in ("Answer", "Question", "Lesson", "TaggedAnswer")
    )
    question_rows = Question.objects.all()
    uses = LessonUse.objects.all()
    published = Answer.objects.published()
    if questions is not None:
        ids = {getattr(question, "pk", question) for question in questions}
        if not ids:
            return
        question_rows = question_rows.filter(pk__in=ids)
        uses = uses.filter(question_id__in=ids)
        published = published.filter(question_id__in=ids)
    with transaction.atomic():
        per_question = (
            Answer.objects.published()
            .filter(question=OuterRef("pk"))
            .order_by()
            .values("question")
            .annotate(n=Count("pk"))
            .values("n")
        )
        question_rows.update(published_answer_count=Coalesce(Subquery(per_question), 0))
        by_year = {}
        for question, year, n in (
            published.annotate(year=ExtractYear("published_at"))
            .order_by()
            .values_list("question", "year")
            .annotate(n=Count("pk"))
        ):
            by_year.setdefault(question, {})[str(year)] = n
        changed = list(question_rows.only("pk"))
        for question in changed:
            question.answers_by_year = by_year.get(question.pk, {})
        Question.objects.bulk_update(changed, ["answers_by_year"])

        lessons = set(uses.values_list("lesson_id", flat=True))
        uses.delete()
        rows = (
            TaggedAnswer.objects.filter(content_object__in=published)
            .order_by()
            .values_list("content_object__question", "tag")
            .annotate(n=Count("pk"))
        )
        created = LessonUse.objects.bulk_create(
            LessonUse(question_id=question, lesson_id=lesson, answer_count=n)
            for question, lesson, n in rows
        )
        lessons.update(use.lesson_id for use in created)

        lesson_rows = (
            Lesson.objects.all() if questions is None else Lesson.objects.filter(pk__in=lessons)
        )
        total = (
            LessonUse.objects.filter(lesson=OuterRef("pk"))
            .order_by()
            .values("lesson")
            .annotate(n=Sum("answer_count"))
            .values("n")
        )
        lesson_rows.update(published_answer_count=Coalesce(Subquery(total), 0))
