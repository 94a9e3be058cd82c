"""The public, read-only API at /api/v1/: questions, mentors, answers, lessons.

django-ninja turns the endpoints and schemas (`schemas.py`) into JSON and
into the OpenAPI schema at /api/v1/openapi.json, browsable at /api/v1/docs/
(Swagger UI from ninja's static files: no other origin, no inline script).
What is public is decided where it is for the pages: every endpoint reads
through `published()`, `public()` or `in_use()`. Lists are cursor-paginated
(`paging.py`); every URL answers CORS, HEAD and conditional GET (`http.py`);
the rate limit is `ratelimit.ApiRateLimitMiddleware`.

Each endpoint states its queries; tests/test_query_counts.py pins them.
"""

from datetime import UTC, datetime

from ninja import Field, Query, Schema, Swagger
from ninja.errors import HttpError
from ninja.pagination import paginate

from .. import search
from ..models import Answer, Interview, Lesson, Question
from ..views.browse import MAX_LESSON_FILTERS, SLUG_RE
from .http import PublicReadAPI
from .paging import CursorPagination, Ranked
from .schemas import AnswerOut, Error, LessonOut, MentorDetail, MentorOut, QuestionOut

api = PublicReadAPI(
    urls_namespace="api",
    version="1",
    title="Applying ML",
    description="What experienced practitioners have learned about applying machine "
    "learning at work: the published interviews, read-only. Every list is "
    "cursor-paginated: follow `next`.",
    docs=Swagger(settings={"validatorUrl": None}),  # no badge fetched from swagger.io
    docs_url="/docs/",
    openapi_url="/openapi.json",
)

NEWEST_FIRST = ("-published_at", "-pk")
NOT_FOUND = {404: Error}
BAD_INPUT = {400: Error}


def published_interviews():
    """Published interviews with their mentors: what MentorOut shows."""
    return Interview.objects.published().select_related("mentor")


def found(queryset, what, **lookup):
    """The row of `queryset` matching `lookup`, or a 404 saying what was not found."""
    row = queryset.filter(**lookup).first()
    if row is None:
        raise HttpError(404, f"No published {what} {next(iter(lookup.values()))!r}.")
    return row


def public_questions():
    return Question.objects.public()


@api.get("/questions/", response=list[QuestionOut], tags=["questions"])
@paginate(CursorPagination, ordering=("position", "pk"))
def list_questions(request):
    """Questions with a page, in the order they are asked, with their published
    answer counts. 1 query."""
    return public_questions()


@api.get("/questions/{slug}/", response={200: QuestionOut, **NOT_FOUND}, tags=["questions"])
def get_question(request, slug: str):
    """One question. 1 query."""
    return found(public_questions(), "question", slug=slug)


@api.get("/mentors/", response=list[MentorOut], tags=["mentors"])
@paginate(CursorPagination, ordering=NEWEST_FIRST)
def list_mentors(request):
    """Mentors, newest interview first. 1 query."""
    return published_interviews()


@api.get("/mentors/{slug}/", response={200: MentorDetail, **NOT_FOUND}, tags=["mentors"])
def get_mentor(request, slug: str):
    """One mentor with their published answers in question order. 2 queries."""
    interview = found(published_interviews(), "mentor", mentor__slug=slug)
    interview.answers_shown = list(
        Answer.objects.published()
        .filter(interview=interview)
        .for_display()
        .order_by("question__position", "question__pk")
    )
    return interview


class AnswerFilters(Schema):
    question: str | None = Field(None, description="A question's slug.")
    lesson: list[str] = Field(
        [], description="A lesson's slug; repeat it for answers carrying all of them."
    )
    mentor: str | None = Field(None, description="A mentor's slug.")
    since: datetime | None = Field(
        None, description="Published at or after this time (ISO 8601; UTC unless it says)."
    )
    q: str | None = Field(
        None, description="Full-text search, as on the site's search page; ranks the results."
    )


@api.get("/answers/", response={200: list[AnswerOut], **BAD_INPUT}, tags=["answers"])
@paginate(CursorPagination, ordering=NEWEST_FIRST)
def list_answers(request, filters: Query[AnswerFilters]):
    """Published answers, newest first, or best first with `q`.

    1 query for the page; 1 more for each of `question`, `lesson` (however
    many) and `mentor` given; with `q`, 1 more (the ranking).
    """
    question, lesson, mentor, since, q = (
        filters.question,
        filters.lesson,
        filters.mentor,
        filters.since,
        filters.q,
    )
    text = search_text(q) if q is not None else None
    chosen_question = find(public_questions(), "question", question) if question else None
    lessons = find_lessons(lesson)
    interview = None
    if mentor is not None:
        interview = find(Interview.objects.published(), "mentor", mentor, "mentor__slug")
    since = aware(since) if since is not None else None
    if text:
        # The site's search: the same matches, narrowed the same way, best first.
        matches = search.ranked_matches(
            text, question=chosen_question, lessons=lessons, interview=interview, since=since
        )
        return Ranked(
            [match.pk for match in matches],
            lambda ids: Answer.objects.with_ids(ids).for_display(),
        )
    answers = Answer.objects.published()
    if chosen_question and lessons:
        answers = answers.answering_with_lessons(chosen_question, lessons)
    elif chosen_question:
        answers = answers.filter(question=chosen_question)
    elif lessons:
        answers = answers.with_lessons(lessons)
    if interview is not None:
        answers = answers.filter(interview=interview)
    if since is not None:
        answers = answers.filter(published_at__gte=since)
    return answers.for_display()


def search_text(q):
    query = search.clean_query(q)
    if not query.has_words:
        raise HttpError(400, "q has no words to search for.")
    return query.text


def find(queryset, what, slug, lookup="slug"):
    """The one row of `queryset` with this slug, or a 400 naming the filter."""
    row = queryset.filter(**{lookup: slug}).first() if SLUG_RE.match(slug) else None
    if row is None:
        raise HttpError(400, f"No {what} called {slug!r}.")
    return row


def find_lessons(slugs):
    """The public lessons named by `slugs` (1 query), or a 400 naming one that is not."""
    slugs = list(dict.fromkeys(slugs))
    if not slugs:
        return []
    if len(slugs) > MAX_LESSON_FILTERS:
        raise HttpError(400, f"At most {MAX_LESSON_FILTERS} lessons at once.")
    valid = [slug for slug in slugs if SLUG_RE.match(slug)]
    found = dict(Lesson.objects.public().filter(slug__in=valid).values_list("slug", "pk"))
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise HttpError(400, f"No lesson called {missing[0]!r}.")
    return list(found.values())


def aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@api.get("/answers/{int:answer_id}/", response={200: AnswerOut, **NOT_FOUND}, tags=["answers"])
def get_answer(request, answer_id: int):
    """One published answer. 1 query."""
    return found(Answer.objects.published().for_display(), "answer", pk=answer_id)


@api.get("/lessons/", response=list[LessonOut], tags=["lessons"])
@paginate(CursorPagination, ordering=("name", "pk"))
def list_lessons(request):
    """Lessons on published answers, by name, with how many carry each (the
    stored counts the lesson pages show). 1 query."""
    return Lesson.objects.public()


@api.get("/lessons/{slug}/", response={200: LessonOut, **NOT_FOUND}, tags=["lessons"])
def get_lesson(request, slug: str):
    """One lesson. 1 query."""
    return found(Lesson.objects.public(), "lesson", slug=slug)
