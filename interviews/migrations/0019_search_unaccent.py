"""Search ignores accents: a text search configuration `applyingml`, English
with PostgreSQL's unaccent dictionary in front of the stemmer (as its
documentation shows), and every answer's search document rebuilt with it.

"Zoe" then finds "Zoë" and "cafe" finds "café", in the text, the mentor's
name and the lessons alike; the query is read with the same configuration
(`SEARCH_CONFIG`), so an accented query finds unaccented text too.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

from interviews.models.content import answer_search_vector

CREATE = """
CREATE TEXT SEARCH CONFIGURATION applyingml (COPY = english);
ALTER TEXT SEARCH CONFIGURATION applyingml
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS applyingml;"


def rebuild_documents(apps, schema_editor):
    Answer = apps.get_model("interviews", "Answer")
    Answer.objects.update(search_vector=answer_search_vector(apps, config="applyingml"))


def english_documents(apps, schema_editor):
    Answer = apps.get_model("interviews", "Answer")
    Answer.objects.update(search_vector=answer_search_vector(apps, config="english"))


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0018_rerender_markdown"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(CREATE, DROP),
        migrations.RunPython(rebuild_documents, english_documents, elidable=True),
    ]
