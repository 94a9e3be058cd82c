"""A question's answers filtered by lessons through a GIN index: each answer
keeps 'question id:lesson id' for each of its lessons.

Adds `Answer.question_lessons` and fills it from the tagging rows (only
answers with lessons: the default is already an empty array), then indexes
it for public answers.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

from interviews.models.content import answer_question_lessons


def fill_question_lessons(apps, schema_editor):
    Answer = apps.get_model("interviews", "Answer")
    TaggedAnswer = apps.get_model("interviews", "TaggedAnswer")
    tagged = TaggedAnswer.objects.values("content_object_id")
    Answer.objects.filter(pk__in=tagged).update(question_lessons=answer_question_lessons(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0009_answer_lesson_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="question_lessons",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.TextField(),
                blank=True,
                default=list,
                editable=False,
                help_text="'question id:lesson id' for each of the answer's lessons (kept by "
                "update_search_fields()), for a question's answers filtered by lessons.",
                size=None,
            ),
        ),
        migrations.RunPython(fill_question_lessons, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="answer",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("published_at__isnull", False)),
                fields=["question_lessons"],
                name="answer_public_q_lessons_idx",
            ),
        ),
    ]
