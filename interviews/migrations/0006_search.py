"""Full-text search: a stored, weighted search document on every answer.

Adds the plain-text copy of each answer (what search highlights), the stored
search vector with its GIN index, and pg_trgm with a trigram index on mentor
names (typo-tolerant name search), then fills both columns for existing rows.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from interviews.markdown import html_to_text
from interviews.models.content import answer_search_vector


def fill_search_columns(apps, schema_editor):
    Answer = apps.get_model("interviews", "Answer")
    answers = list(Answer.objects.only("pk", "body_html"))
    for answer in answers:
        answer.body_text = html_to_text(answer.body_html)
    Answer.objects.bulk_update(answers, ["body_text"], batch_size=500)
    Answer.objects.update(search_vector=answer_search_vector(apps, config="english"))


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0005_lesson_redirects"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="answer",
            name="body_text",
            field=models.TextField(
                blank=True, editable=False, help_text="Plain text of body_html, for search."
            ),
        ),
        migrations.AddField(
            model_name="answer",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="answer_search_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="mentor",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["name"], name="mentor_name_trgm_idx", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
    ]
