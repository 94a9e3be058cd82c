"""Fast public pages at scale: answers carry their public date, counts are stored.

- `Answer.published_at`: the interview's publication date while it is public
  (empty otherwise), so the public lists filter and sort answers without a
  join, through partial indexes.
- `Question.published_answer_count`, `Lesson.published_answer_count` and
  `LessonUse` (per question and lesson): stored counts of published answers.
- Indexes matching the public orderings; the interview index becomes a
  partial one in `newest_first()` order; lessons are indexed with their
  answers.

The data step fills the new columns for existing rows; the indexes are built
after it, which is faster than maintaining them row by row.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Answer = apps.get_model("interviews", "Answer")
    Interview = apps.get_model("interviews", "Interview")
    Question = apps.get_model("interviews", "Question")
    Lesson = apps.get_model("interviews", "Lesson")
    LessonUse = apps.get_model("interviews", "LessonUse")
    TaggedAnswer = apps.get_model("interviews", "TaggedAnswer")

    # Interview.public_filter() as it stands at this migration.
    public = Interview.objects.filter(status="published", pk=OuterRef("interview_id"))
    Answer.objects.update(published_at=Subquery(public.values("published_at")[:1]))

    published = Answer.objects.filter(published_at__isnull=False)
    per_question = (
        published.filter(question=OuterRef("pk"))
        .order_by()
        .values("question")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Question.objects.update(published_answer_count=Coalesce(Subquery(per_question), 0))
    rows = (
        TaggedAnswer.objects.filter(content_object__in=published)
        .order_by()
        .values_list("content_object__question", "tag")
        .annotate(n=Count("pk"))
    )
    LessonUse.objects.bulk_create(
        LessonUse(question_id=question, lesson_id=lesson, answer_count=n)
        for question, lesson, n in rows
    )
    total = (
        LessonUse.objects.filter(lesson=OuterRef("pk"))
        .order_by()
        .values("lesson")
        .annotate(n=Sum("answer_count"))
        .values("n")
    )
    Lesson.objects.update(published_answer_count=Coalesce(Subquery(total), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0007_one_interview_per_mentor"),
    ]

    operations = [
        migrations.CreateModel(
            name="LessonUse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("answer_count", models.PositiveIntegerField()),
                (
                    "lesson",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="uses",
                        to="interviews.lesson",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lesson_uses",
                        to="interviews.question",
                    ),
                ),
            ],
            # Here rather than after the data step: PostgreSQL refuses to alter
            # a table with rows inserted in the same transaction.
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("question", "lesson"), name="lesson_use_unique")
                ],
                "indexes": [
                    models.Index(
                        fields=["question", "-answer_count"], name="lesson_use_question_idx"
                    )
                ],
            },
        ),
        migrations.RemoveIndex(
            model_name="interview",
            name="interview_status_pub_idx",
        ),
        migrations.AddField(
            model_name="answer",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="The interview's publication date while it is public, else empty "
                "(a copy, kept by Interview.save()).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="lesson",
            name="published_answer_count",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Published answers carrying the lesson (kept by counts.refresh_counts()).",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="published_answer_count",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Published answers (kept by counts.refresh_counts()).",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                condition=models.Q(("published_at__isnull", False)),
                fields=["question", "-published_at", "id"],
                name="answer_public_question_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                condition=models.Q(("published_at__isnull", False)),
                fields=["-published_at", "-id"],
                name="answer_public_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                condition=models.Q(("published_at__isnull", False)),
                fields=["-updated_at"],
                name="answer_public_updated_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="interview",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published")),
                name="interview_public_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="lesson",
            index=models.Index(
                condition=models.Q(("published_answer_count__gt", 0)),
                fields=["-published_answer_count", "name"],
                name="lesson_in_use_idx",
            ),
        ),
        # The lesson index with the answer, serving every lookup by lesson.
        migrations.AlterField(
            model_name="taggedanswer",
            name="tag",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tagged_answers",
                to="interviews.lesson",
            ),
        ),
        migrations.AddIndex(
            model_name="taggedanswer",
            index=models.Index(
                fields=["tag"], include=["content_object"], name="tagged_answer_lesson_idx"
            ),
        ),
    ]
