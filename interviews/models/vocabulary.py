"""The words published answers use: what "Did you mean …" suggests from.

One row a word (lower case, accents kept, as PostgreSQL's `simple`
configuration splits the text), with the number of published answers using
it. Rebuilt whole by `SearchTerm.objects.rebuild()` (the worker, after a
change readers can see: tasks.rebuild_search_terms), so a withdrawn answer's
words leave with it; read through a trigram index (pg_trgm) by
`closest()`.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from .content import Answer

# Words shorter than this are not worth correcting (and match too much).
MIN_LENGTH = 3
# How alike a suggestion must be to the typed word (pg_trgm's similarity, 0-1).
MIN_SIMILARITY = 0.4


class SearchTermQuerySet(models.QuerySet):
    def built_at(self):
        return self.aggregate(at=Max("built_at"))["at"]

    def rebuild(self):
        """Replace every row with the words of the published answers now: two statements."""
        documents = (
            Answer.objects.published()
            .annotate(words=SearchVector("body_text", config="simple"))
            .values_list("words", flat=True)
        )
        # ts_stat() takes its query as text, so the parameters are bound into it.
        query = connection.ops.compose_sql(*documents.query.sql_with_params())
        with transaction.atomic(), connection.cursor() as cursor:
            # Taken before reading: a change committed meanwhile leaves it stale.
            built_at = timezone.now()
            cursor.execute(f"DELETE FROM {SearchTerm._meta.db_table}")
            cursor.execute(
                f"INSERT INTO {SearchTerm._meta.db_table} (word, answers, built_at) "
                "SELECT word, ndoc, %s FROM ts_stat(%s) "
                "WHERE length(word) >= %s AND word ~ '^[[:alpha:]]+$'",
                [built_at, query, MIN_LENGTH],
            )

    def closest(self, words):
        """{typed word: the most alike word answers use} for those of `words`
        (lower case) that answers do not use: one query."""
        if not words:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT typed, best.word FROM unnest(%s::text[]) AS typed "
                f"CROSS JOIN LATERAL (SELECT word FROM {SearchTerm._meta.db_table} "
                "WHERE word %% typed AND similarity(word, typed) >= %s "
                "ORDER BY word = typed DESC, similarity(word, typed) DESC, answers DESC, word "
                "LIMIT 1) AS best",
                [list(words), MIN_SIMILARITY],
            )
            return {typed: word for typed, word in cursor.fetchall() if typed != word}


class SearchTerm(models.Model):
    word = models.CharField(max_length=200, unique=True)
    answers = models.PositiveIntegerField(help_text="Published answers using it.")
    built_at = models.DateTimeField()

    objects = SearchTermQuerySet.as_manager()

    class Meta:
        indexes = [
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="searchterm_word_trgm_idx"),
        ]

    def __str__(self):
        return f"{self.word} ({self.answers})"
