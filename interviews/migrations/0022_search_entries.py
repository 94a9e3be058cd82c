"""The narrow, tiered copy of published answers that search reads (models/searching.py).

The table is partitioned by tier and kept by triggers on the answers table,
so it is SQL here; Django's state gets the same model. Filled from the
answers already published, each into its tier. The answers' own GIN
index on search_vector goes: nothing matches against it any more.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

TIERS = 3
# The tier sizes of this migration (0023 changed them and added a tier): the
# entries filed here must fit the partitions created here.
TIER_SIZES = (16_000, 48_000)

CREATE = [
    """
    CREATE TABLE interviews_searchentry (
        tier smallint NOT NULL CHECK (tier >= 0),
        answer_id bigint NOT NULL,
        published_at timestamptz NOT NULL,
        question_id bigint NOT NULL,
        interview_id bigint NOT NULL,
        lesson_ids bigint[] NOT NULL,
        vector tsvector NOT NULL,
        PRIMARY KEY (tier, answer_id)
    ) PARTITION BY LIST (tier)
    """,
    # Each tier its own table: a query of the newest tier reads only its pages.
    *(
        f"CREATE TABLE interviews_searchentry_{tier} PARTITION OF interviews_searchentry "
        f"FOR VALUES IN ({tier})"
        for tier in range(TIERS)
    ),
    """
    CREATE FUNCTION interviews_searchentry_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM interviews_searchentry WHERE answer_id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.published_at IS NOT NULL
                AND NEW.search_vector IS NOT NULL THEN
            -- Waits while SearchEntry.objects.retier() moves the boundaries.
            LOCK TABLE interviews_searchtierboundary IN SHARE MODE;
            INSERT INTO interviews_searchentry
                (tier, answer_id, published_at, question_id, interview_id, lesson_ids, vector)
            VALUES (
                (SELECT count(*) FROM interviews_searchtierboundary AS b
                 WHERE b.published_at > NEW.published_at),
                NEW.id, NEW.published_at, NEW.question_id, NEW.interview_id,
                NEW.lesson_ids, NEW.search_vector
            );
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER answer_searchentry_insert AFTER INSERT ON interviews_answer
    FOR EACH ROW WHEN (NEW.published_at IS NOT NULL AND NEW.search_vector IS NOT NULL)
    EXECUTE FUNCTION interviews_searchentry_sync()
    """,
    """
    CREATE TRIGGER answer_searchentry_update AFTER UPDATE ON interviews_answer
    FOR EACH ROW WHEN (
        (OLD.published_at, OLD.search_vector, OLD.lesson_ids, OLD.question_id, OLD.interview_id)
        IS DISTINCT FROM
        (NEW.published_at, NEW.search_vector, NEW.lesson_ids, NEW.question_id, NEW.interview_id)
    )
    EXECUTE FUNCTION interviews_searchentry_sync()
    """,
    """
    CREATE TRIGGER answer_searchentry_delete AFTER DELETE ON interviews_answer
    FOR EACH ROW EXECUTE FUNCTION interviews_searchentry_sync()
    """,
]

# After the fill: building an index over the rows is quicker than growing it
# row by row.
INDEXES = [
    # Without GIN's pending list: new entries go straight into the index, so
    # a search never scans a list of recent inserts and the planner never
    # counts one (entries are written a few at a time, on publish or edit).
    "CREATE INDEX searchentry_vector_idx ON interviews_searchentry USING gin (vector) "
    "WITH (fastupdate = off)",
    "CREATE INDEX searchentry_answer_idx ON interviews_searchentry (answer_id)",
    # Answers found by their mentor's name (search.ranked_matches()).
    "CREATE INDEX searchentry_interview_idx ON interviews_searchentry (interview_id)",
]

DROP = [
    "DROP TRIGGER answer_searchentry_insert ON interviews_answer",
    "DROP TRIGGER answer_searchentry_update ON interviews_answer",
    "DROP TRIGGER answer_searchentry_delete ON interviews_answer",
    "DROP FUNCTION interviews_searchentry_sync()",
    "DROP TABLE interviews_searchentry",
]


def fill(apps, schema_editor):
    # The tiers' rule is the real module's, with this migration's sizes
    # (boundaries first, so each entry is written once, into its tier).
    from interviews.models.searching import TIER_OF, set_boundaries

    published = "SELECT published_at FROM interviews_answer WHERE published_at IS NOT NULL"
    with schema_editor.connection.cursor() as cursor:
        set_boundaries(cursor, published, TIER_SIZES)
        cursor.execute(
            "INSERT INTO interviews_searchentry "
            "(tier, answer_id, published_at, question_id, interview_id, lesson_ids, vector) "
            f"SELECT {TIER_OF % 'a.published_at'}, a.id, a.published_at, a.question_id, "
            "a.interview_id, a.lesson_ids, a.search_vector FROM interviews_answer AS a "
            "WHERE a.published_at IS NOT NULL AND a.search_vector IS NOT NULL "
            "ORDER BY a.published_at"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0021_question_answers_by_year"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTierBoundary",
            fields=[
                ("published_at", models.DateTimeField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "tier",
                                "answer",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        (
                            "tier",
                            models.PositiveSmallIntegerField(help_text="0 for the newest answers."),
                        ),
                        ("published_at", models.DateTimeField()),
                        ("question_id", models.BigIntegerField()),
                        ("interview_id", models.BigIntegerField()),
                        (
                            "lesson_ids",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.BigIntegerField(), size=None
                            ),
                        ),
                        ("vector", django.contrib.postgres.search.SearchVectorField()),
                        (
                            "answer",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="interviews.answer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "search entries",
                    },
                ),
            ],
            database_operations=[migrations.RunSQL(CREATE, DROP)],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunSQL(INDEXES, migrations.RunSQL.noop),
        migrations.RemoveIndex(
            model_name="answer",
            name="answer_search_idx",
        ),
    ]
