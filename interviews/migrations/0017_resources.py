"""Resources mentors cite: Resource, Citation, QuestionResource and
LessonResource, filled from the links of the answers already stored.

The data step reads each answer's stored HTML once, in chunks (only answers
whose HTML holds a link), inserts resources and citations in bulk, and then
counts them in three statements (refresh_resource_counts): no answer is
saved, so no signal runs per row.
"""

import django.db.models.deletion
from django.db import migrations, models

from interviews.models.resources import record_in_bulk, refresh_resource_counts


def fill(apps, schema_editor):
    Answer = apps.get_model("interviews", "Answer")
    rows = (
        Answer.objects.filter(body_html__contains="<a")
        .order_by("pk")
        .values_list("pk", "body_html")
        .iterator(chunk_size=2000)
    )
    record_in_bulk(rows, apps=apps)
    # Answer.objects.published() as it stands at this migration.
    published = Answer.objects.filter(published_at__isnull=False)
    refresh_resource_counts(answers=published, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0016_share_images"),
    ]

    operations = [
        migrations.CreateModel(
            name="Resource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        help_text="Normalised (citations.py).", max_length=2000, unique=True
                    ),
                ),
                ("host", models.CharField(help_text="The site, without www.", max_length=255)),
                (
                    "title",
                    models.CharField(
                        blank=True,
                        editable=False,
                        help_text="The link text published answers use most (empty: the address is shown).",
                        max_length=300,
                    ),
                ),
                (
                    "citation_count",
                    models.PositiveIntegerField(
                        default=0, editable=False, help_text="Published answers citing it (stored)."
                    ),
                ),
                (
                    "mentor_count",
                    models.PositiveIntegerField(
                        default=0, editable=False, help_text="Their distinct mentors (stored)."
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-mentor_count", "-citation_count", "url"],
                "indexes": [
                    models.Index(
                        models.OrderBy(models.F("mentor_count"), descending=True),
                        models.OrderBy(models.F("citation_count"), descending=True),
                        models.F("url"),
                        condition=models.Q(("citation_count__gt", 0)),
                        name="resource_ranked_idx",
                    ),
                    models.Index(
                        models.F("host"),
                        models.OrderBy(models.F("mentor_count"), descending=True),
                        models.OrderBy(models.F("citation_count"), descending=True),
                        models.F("url"),
                        condition=models.Q(("citation_count__gt", 0)),
                        name="resource_host_ranked_idx",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="QuestionResource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("answer_count", models.PositiveIntegerField()),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="resource_uses",
                        to="interviews.question",
                    ),
                ),
                (
                    "resource",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="question_uses",
                        to="interviews.resource",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        models.F("question"),
                        models.OrderBy(models.F("answer_count"), descending=True),
                        models.F("resource"),
                        name="question_resource_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("question", "resource"), name="question_resource_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Citation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "text",
                    models.CharField(blank=True, help_text="The link's text.", max_length=300),
                ),
                (
                    "answer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations",
                        to="interviews.answer",
                    ),
                ),
                (
                    "resource",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations",
                        to="interviews.resource",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        models.F("resource"),
                        models.OrderBy(models.F("id"), descending=True),
                        name="citation_resource_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("answer", "resource"), name="citation_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="LessonResource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("answer_count", models.PositiveIntegerField()),
                ("mentor_count", models.PositiveIntegerField()),
                (
                    "lesson",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="resource_uses",
                        to="interviews.lesson",
                    ),
                ),
                (
                    "resource",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lesson_uses",
                        to="interviews.resource",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        models.F("lesson"),
                        models.OrderBy(models.F("mentor_count"), descending=True),
                        models.OrderBy(models.F("answer_count"), descending=True),
                        models.F("resource"),
                        name="lesson_resource_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("lesson", "resource"), name="lesson_resource_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
