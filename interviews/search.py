"""Full-text search over published answers.

`clean_query()` makes what a reader typed safe to hand to PostgreSQL;
`matching_answers()` is every published answer it finds, `ranked_matches()`
keeps the newest MAX_MATCHES of them in order of relevance, and
`with_headlines()` adds highlighted snippets to a page of them. Matching reads the
stored, GIN-indexed `Answer.search_vector` (see `answer_search_vector()` in
models/content.py); no query computes `to_tsvector` over the table.
`related_answers()` finds further reading for one answer from the same
stored vectors.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    TrigramWordSimilarity,
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
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .expressions import IsAnyOf
from .markdown import HIGHLIGHT_START, HIGHLIGHT_STOP
from .models import (
    Answer,
    Interview,
    Lesson,
    Mentor,
    Question,
    SearchTerm,
    TaggedAnswer,
    last_public_change,
)
from .models.content import SEARCH_CONFIG
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


def _mentor_name_like(text):
    # pg_trgm's `%>`: word_similarity(text, name) above its threshold (0.6),
    # answered once from the trigram index on Mentor.name, not per answer.
    interviews = (
        Interview.objects.filter(mentor__name__trigram_word_similar=text).order_by().values("pk")
    )
    return Q(IsAnyOf(F("interview_id"), ArraySubquery(interviews)))


def matching_answers(text):
    """Published answers matching `text`: its words, or a mentor's name with a typo."""
    return Answer.objects.published().filter(
        Q(search_vector=search_query(text)) | _mentor_name_like(text)
    )


@dataclass(frozen=True)
class Match:
    """One answer a search found: what the results page, its count and its
    facets need without loading the answer."""

    pk: int
    question_id: int
    lesson_ids: list


def ranked_matches(answers, text):
    """The newest MAX_MATCHES of `answers`, best first, as Matches: one query.

    Inside, PostgreSQL finds the newest matches through the GIN index when
    the words are rare, or by walking answers newest first until it has
    enough when they are common; outside, it ranks those rows as they come
    out of that subquery. Ranking them with `ranked()` instead meant a
    second lookup of every one by id: twice the time. The page, the count
    and the facets then read these rows only, instead of matching the whole
    table again each.

    The stored vector is weighted (question and lessons over mentor over
    text), so ts_rank puts a lesson match above a passing mention; a mentor's
    name found by similarity alone ranks by how close it is.
    """
    newest = answers.order_by(F("published_at").desc(), "-pk").values_list(
        "pk", "question_id", "lesson_ids", "interview_id", "published_at", "search_vector"
    )[:MAX_MATCHES]
    newest_sql, newest_params = newest.query.sql_with_params()
    name_sql, name_params = _name_similarities(text).query.sql_with_params()
    sql = (
        f"SELECT n.id, n.question_id, n.lesson_ids FROM ({newest_sql}) "
        "AS n (id, question_id, lesson_ids, interview_id, published_at, search_vector) "
        f"LEFT JOIN ({name_sql}) AS by_name (interview_id, similarity) "
        "ON by_name.interview_id = n.interview_id "
        "ORDER BY ts_rank(n.search_vector, websearch_to_tsquery(%s::regconfig, %s)) "
        "+ COALESCE(by_name.similarity, 0) DESC, n.published_at DESC, n.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*newest_params, *name_params, SEARCH_CONFIG, text))
        return [Match(*row) for row in cursor.fetchall()]


def _name_similarities(text):
    # (interview id, how close its mentor's name is to `text`) for the few
    # names similar enough to match at all (`_mentor_name_like()`).
    return (
        Interview.objects.filter(mentor__name__trigram_word_similar=text)
        .order_by()
        .values_list("pk", TrigramWordSimilarity(text, "mentor__name"))
    )


def with_headlines(answers, text):
    """Annotate `headline`: the passages of the answer's text that match, and
    the lines of its card with the matching words marked wherever they are:
    `question_headline` (the question), `mentor_headline` (role and company)
    and `lessons_headline` (its lessons' names), so a result found by its
    question, a lesson or who answered shows why.

    ts_headline is costly, so annotate the page being shown only; PostgreSQL
    evaluates it after the sort and limit. It runs over the plain-text copy
    of the answer, marked with private-use characters that `highlight()`
    turns into <mark> once everything else is escaped.
    """
    query = search_query(text)
    marks = {"config": SEARCH_CONFIG, "start_sel": HIGHLIGHT_START, "stop_sel": HIGHLIGHT_STOP}
    lessons = (
        TaggedAnswer.objects.filter(content_object=OuterRef("pk"))
        .values("content_object")
        .annotate(names=StringAgg("tag__name", LESSON_SEPARATOR, order_by="tag__name"))
        .values("names")
    )
    return answers.annotate(
        headline=SearchHeadline(
            "body_text",
            query,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
            **marks,
        ),
        question_headline=SearchHeadline("question__text", query, highlight_all=True, **marks),
        mentor_headline=SearchHeadline(
            # Mentor.headline: "Role, Company" with whichever parts are known.
            Func(
                Value(", "),
                NullIf("interview__mentor__role", Value("")),
                NullIf("interview__mentor__company", Value("")),
                function="CONCAT_WS",
                output_field=TextField(),
            ),
            query,
            highlight_all=True,
            **marks,
        ),
        lessons_headline=SearchHeadline(
            Subquery(lessons, output_field=TextField()), query, highlight_all=True, **marks
        ),
    )


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
