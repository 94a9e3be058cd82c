import pytest
from django.urls import reverse

from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
)

pytestmark = pytest.mark.django_db


def answer_by(name, question, lessons, interview_factory=PublishedInterviewFactory):
    interview = interview_factory(mentor=MentorFactory(name=name))
    return AnswerFactory(interview=interview, question=question, lessons=lessons)


def test_lesson_list_shows_lessons_in_use_with_counts(client, questions):
    answer_by("One", questions[0], ["data quality", "labeling"])
    answer_by("Two", questions[1], ["data quality"])
    answer_by("Hidden", questions[1], ["secret lesson"], DraftInterviewFactory)

    response = client.get(reverse("interviews:lesson-list"))

    assert response.status_code == 200
    counts = {lesson.name: lesson.answer_count for lesson in response.context["lessons"]}
    assert counts == {"data quality": 2, "labeling": 1}
    assert "secret lesson" not in response.content.decode()


def test_lesson_page_lists_answers_with_that_lesson(client, questions):
    answer_by("Tagged Mentor", questions[0], ["retraining"])
    answer_by("Untagged Mentor", questions[0], ["labeling"])
    answer_by("Draft Mentor", questions[0], ["retraining"], DraftInterviewFactory)

    response = client.get("/lessons/retraining/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>retraining</h1>" in html
    assert "Tagged Mentor" in html
    assert "Untagged Mentor" not in html and "Draft Mentor" not in html
    assert questions[0].get_absolute_url() in html


def test_several_lessons_narrow_to_answers_carrying_all(client, questions):
    answer_by("All Three", questions[0], ["a", "b", "c"])
    answer_by("A And B", questions[1], ["a", "b"])
    answer_by("Only A", questions[2], ["a"])

    both = client.get("/lessons/?tag=a&tag=b")
    three = client.get("/lessons/a/?tag=b&tag=c")

    assert {x.interview.mentor.name for x in both.context["answers"]} == {"All Three", "A And B"}
    assert {x.interview.mentor.name for x in three.context["answers"]} == {"All Three"}
    html = both.content.decode()
    assert 'href="/lessons/?tag=b"' in html  # remove a
    assert 'href="/lessons/?tag=a"' in html  # remove b
    assert 'href="/lessons/?tag=a&amp;tag=b&amp;tag=c"' in html  # narrow by c


def test_lesson_that_exists_only_on_drafts_is_404(client, questions):
    answer_by("Draft", questions[0], ["hidden"], DraftInterviewFactory)
    response = client.get("/lessons/hidden/")
    assert response.status_code == 200  # the lesson exists; it just has no public answers
    assert response.context["paginator"].count == 0
    assert client.get("/lessons/never-heard-of-it/").status_code == 404


@pytest.mark.parametrize("answers", [3, 30])
def test_lesson_page_query_count_is_constant(
    client, questions, django_assert_num_queries, answers, settings
):
    settings.ANSWERS_PER_PAGE = 50
    for n in range(answers):
        answer_by(f"Mentor{n}", questions[n % 16], ["monitoring", f"extra {n}"])
    # active lessons, count, page (with question and mentor), lessons of the page, narrowing
    with django_assert_num_queries(5):
        response = client.get("/lessons/monitoring/")
    assert len(response.context["answers"]) == answers
    with django_assert_num_queries(1):
        client.get("/lessons/")
