"""The home page."""

import pytest
from django.utils.html import escape

from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
)

pytestmark = pytest.mark.django_db


def test_home_page_shows_latest_interviews_questions_and_lessons(client, questions):
    published = PublishedInterviewFactory(mentor=MentorFactory(name="Visible Mentor"))
    AnswerFactory(interview=published, question=questions[0], lessons=["career path"])
    draft = DraftInterviewFactory(mentor=MentorFactory(name="Draft Mentor"))
    AnswerFactory(interview=draft, question=questions[0], lessons=["unpublished lesson"])

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Visible Mentor" in html
    assert "Draft Mentor" not in html and "unpublished lesson" not in html
    assert "career path" in html
    assert escape(questions[15].text) in html
    assert '<html lang="en">' in html
    assert 'href="#main"' in html  # skip link
    assert 'aria-label="Main"' in html


def test_home_page_query_count_is_constant(client, questions, django_assert_num_queries):
    for n in range(8):
        AnswerFactory(question=questions[n], lessons=[f"lesson {n}"])
    with django_assert_num_queries(3):
        assert client.get("/").status_code == 200


def test_pages_work_with_an_empty_database(client, db):
    for url in ("/", "/mentors/", "/questions/", "/lessons/"):
        assert client.get(url).status_code == 200
