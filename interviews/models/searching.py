"""What search reads: one narrow row per published answer, in recency tiers.

A search ranks the newest `search.MAX_MATCHES` answers matching the query.
Read from the answers themselves, that meant finding every match's date in
its wide row (232 MB at 160,000 answers, more than shared_buffers) before
sorting, and a common pair of words matches tens of thousands: 16 to 150 ms
a query. `SearchEntry` keeps only what matching, ranking and the facets
need (the date, the question, the interview, the lesson ids and the search
document), split by list partitioning into tiers of the newest answers:
tier 0 holds the newest TIER_SIZES[0], tier 1 the next TIER_SIZES[1], and
so on, the last tier the rest. A query reads tier 0 first and the older
tiers only while it has fewer than MAX_MATCHES (search.ranked_matches()),
so a common query reads one small tier's table and index.

Kept by PostgreSQL, never by hand: triggers on the answers table
(migration 0022) replace an answer's entry whenever its public date, search
document, lesson ids, question or interview change, and remove it when the
answer stops being public or is deleted. Every path that keeps
`Answer.search_vector` in step (upkeep.py) keeps this in step with it, and
no code can forget it. A new entry's tier comes from the tier boundaries
(`SearchTierBoundary`): an entry published before k of them is in tier k.
`SearchEntry.objects.retier()` (the worker's housekeeping) moves the
boundaries as answers are published so each tier keeps about its size; only
the sizes drift between runs, never the order, so results stay exact.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models, transaction

from .content import Answer

# Rows in each tier but the oldest (which holds the rest), each four times
# the one before. A search reads every match in the tiers it reads, each
# from its own heap page, so a small tier 0 serves the common words: a query
# matching an eighth of the answers or more finds its newest 500 matches in
# the newest 4,000. At 160,000 answers this layout found and ranked random
# pairs of words in 7 ms on average where (16,000, 48,000) took 9 to 10
# (docs/performance.md, "Search for a new query each time").
TIER_SIZES = (4_000, 16_000, 48_000)
TIERS = len(TIER_SIZES) + 1
# Retiering is due when tier 0 has grown by this share of its size.
RETIER_GROWTH = 0.25


class SearchEntryQuerySet(models.QuerySet):
    def retier(self, sizes=None):
        """Move the tier boundaries so each tier holds its size (`sizes`, else
        TIER_SIZES) of the newest entries, and the entries that change tier:
        returns how many moved.

        The boundary table is locked for the transaction, so an answer saved
        meanwhile waits and then files its entry by the new boundaries (the
        triggers take a SHARE lock on it before writing an entry).
        """
        table = SearchEntry._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            set_boundaries(cursor, f"SELECT published_at FROM {table}", sizes or TIER_SIZES)
            cursor.execute(
                f"UPDATE {table} AS e SET tier = moved.tier FROM ("
                f"SELECT answer_id, tier AS was, {TIER_OF % 'cur.published_at'} AS tier "
                f"FROM {table} AS cur"
                ") AS moved WHERE moved.answer_id = e.answer_id AND moved.was = e.tier "
                "AND moved.tier <> e.tier"
            )
            return cursor.rowcount

    def retier_due(self):
        """Whether tier 0 holds a RETIER_GROWTH share more than its size (or an
        older tier holds entries the newer ones lack room for): one query."""
        counts = dict(self.values_list("tier").annotate(n=models.Count("*")).order_by())
        newest = counts.get(0, 0)
        if counts.get(1, 0) and newest < TIER_SIZES[0]:
            return True  # entries removed from tier 0 left it short
        return newest > TIER_SIZES[0] * (1 + RETIER_GROWTH)


# An entry's tier: how many boundaries are newer than its date, given as a
# qualified column (the triggers of migration 0022 compute the same).
TIER_OF = "(SELECT count(*) FROM interviews_searchtierboundary AS b WHERE b.published_at > %s)"


def set_boundaries(cursor, dates_sql, sizes):
    """Replace the boundaries by the dates at each tier's end among `dates_sql`
    (a query of published dates), locking them for the transaction."""
    boundaries = SearchTierBoundary._meta.db_table
    cursor.execute(f"LOCK TABLE {boundaries} IN EXCLUSIVE MODE")
    cursor.execute(f"DELETE FROM {boundaries}")
    # A boundary is the date of the oldest entry of a newer tier: the entries
    # published before k boundaries are in tier k (entries sharing a
    # boundary's date stay in the newer tier).
    rank = 0
    for size in sizes:
        rank += size
        cursor.execute(
            f"INSERT INTO {boundaries} (published_at) SELECT published_at FROM ({dates_sql}) AS d "
            "ORDER BY published_at DESC OFFSET %s LIMIT 1 ON CONFLICT DO NOTHING",
            [rank - 1],
        )


class SearchEntry(models.Model):
    """One published answer as search reads it: see the module's docstring.

    Written only by the database's triggers; the table is partitioned by
    `tier` (migration 0022), so the primary key includes it.
    """

    pk = models.CompositePrimaryKey("tier", "answer")
    tier = models.PositiveSmallIntegerField(help_text="0 for the newest answers.")
    # No database constraint: the triggers remove an answer's entry with it.
    answer = models.ForeignKey(
        Answer, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    published_at = models.DateTimeField()
    question_id = models.BigIntegerField()
    interview_id = models.BigIntegerField()
    lesson_ids = ArrayField(models.BigIntegerField())
    vector = SearchVectorField()

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        # Migration 0022 creates the table as SQL (partitions, storage,
        # triggers: what Django's schema editor cannot express); managed
        # all the same, so test databases' flush empties it with the answers.
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"answer {self.answer_id} (tier {self.tier})"


def partition(tier):
    """The table of one tier (migration 0022 names them)."""
    return f"{SearchEntry._meta.db_table}_{tier}"


class SearchTierBoundary(models.Model):
    """The date of the oldest entry of a newer tier (see SearchEntry)."""

    published_at = models.DateTimeField(primary_key=True)

    def __str__(self):
        return self.published_at.isoformat()
