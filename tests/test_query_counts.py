"""Every public page, and every endpoint of the API, makes the same number of
queries whatever the amount of content: pinned here for each, at two sizes of
data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interviews import share
from interviews.models import Answer, AnswerVersion, Interview
from tests.factories import AnswerFactory, MentorFactory, PublishedInterviewFactory

pytestmark = pytest.mark.django_db

# Queries each page makes, with what they are for.
PAGES = {
    "/": 3,  # latest interviews, questions with counts, lessons in use
    "/mentors/": 2,  # count, page
    "{mentor}": 3,  # interview and mentor, answers with their lessons, earlier versions
    "{answer}": 3,  # answer with its lessons, the interview's answers, related ones
    "{answer}versions/": 2,  # the answer, its earlier versions
    "{answer}versions/1/": 2,  # the answer, the version and the next
    "/questions/": 1,  # questions with their stored counts
    # the questions asked (this one too, with its stored answers by year), page,
    # question's lessons, its most cited resources
    "{question}": 4,
    "{question}?tag=common&tag=second": 7,  # + active lessons, ids (the count), narrowing
    "/lessons/": 1,  # lessons in use with their stored counts
    "/lessons/common/": 5,  # active lessons, ids, page, narrowing, most cited resources
    "/lessons/common/?tag=second": 5,
    "/resources/": 5,  # page with its citing answers, count, sites, lessons, questions
    "/resources/?page=2": 5,
    "/resources/?host=github.com": 5,
    # the question, its stored totals (for the count and the sites), page, lessons, questions
    "/resources/?question={question_slug}": 5,
    "/resources/?tag=common&tag=second": 5,  # the lessons, their answers' totals, ...
    "/resources/?question={question_slug}&tag=common": 6,
    "/search/?q=baseline": 4,  # ids, page, question facets, lesson facets
    "/search/?q=baseline&tag=common": 5,  # + active lessons
    "/search/?q=nothingmatches": 3,  # ids, whether they were all stop words, "Did you mean"
    "/feed/": 2,  # interviews with mentors, their answers
    "{question}feed/": 2,  # question, answers with their lessons
    "/lessons/common/feed/": 2,  # lesson, answers with their lessons
    "{mentor}feed/": 2,  # mentor, answers with their lessons
    "/sitemap.xml": 5,  # the latest change, a count per section
    "/sitemap-answers.xml": 2,  # count, page
    "/sitemap-mentors.xml": 2,
    "/robots.txt": 0,
    "/data/": 0,  # the stored package's descriptor is a file, not a row
}

# Queries each API endpoint makes (limit=100: every item on one page at both sizes).
API = {
    "questions/": 1,  # the page of questions with their stored counts
    "questions/{question}/": 1,
    "mentors/": 1,  # published interviews with their mentors
    "mentors/{mentor}/": 2,  # interview and mentor, answers with their lessons
    "answers/": 1,  # the page, with questions, mentors and lessons
    "answers/?lesson=common&lesson=second": 2,  # + the lessons
    "answers/?question={question}&lesson=common": 3,  # + the question, the lesson
    "answers/?mentor={mentor}": 2,  # + the mentor's interview
    "answers/?since=2000-01-01T00:00:00Z": 1,
    "answers/?q=baseline": 2,  # the ranked matches, the page
    "answers/?q=baseline&lesson=common": 3,  # + the lesson
    "answers/{answer}/": 1,
    "lessons/": 1,  # the page of lessons with their stored counts
    "lessons/common/": 1,
    "openapi.json": 0,
    "docs/": 0,
}


def build(mentors, questions):
    """`mentors` published mentors answering eight questions, with lessons;
    each updated a few answers (the more mentors, the more updates)."""
    for n in range(mentors):
        interview = PublishedInterviewFactory(mentor=MentorFactory(name=f"Counted Mentor{n}"))
        for question in questions[:8]:
            lessons = ["common", "second" if n % 2 else "third", f"rare {n}"]
            AnswerFactory(
                interview=interview,
                question=question,
                body=f"Start from a baseline, then iterate ({n}): see [the guide]"
                f"(https://example.org/guide/{n % 3}), [a tool](https://github.com/tool/{n}) "
                f"and [{question.slug}](https://example.org/{question.slug}).",
                lessons=lessons,
            )
        for question in questions[1:4]:
            add_versions(interview.answers.get(question=question), mentors // 2)
    # The counted pages point at their share images (drawn here: the worker's
    # refresh runs after a commit, which these tests never make).
    assert share.refresh_rows(share.ANSWERS, interview.answers.values_list("pk", flat=True)) == 8
    assert share.refresh_rows(share.INTERVIEWS, [interview.pk]) == 1
    return interview


def add_versions(answer, count):
    """`count` earlier versions of `answer`, as approved updates leave them."""
    now = timezone.now()
    AnswerVersion.objects.bulk_create(
        AnswerVersion(
            answer=answer,
            number=number,
            body=f"Version {number}.",
            body_html=f"<p>Version {number}.</p>",
            public_from=now - timezone.timedelta(days=count - number + 1),
            public_until=now - timezone.timedelta(days=count - number),
        )
        for number in range(1, count + 1)
    )
    Answer.objects.filter(pk=answer.pk).update(revised_at=now)
    Interview.objects.filter(pk=answer.interview_id).update(revised_at=now)


def query_counts(client, interview, question):
    answer = interview.answers.get(question=question)
    counts = {}
    for page in PAGES:
        url = page.format(
            mentor=interview.mentor.get_absolute_url(),
            answer=answer.get_absolute_url(),
            question=question.get_absolute_url(),
            question_slug=question.slug,
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = len(queries)
    return counts


@pytest.mark.parametrize("mentors", [2, 12])
def test_every_public_page_makes_a_fixed_number_of_queries(
    client, questions, mentors, settings, monkeypatch
):
    settings.ANSWERS_PER_PAGE = 50  # every answer on one page at both sizes
    monkeypatch.setattr("interviews.views.resources.RESOURCES_PER_PAGE", 2)  # several pages
    settings.SEARCH_RESULTS_PER_PAGE = 50
    interview = build(mentors, questions)
    assert query_counts(client, interview, questions[2]) == PAGES


@pytest.mark.parametrize("mentors", [2, 12])
def test_every_api_endpoint_makes_a_fixed_number_of_queries(client, questions, mentors):
    interview = build(mentors, questions)
    answer = interview.answers.get(question=questions[2])
    counts = {}
    for endpoint in API:
        url = "/api/v1/" + endpoint.format(
            mentor=interview.mentor.slug, question=questions[2].slug, answer=answer.pk
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url + ("&" if "?" in url else "?") + "limit=100")
        assert response.status_code == 200, url
        counts[endpoint] = len(queries)
    assert counts == API
