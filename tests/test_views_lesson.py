"""Lesson pages and lesson filters: AND filters, hidden lessons, renamed and merged ones."""

import pytest
from django.urls import reverse

from interviews import services
from interviews.models import Lesson
from tests.factories import (
    DraftInterviewFactory,
    answer_by,
)

pytestmark = pytest.mark.django_db


def test_lesson_list_shows_lessons_in_use_with_counts(client, questions):
    answer_by("One", questions[0], ["data quality", "labeling"])
    answer_by("Two", questions[1], ["data quality"])
    answer_by("Hidden", questions[1], ["secret lesson"], DraftInterviewFactory)

    response = client.get(reverse("interviews:lesson-list"))

    assert response.status_code == 200
    counts = {lesson["name"]: lesson["answer_count"] for lesson in response.context["lessons"]}
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


def test_lessons_without_published_answers_are_hidden_from_readers(client, questions):
    answer_by("Draft", questions[0], ["zzhidden"], DraftInterviewFactory)
    answer_by("Public", questions[0], ["visible"])
    assert client.get("/lessons/zzhidden/").status_code == 404
    assert client.get("/lessons/?tag=visible&tag=zzhidden").status_code == 404
    assert client.get(questions[0].get_absolute_url() + "?tag=zzhidden").status_code == 404
    assert "zzhidden" not in client.get("/lessons/").content.decode()
    assert client.get("/lessons/never-heard-of-it/").status_code == 404


def test_renamed_and_merged_lessons_redirect_to_their_new_address(client, questions):
    answer_by("One", questions[0], ["ml ops", "monitoring"])
    answer_by("Two", questions[1], ["MLOps"])
    lesson = Lesson.objects.get(name="ml ops")
    lesson.name, lesson.slug = "Machine learning operations", "machine-learning-operations"
    lesson.save()

    renamed = client.get("/lessons/ml-ops/?tag=monitoring")
    assert renamed.status_code == 301
    assert renamed["Location"] == "/lessons/machine-learning-operations/?tag=monitoring"

    services.merge_lessons(Lesson.objects.get(name="MLOps"), [lesson])
    merged = client.get("/lessons/machine-learning-operations/")
    assert (merged.status_code, merged["Location"]) == (301, "/lessons/mlops/")
    old_first = client.get("/lessons/ml-ops/")  # the older slug follows the merge too
    assert (old_first.status_code, old_first["Location"]) == (301, "/lessons/mlops/")
    on_question = client.get(questions[0].get_absolute_url() + "?tag=ml-ops&tag=monitoring")
    assert on_question["Location"] == questions[0].get_absolute_url() + "?tag=mlops&tag=monitoring"
    assert client.get("/lessons/mlops/").status_code == 200


@pytest.mark.parametrize("answers", [3, 30])
def test_lesson_page_query_count_is_constant(
    client, questions, django_assert_num_queries, answers, settings
):
    settings.ANSWERS_PER_PAGE = 50
    for n in range(answers):
        answer_by(f"Mentor{n}", questions[n % 16], ["monitoring", f"extra {n}"])
    # active lessons, ids, page (with question, mentor and lessons), narrowing,
    # the resources the answers cite most
    with django_assert_num_queries(5):
        response = client.get("/lessons/monitoring/")
    assert len(response.context["answers"]) == answers
    with django_assert_num_queries(1):
        client.get("/lessons/")


def test_lesson_addresses_typed_in_capitals_redirect(client, questions):
    answer_by("One", questions[0], ["MLOps", "monitoring"])
    response = client.get("/lessons/MLOps/?tag=Monitoring")
    assert (response.status_code, response["Location"]) == (301, "/lessons/mlops/?tag=monitoring")
