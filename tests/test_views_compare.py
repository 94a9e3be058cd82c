"""`/compare/`: two mentors' answers, question by question."""

import pytest
from django.utils.html import escape

from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(questions):
    ada = PublishedInterviewFactory(mentor=MentorFactory(name="Ada Example", slug="ada-example"))
    ben = PublishedInterviewFactory(mentor=MentorFactory(name="Ben Example", slug="ben-example"))
    AnswerFactory(interview=ada, question=questions[0], body="Ada on roles.", lessons=["MLOps"])
    AnswerFactory(interview=ada, question=questions[2], body="Ada on days.")
    AnswerFactory(interview=ben, question=questions[0], body="Ben on roles.")
    AnswerFactory(interview=ben, question=questions[5], body="Ben on empathy.")
    return ada, ben


def test_two_mentors_side_by_side_in_question_order(client, pair, questions):
    html = client.get("/compare/?mentor=ada-example&mentor=ben-example").content.decode()
    assert "<h1>Ada Example and Ben Example</h1>" in html
    order = [html.index(escape(questions[i].text)) for i in (0, 2, 5)]
    assert order == sorted(order)
    first = html[order[0] : order[1]]
    assert first.index("Ada on roles.") < first.index("Ben on roles.")
    assert "MLOps" in first
    assert html[order[1] : order[2]].count("Did not answer this question.") == 1  # Ben, day-to-day
    assert html[order[2] :].count("Did not answer this question.") == 1  # Ada, empathy


def test_a_typed_name_finds_the_mentor_in_any_case(client, pair):
    response = client.get("/compare/?mentor=ada-example&mentor=ben+EXAMPLE")
    assert response.status_code == 200
    assert "Ben on roles." in response.content.decode()


def test_the_interview_page_offers_compare_with_a_plain_form(client, pair):
    html = client.get("/mentors/ada-example/").content.decode()
    assert 'action="/compare/"' in html and 'method="get"' in html
    assert '<input type="hidden" name="mentor" value="ada-example">' in html
    assert "Compare with…" in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("mentor=ada-example&mentor=nobody-here", "No published mentor is called “nobody-here”."),
        ("mentor=ada-example&mentor=ada-example", "Choose two different mentors."),
        ("mentor=ada-example&mentor=Example", "No published mentor is called “Example”."),
    ],
)
def test_what_cannot_be_compared_keeps_what_was_typed_and_says_why(client, pair, query, message):
    response = client.get(f"/compare/?{query}")
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'value="ada-example"' in html
    assert "Ada on roles." not in html


def test_a_partial_name_suggests_the_mentors_it_matches(client, pair):
    html = client.get("/compare/?mentor=ada-example&mentor=Example").content.decode()
    assert 'Did you mean: <a href="/mentors/ada-example/">Ada Example</a>, ' in html
    assert '<a href="/mentors/ben-example/">Ben Example</a>?' in html


def test_drafts_are_never_compared(client, pair, questions):
    draft = DraftInterviewFactory(mentor=MentorFactory(name="Dee Draft", slug="dee-draft"))
    AnswerFactory(interview=draft, question=questions[0], body="Secret draft words.")
    html = client.get("/compare/?mentor=ada-example&mentor=dee-draft").content.decode()
    assert "Secret draft words." not in html and "No published mentor" in html


def test_no_mentors_yet_shows_the_chooser(client, questions):
    response = client.get("/compare/")
    assert response.status_code == 200
    assert "Choose the mentors" in response.content.decode()


def test_long_or_odd_input_is_refused_politely(client, pair):
    response = client.get("/compare/?mentor=" + "x" * 5000 + "&mentor=%00%ff&mentor=third")
    assert response.status_code == 400
    assert "No published mentor is called “" + "x" * 120 + "”." in response.content.decode()


def test_the_page_makes_three_queries_however_many_mentors_there_are(
    client, pair, questions, django_assert_num_queries
):
    url = "/compare/?mentor=ada-example&mentor=ben-example"
    with django_assert_num_queries(3):  # each mentor, then both mentors' answers
        client.get(url)
    for n in range(10):
        AnswerFactory(interview=PublishedInterviewFactory(), question=questions[n % 4])
    with django_assert_num_queries(3):
        client.get(url)
