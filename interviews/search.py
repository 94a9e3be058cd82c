"""Full-text search over published answers.

`clean_query()` makes what a reader typed safe to hand to PostgreSQL;
`ranked_matches()` finds the newest MAX_MATCHES published answers it
matches, in order of relevance, and
`results()` loads a page of them with highlighted snippets. Matching reads the
search entries (models/searching.py): a narrow copy of each published
answer's stored document (`answer_search_vector()` in models/content.py),
GIN-indexed and split into recency tiers; no query computes `to_tsvector`
over the table.
`related_answers()` finds further reading for one answer from the same
stored vectors.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
)
from django.db import connection
from django.db.models import (
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .links import slug_url
from .markdown import HIGHLIGHT_START, HIGHLIGHT_STOP
from .models import (
    Answer,
    Lesson,
    Mentor,
    Question,
    SearchEntry,
    SearchTerm,
    TaggedAnswer,
    last_public_change,
)
from .models.content import SEARCH_CONFIG
from .models.searching import TIERS, partition
from .models.vocabulary import MIN_LENGTH as MIN_TERM_LENGTH

MAX_QUERY_LENGTH = 500
LESSON_SEPARATOR = " · "
# Ranking reads the stored document of every answer it ranks, and a common
# word matches most answers: at 160,000 answers "data" would mean ranking
# nearly all of them. Search ranks the newest MAX_MATCHES matches instead,
# so its cost has a ceiling whatever the size of the site (the page then says
# "500+ answers match"). Ranking, the facets and the count all read these
# rows: at 160,000 answers 1,000 cost a third more time than 500.
MAX_MATCHES = 500
RELATED_ANSWERS = 5
# Share of words two answers must have in common to count as related reading
# without a shared lesson (cosine over their sets of stemmed words; unrelated
# answers to one question share under 0.1 of them, related ones more).
RELATED_MIN_SIMILARITY = 0.1
RELATED_POOL = 100

# Characters no query needs: controls (NUL is refused by PostgreSQL outright),
# lone surrogates (cannot be encoded) and private use (our highlight markers).
_DROPPED_CATEGORIES = {"Cc", "Cs", "Co"}


@dataclass(frozen=True)
class CleanQuery:
    text: str
    truncated: bool = False

    @property
    def has_words(self):
        """False for punctuation alone: nothing a search could match."""
        return any(ch.isalnum() for ch in self.text)


def clean_query(raw):
    """What the reader typed, without unusable characters, at most 500 characters."""
    kept = "".join(
        " " if unicodedata.category(ch) in _DROPPED_CATEGORIES else ch for ch in raw or ""
    )
    text = " ".join(kept.split())
    if len(text) > MAX_QUERY_LENGTH:
        return CleanQuery(text[:MAX_QUERY_LENGTH].rstrip(), truncated=True)
    return CleanQuery(text)


def search_query(text):
    # Web-search syntax ("a phrase", -excluded, or) never raises on odd input,
    # unlike to_tsquery: an unclosed quote or a lone "&" is simply ignored.
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


@dataclass(frozen=True)
class Match:
    """One answer a search found: what the results page, its count and its
    facets need without loading the answer."""

    pk: int
    question_id: int
    lesson_ids: list


def _filters(question=None, lessons=(), interview=None, since=None):
    """(SQL conditions, parameters) on a search entry for the filters of
    ranked_matches()."""
    conditions, params = [], []
    if question is not None:
        conditions.append("question_id = %s")
        params.append(question.pk)
    if lessons:
        conditions.append("lesson_ids @> %s::bigint[]")
        params.append(sorted({getattr(lesson, "pk", lesson) for lesson in lessons}))
    if interview is not None:
        conditions.append("interview_id = %s")
        params.append(interview.pk)
    if since is not None:
        conditions.append("published_at >= %s")
        params.append(since)
    return conditions, params


def ranked_matches(text, **filters):
    """The newest MAX_MATCHES published answers matching `text` (its words, or
    a mentor's name with a typo) and the filters (`question`, `lessons`: all
    of them, `interview`, `since`: published at or after), best first, as
    Matches: one query.

    Read from the search entries a tier at a time (models/searching.py):
    tier 0, the newest answers, first; an older tier only while the newer
    ones hold fewer than MAX_MATCHES matches (a one-time filter: PostgreSQL
    skips the scan). Each tier is matched through its GIN index in a
    materialized CTE. The query is read from a CTE, so the planner does not
    see it and estimates few matches: told that "data" matches 86% of a
    tier, it would test every row instead (or walk the dates newest first
    until enough match), reading each row's document out of line, which it
    does not count: 50 ms where the index takes 3. Only the newest
    MAX_MATCHES are then ranked, fetching their documents by key: the
    document is weighted (question and lessons over mentor over text), so
    ts_rank puts a lesson match above a passing mention; a mentor's name
    found by similarity alone ranks by how close it
    is. The page, the count and the facets read these rows only.
    """
    conditions, filter_params = _filters(**filters)
    match = (
        "(vector @@ (SELECT query FROM query) "
        "OR interview_id = ANY(ARRAY(SELECT interview_id FROM names)))"
    )
    where = " AND ".join([match, *conditions])
    # The CTEs hold what sorting needs and no more: a CTE keeps its rows in
    # memory, so each document (and lesson array) would be copied; the ranked
    # rows' are read by key (the join below).
    columns = "tier, answer_id, interview_id, published_at"
    tiers = []
    for tier in range(TIERS):
        # Counting no further than MAX_MATCHES: enough to know.
        newer = " + ".join(
            f"(SELECT count(*) FROM (SELECT FROM tier{n} LIMIT {MAX_MATCHES}) AS c)"
            for n in range(tier)
        )
        gate = f" AND {newer} < {MAX_MATCHES}" if newer else ""
        tiers.append(
            f"tier{tier} AS MATERIALIZED (SELECT {columns} FROM {partition(tier)} "
            f"WHERE {where}{gate})"
        )
    everything = " UNION ALL ".join(f"SELECT * FROM tier{tier}" for tier in range(TIERS))
    sql = (
        "WITH query AS (SELECT websearch_to_tsquery(%s::regconfig, %s) AS query), "
        # Interviews whose mentor's name is like `text` (pg_trgm's `%>`:
        # word_similarity() above 0.6, from the trigram index on the name).
        "names AS MATERIALIZED (SELECT i.id AS interview_id, "
        "word_similarity(%s, m.name) AS similarity FROM interviews_interview AS i "
        "JOIN interviews_mentor AS m ON m.id = i.mentor_id WHERE m.name %%> %s), "
        f"{', '.join(tiers)}, "
        f"newest AS (SELECT * FROM ({everything}) AS m "
        f"ORDER BY published_at DESC, answer_id DESC LIMIT {MAX_MATCHES}) "
        "SELECT n.answer_id, e.question_id, e.lesson_ids FROM newest AS n "
        f"JOIN {SearchEntry._meta.db_table} AS e "
        "ON e.tier = n.tier AND e.answer_id = n.answer_id "
        "LEFT JOIN names ON names.interview_id = n.interview_id "
        "ORDER BY ts_rank(e.vector, (SELECT query FROM query)) "
        "+ COALESCE(names.similarity, 0) DESC, n.published_at DESC, n.answer_id"
    )
    params = [SEARCH_CONFIG, text, text, text, *filter_params * TIERS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Match(*row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Chip:
    """A lesson on a result's card (what templatetags' lesson_chips() reads)."""

    name: str
    slug: str


@dataclass(frozen=True)
class Result:
    """One answer on a results page, as its card shows it: the headlines are
    plain text with the matches between HIGHLIGHT_START and HIGHLIGHT_STOP
    (see `highlight()`)."""

    pk: int
    mentor_name: str
    mentor_slug: str
    question_title: str
    question_slug: str
    headline: str  # the passages of the answer's text that match
    question_headline: str  # the question's text
    mentor_headline: str  # "Role, Company", whichever are known, or ""
    lessons_headline: str  # its lessons' names, by name
    lessons: list  # of Chip, by name

    @property
    def url(self):
        return slug_url("interviews:answer-detail", self.mentor_slug, self.question_slug)

    @property
    def question_url(self):
        return slug_url("interviews:question-detail", self.question_slug)


# Between the short texts highlighted in one call (private use, like the
# highlight markers: clean_query() drops these from what readers type).
_PART = "\ue002"
_HEADLINE = (
    f"StartSel='{HIGHLIGHT_START}', StopSel='{HIGHLIGHT_STOP}', "
    "MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=' … '"
)
_HIGHLIGHT_ALL = f"StartSel='{HIGHLIGHT_START}', StopSel='{HIGHLIGHT_STOP}', HighlightAll=true"


def results(ids, text):
    """The Results for the answers `ids` (published, found for `text`), in
    that order: one query.

    ts_headline is costly, so it runs for the page shown only: twice an
    answer, over the plain-text copy of its text (the best two passages) and
    over its question, mentor line and lessons together (every match marked,
    split again here). Hand-written because the ORM's version of the same
    query spent longer compiling it (6 ms) than PostgreSQL ran it.
    """
    if not ids:
        return []
    sql = (
        "SELECT a.id, m.name, m.slug, q.title, q.slug, "
        "ts_headline(query.config, a.body_text, query.query, %s), "
        "ts_headline(query.config, concat_ws(%s, q.text, concat_ws(', ', "
        "nullif(m.role, ''), nullif(m.company, '')), array_to_string(lessons.names, %s)), "
        "query.query, %s), "
        "lessons.names, lessons.slugs "
        "FROM unnest(%s::bigint[]) WITH ORDINALITY AS page (id, n) "
        "CROSS JOIN (SELECT %s::regconfig AS config, "
        "websearch_to_tsquery(%s::regconfig, %s) AS query) AS query "
        "JOIN interviews_answer AS a ON a.id = page.id "
        "JOIN interviews_question AS q ON q.id = a.question_id "
        "JOIN interviews_interview AS i ON i.id = a.interview_id "
        "JOIN interviews_mentor AS m ON m.id = i.mentor_id "
        "CROSS JOIN LATERAL (SELECT coalesce(array_agg(l.name ORDER BY l.name), '{}') AS names, "
        "coalesce(array_agg(l.slug ORDER BY l.name), '{}') AS slugs "
        "FROM interviews_lesson AS l WHERE l.id = ANY(a.lesson_ids)) AS lessons "
        "ORDER BY page.n"
    )
    params = [
        _HEADLINE,
        _PART,
        LESSON_SEPARATOR,
        _HIGHLIGHT_ALL,
        list(ids),
        SEARCH_CONFIG,
        SEARCH_CONFIG,
        text,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for pk, name, slug, title, question_slug, headline, parts, names, slugs in rows:
        question_line, mentor_line, lessons_line = parts.split(_PART)
        found.append(
            Result(
                pk,
                name,
                slug,
                title,
                question_slug,
                headline,
                question_line,
                mentor_line,
                lessons_line,
                [Chip(*lesson) for lesson in zip(names, slugs, strict=True)],
            )
        )
    return found


def marked(headline):
    """Whether a headline holds a match."""
    return HIGHLIGHT_START in (headline or "")


def highlight(headline):
    """A headline as safe HTML: everything escaped, the matches in <mark>."""
    # Safe: escaped first, and only our own markers become tags.
    return mark_safe(
        escape(headline or "").replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    )


# A search finding fewer answers than this offers "Did you mean …" when a word
# in it is not one the answers use.
FEW_RESULTS = 3
WORD = re.compile(r"[^\W\d_]+")


def did_you_mean(text):
    """`text` with each word no published answer uses replaced by the most alike
    word one does (SearchTerm), or None when there is nothing to correct: one query."""
    typed = {word.lower() for word in WORD.findall(text)}
    fixes = SearchTerm.objects.closest(sorted(w for w in typed if len(w) >= MIN_TERM_LENGTH))
    if not fixes:
        return None
    return WORD.sub(lambda m: fixes.get(m.group(0).lower(), m.group(0)), text)


SUGGESTIONS = 5  # of each kind


def suggestions(text, limit=SUGGESTIONS):
    """Lessons, mentors and questions whose names have a word starting with
    what was typed ({kind: [(name, url)]}), for the search box: three queries."""
    text = " ".join(text.split())[:100]
    if len(text) < 2:
        return {}
    # PostgreSQL's \m: the start of a word, in any case.
    starts = r"\m" + re.escape(text)
    lessons = Lesson.objects.in_use().filter(name__iregex=starts).order_by("-answer_count", "name")
    mentors = Mentor.objects.published().filter(name__iregex=starts).order_by("name")
    questions = Question.objects.public().filter(title__iregex=starts).order_by("position")
    return {
        "lessons": [(lesson.name, lesson.get_absolute_url()) for lesson in lessons[:limit]],
        "mentors": [(mentor.name, mentor.get_absolute_url()) for mentor in mentors[:limit]],
        "questions": [(q.title, q.get_absolute_url()) for q in questions[:limit]],
    }


def search_terms_stale():
    """Whether the vocabulary is older than what readers can see (or missing)."""
    changed = last_public_change()
    built = SearchTerm.objects.built_at()
    return changed is not None and (built is None or changed > built)


def reduces_to_nothing(text):
    """True when PostgreSQL finds no searchable word in `text` (only stop words)."""
    # Asked of the parser directly: no table is read.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery(%s::regconfig, %s)) = 0", [SEARCH_CONFIG, text]
        )
        return cursor.fetchone()[0]


class VocabularySimilarity(Func):
    """How alike two search vectors' own text is: shared words over their sizes.

    Only the answer text (weight D) counts, since answers to one question all
    share the question's words. Cosine over the sets of stemmed words, 0 to 1.
    """

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        (a, a_params), (b, b_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        words_a = f"ts_filter({a}, '{{d}}')"
        words_b = f"ts_filter({b}, '{{d}}')"
        sql = (
            "((SELECT count(*) FROM ("
            f"SELECT unnest(tsvector_to_array({words_a})) "
            f"INTERSECT SELECT unnest(tsvector_to_array({words_b}))) AS shared)"
            f" / sqrt(greatest(length({words_a}) * length({words_b}), 1)))"
        )
        # Each side appears twice in the SQL, so its parameters do too.
        return sql, (*a_params, *b_params, *a_params, *b_params)


def related_answers(answer, limit=RELATED_ANSWERS):
    """Up to `limit` published answers by other mentors to the same question
    that share a lesson or enough words with `answer`, most in common first.

    Candidates are the newest RELATED_POOL answers to the question: comparing
    vocabularies answer by answer is too slow for every answer to a question
    at ten thousand mentors. `answer` should come
    from `for_display()`; one query, whatever the number of answers.
    """
    lesson_ids = [lesson.pk for lesson in answer.shown_lessons]
    shared_lessons = (
        TaggedAnswer.objects.filter(content_object=OuterRef("pk"), tag__in=lesson_ids)
        .values("content_object")
        .annotate(n=Count("pk"))
        .values("n")
    )
    own_vector = Answer.objects.filter(pk=answer.pk).values("search_vector")
    # A mentor has one published interview at most, so other published
    # answers from other interviews are other mentors' (no join needed).
    pool = (
        Answer.objects.published()
        .filter(question_id=answer.question_id)
        .exclude(interview_id=answer.interview_id)
        .order_by("-published_at", "pk")
        .values("pk")[:RELATED_POOL]
    )
    return (
        Answer.objects.filter(pk__in=pool)
        .annotate(
            shared_lessons=Coalesce(Subquery(shared_lessons, output_field=IntegerField()), 0),
            similarity=VocabularySimilarity(F("search_vector"), Subquery(own_vector)),
        )
        .filter(Q(shared_lessons__gt=0) | Q(similarity__gte=RELATED_MIN_SIMILARITY))
        .order_by("-shared_lessons", "-similarity", F("published_at").desc(), "pk")
        .for_display()[:limit]
    )
