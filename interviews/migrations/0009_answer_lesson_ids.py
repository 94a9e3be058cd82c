"""Lesson filters through a GIN index: each answer keeps the ids of its lessons.

Adds `Answer.lesson_ids` and fills it from the tagging rows (only answers
with lessons: the default is already an empty array), then indexes it for
public answers.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

from interviews.models.content import answer_lesson_ids


def fill_lesson_ids(apps, schema_editor):
    Answer = apps.get_model("interviews", "Answer")
    TaggedAnswer = apps.get_model("interviews", "TaggedAnswer")
    tagged = TaggedAnswer.objects.values("content_object_id")
    Answer.objects.filter(pk__in=tagged).update(lesson_ids=answer_lesson_ids(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0008_scale"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="lesson_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(),
                blank=True,
                default=list,
                editable=False,
                help_text="Ids of the answer's lessons, sorted (a copy of its TaggedAnswer "
                "rows, kept by update_search_fields()), for lesson filters through a GIN index.",
                size=None,
            ),
        ),
        migrations.RunPython(fill_lesson_ids, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="answer",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("published_at__isnull", False)),
                fields=["lesson_ids"],
                name="answer_public_lessons_idx",
            ),
        ),
    ]
