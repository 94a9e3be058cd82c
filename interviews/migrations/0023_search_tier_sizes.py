"""Four search tiers instead of three: the newest 4,000 answers, the next
16,000, the next 48,000, the rest (models/searching.py, TIER_SIZES).

A new partition for tier 3 (the partitioned table's indexes are created on
it by PostgreSQL), then every entry is filed again by the new boundaries.
Backwards: the entries are filed by the three tiers of 0022, then the empty
partition goes.
"""

from django.db import migrations

PREVIOUS_SIZES = (16_000, 48_000)


def retier(sizes):
    def run(apps, schema_editor):
        # The real module's rule, as in 0022: boundaries, then the entries moved.
        from interviews.models.searching import SearchEntry

        SearchEntry.objects.retier(sizes=sizes)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0022_search_entries"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE TABLE interviews_searchentry_3 PARTITION OF interviews_searchentry "
            "FOR VALUES IN (3)",
            "DROP TABLE interviews_searchentry_3",
        ),
        migrations.RunPython(retier(None), retier(PREVIOUS_SIZES)),
    ]
