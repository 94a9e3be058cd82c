"""A mentor's interview page, and the list of mentors."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    FollowUpQuestionFactory,
    MentorFactory,
    PublishedInterviewFactory,
    SubmittedInterviewFactory,
)

pytestmark = pytest.mark.django_db


def published_with_answers(questions, count, **mentor_fields):
    interview = PublishedInterviewFactory(mentor=MentorFactory(**mentor_fields))
    follow_ups = [FollowUpQuestionFactory() for _ in range(max(0, count - len(questions)))]
    for question in (questions + follow_ups)[:count]:
        AnswerFactory(interview=interview, question=question, lessons=["start simple", "MLOps"])
    return interview


def test_mentor_list_shows_published_mentors_newest_first(client, questions):
    now = timezone.now()
    PublishedInterviewFactory(
        mentor=MentorFactory(name="Older Mentor"), published_at=now - timedelta(days=9)
    )
    PublishedInterviewFactory(
        mentor=MentorFactory(name="Newer Mentor"), published_at=now - timedelta(days=1)
    )
    DraftInterviewFactory(mentor=MentorFactory(name="Draft Mentor"))

    response = client.get(reverse("interviews:mentor-list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer Mentor") < html.index("Older Mentor")
    assert "Draft Mentor" not in html
    assert "Staff ML Engineer" in html


def test_mentor_page_shows_the_interview(client, questions):
    interview = published_with_answers(
        questions, 3, name="Grace Example", website="https://example.com/grace"
    )

    response = client.get(interview.mentor.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Grace Example</h1>" in html
    assert 'href="https://example.com/grace"' in html
    assert "<em>introduction</em>" in html  # the intro, rendered
    for question in questions[:3]:
        assert f'id="{question.slug}"' in html  # stable anchor
        assert f'href="#{question.slug}"' in html  # table of contents
        assert question.text in html
        assert question.get_absolute_url() in html
    assert "start simple" in html and "MLOps" in html
    assert html.index(questions[0].text) < html.index(questions[2].text)


def test_mentor_email_is_never_shown(client, questions):
    interview = published_with_answers(questions, 1, email="private@example.com")
    assert (
        "private@example.com"
        not in client.get(interview.mentor.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("factory", [DraftInterviewFactory, SubmittedInterviewFactory])
def test_unpublished_interviews_are_not_found(client, questions, factory):
    interview = factory()
    AnswerFactory(interview=interview, question=questions[0])
    response = client.get(interview.mentor.get_absolute_url())
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_withdrawn_interview_is_gone_with_a_short_page(client, questions, editor):
    interview = PublishedInterviewFactory(mentor=MentorFactory(name="Gone Mentor"))
    AnswerFactory(interview=interview, question=questions[0], lessons=["rare lesson"])
    url = interview.mentor.get_absolute_url()
    assert client.get(url).status_code == 200

    interview.withdraw(by=editor, note="At the mentor's request")

    response = client.get(url)
    assert response.status_code == 410
    assert "This interview has been withdrawn" in response.content.decode()
    # It leaves every list, feed, search result and sitemap.
    for page in ("/", "/mentors/", "/feed/", "/sitemap.xml", "/search/?q=gone+mentor"):
        assert "Gone Mentor" not in client.get(page).content.decode(), page
    assert client.get("/lessons/rare-lesson/").status_code == 404


def test_unknown_mentor_is_a_friendly_404(client):
    response = client.get("/mentors/nobody-here/")
    assert response.status_code == 404
    assert "Browse mentors" in response.content.decode()


@pytest.mark.parametrize("answers", [3, 30])
def test_mentor_page_query_count_is_constant(client, questions, django_assert_num_queries, answers):
    interview = published_with_answers(questions, answers)
    # interview+mentor, answers with questions and lessons, earlier versions
    with django_assert_num_queries(3):
        response = client.get(interview.mentor.get_absolute_url())
    assert response.content.decode().count('class="answer"') == answers


def test_hostile_markdown_never_reaches_the_public_pages(client, questions):
    interview = PublishedInterviewFactory(intro="<script>alert('intro')</script>Hello")
    answer = AnswerFactory(
        interview=interview,
        question=questions[0],
        body="<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))",
    )
    for url in (
        interview.mentor.get_absolute_url(),
        questions[0].get_absolute_url(),
        answer.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert "alert(1)" not in html and "alert(2)" not in html and "alert(&#x27;intro" not in html
        assert "alert('intro" not in html, url
        assert "onerror" not in html and 'href="javascript:' not in html, url
        # CommonMark refuses such a link: it stays as the inert text the mentor typed.
        assert "[x](javascript:alert(3))" in html, url
