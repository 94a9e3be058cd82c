"""Question pages: every answer to one question, paginated, filtered by lessons."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import (
    DraftInterviewFactory,
    FollowUpQuestionFactory,
    WithdrawnInterviewFactory,
    answer_by,
)

pytestmark = pytest.mark.django_db


def test_question_list_shows_questions_in_order_with_published_counts(client, questions):
    answer_by("Published One", questions[3])
    answer_by("Published Two", questions[3])
    answer_by("Hidden", questions[3], interview_factory=DraftInterviewFactory)

    response = client.get(reverse("interviews:question-list"))

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(escape(q.text)) for q in questions]
    assert positions == sorted(positions)
    assert [q.answer_count for q in response.context["questions"]][:5] == [0, 0, 0, 2, 0]
    assert "2 answers" in html


def test_question_page_shows_every_published_answer(client, questions):
    question = questions[5]
    answer_by("Ada Example", question, body="Start from *the data*.")
    answer_by("Ben Example", question, body="Ask what **success** means.")
    answer_by("Draft Person", question, interview_factory=DraftInterviewFactory)
    answer_by("Withdrawn Person", question, interview_factory=WithdrawnInterviewFactory)
    answer_by("Other Question", questions[6])

    response = client.get(question.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(question.text) in html
    assert "Ada Example" in html and "<em>the data</em>" in html
    assert "Ben Example" in html and "<strong>success</strong>" in html
    for hidden in ("Draft Person", "Withdrawn Person", "Other Question"):
        assert hidden not in html
    assert "2 answers" in html


def test_question_page_links_previous_and_next_questions(client, questions):
    response = client.get(questions[4].get_absolute_url())
    assert response.context["previous_question"] == questions[3]
    assert response.context["next_question"] == questions[5]
    html = response.content.decode()
    assert f'rel="prev" href="{questions[3].get_absolute_url()}"' in html
    assert f'rel="next" class="prev-next__next" href="{questions[5].get_absolute_url()}"' in html

    first = client.get(questions[0].get_absolute_url()).context
    last = client.get(questions[-1].get_absolute_url()).context
    assert first["previous_question"] is None and last["next_question"] is None


def test_question_page_is_paginated(client, questions, settings):
    settings.ANSWERS_PER_PAGE = 2
    for n in range(5):
        answer_by(f"Paged Mentor{n}", questions[0])

    page1 = client.get(questions[0].get_absolute_url())
    page3 = client.get(questions[0].get_absolute_url() + "?page=3")

    assert len(page1.context["answers"]) == 2
    assert len(page3.context["answers"]) == 1
    assert "Page 1 of 3" in page1.content.decode()
    assert client.get(questions[0].get_absolute_url() + "?page=last").status_code == 200


@pytest.mark.parametrize(
    "query", ["?page=0", "?page=99", "?page=abc", "?page=-1", "?tag=no-such-lesson", "?tag=%00"]
)
def test_bad_page_numbers_and_lessons_are_404_not_500(client, questions, query):
    answer_by("Someone", questions[0], lessons=["baselines"])
    response = client.get(questions[0].get_absolute_url() + query)
    assert response.status_code == 404


def test_odd_query_strings_still_get_a_page(client, questions):
    answer_by("Someone", questions[0], lessons=["baselines"])
    url = questions[0].get_absolute_url()
    assert client.get(url + "?utm_source=x&q=%27%3B--").status_code == 200
    assert client.get(url + "?tag=baselines&tag=baselines").status_code == 200


def test_two_lesson_filter_returns_only_answers_with_both(client, questions):
    question = questions[8]
    answer_by("Both Lessons", question, lessons=["A/B testing", "monitoring"])
    answer_by("Both Plus More", question, lessons=["A/B testing", "monitoring", "data quality"])
    answer_by("Only Testing", question, lessons=["A/B testing"])
    answer_by("Only Monitoring", question, lessons=["monitoring"])
    answer_by("Elsewhere", questions[9], lessons=["A/B testing", "monitoring"])

    response = client.get(question.get_absolute_url() + "?tag=ab-testing&tag=monitoring")

    assert response.status_code == 200
    names = {a.interview.mentor.name for a in response.context["answers"]}
    assert names == {"Both Lessons", "Both Plus More"}
    html = response.content.decode()
    # Active filters are shown, each removable.
    assert "Showing 2 answers with" in html
    assert f'href="{question.get_absolute_url()}?tag=monitoring"' in html  # drop A/B testing
    assert f'href="{question.get_absolute_url()}?tag=ab-testing"' in html  # drop monitoring
    # Narrowing further offers the lessons found among the results.
    assert [lesson.name for lesson in response.context["narrowing_lessons"]] == ["data quality"]


def test_narrowing_lessons_are_the_most_frequent_then_by_name_at_most_24(client, questions):
    question = questions[2]
    # "shared" on all three, "pair" on two, then 30 lessons once each.
    extras = [f"lesson {n:02}" for n in range(30)]
    answer_by("First", question, lessons=["filter", "shared", "pair", *extras[:10]])
    answer_by("Second", question, lessons=["filter", "shared", "pair", *extras[10:20]])
    answer_by("Third", question, lessons=["filter", "shared", *extras[20:]])
    answer_by("Not Filtered", question, lessons=["shared", "lesson 99"])

    response = client.get(question.get_absolute_url() + "?tag=filter")

    narrowing = response.context["narrowing_lessons"]
    assert [(lesson.name, lesson.answer_count) for lesson in narrowing[:3]] == [
        ("shared", 3),
        ("pair", 2),
        ("lesson 00", 1),
    ]
    # The active lesson is not offered; ties are cut in name order.
    assert [lesson.name for lesson in narrowing[2:]] == extras[:22]
    assert '?tag=filter&amp;tag=shared"' in response.content.decode()


def test_follow_up_questions_have_a_page_only_when_answered(client, questions):
    follow_up = FollowUpQuestionFactory()
    assert client.get(follow_up.get_absolute_url()).status_code == 404
    answer_by("Asked Once", follow_up)
    response = client.get(follow_up.get_absolute_url())
    assert response.status_code == 200
    assert "Follow-up question" in response.content.decode()


def test_a_retired_question_keeps_its_page_without_a_place_in_the_sequence(client, questions):
    answer_by("Answered Before", questions[4])
    questions[4].is_active = False
    questions[4].save()

    response = client.get(questions[4].get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200 and "Answered Before" in html
    assert response.context["number"] is None and 'rel="next"' not in html
    # Its neighbours now skip it.
    after = client.get(questions[3].get_absolute_url()).context["next_question"]
    assert after == questions[5]


def test_unknown_question_is_404(client, db):
    assert client.get("/questions/no-such-question/").status_code == 404


@pytest.mark.parametrize("answers", [3, 30])
def test_question_page_query_count_is_constant(
    client, questions, django_assert_num_queries, answers, settings
):
    settings.ANSWERS_PER_PAGE = 50
    for n in range(answers):
        answer_by(f"Counted Mentor{n}", questions[2], lessons=["start simple", f"lesson {n}"])
    # the questions asked (this one and its stored count among them), page with
    # lessons, the question's lessons, its most cited resources (answers by year stored)
    with django_assert_num_queries(4):
        response = client.get(questions[2].get_absolute_url())
    assert len(response.context["answers"]) == answers
    # filtered: + the active lessons, the matching ids, the lessons to narrow by
    with django_assert_num_queries(7):
        client.get(questions[2].get_absolute_url() + "?tag=start-simple")
