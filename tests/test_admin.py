import pytest
from django.urls import reverse

from interviews.models import Answer, Interview, Lesson
from tests.factories import AnswerFactory, DraftInterviewFactory, PublishedInterviewFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["mentor", "question", "interview", "answer", "lesson"])
def test_every_model_has_a_searchable_changelist(editor_client, questions, model):
    AnswerFactory(question=questions[0], lessons=["data quality"])
    url = reverse(f"admin:interviews_{model}_changelist")
    assert editor_client.get(url).status_code == 200
    assert editor_client.get(url, {"q": "data"}).status_code == 200


def test_interview_change_page_has_answers_inline_in_question_order(editor_client, questions):
    interview = DraftInterviewFactory()
    AnswerFactory(interview=interview, question=questions[5], body="Sixth answer")
    AnswerFactory(interview=interview, question=questions[1], body="Second answer")

    response = editor_client.get(reverse("admin:interviews_interview_change", args=[interview.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Second answer") < html.index("Sixth answer")


def test_editor_can_edit_answer_lessons_inline(editor_client, questions):
    interview = PublishedInterviewFactory()
    answer = AnswerFactory(interview=interview, question=questions[0], body="Old text")
    url = reverse("admin:interviews_interview_change", args=[interview.pk])
    data = {
        "mentor": interview.mentor.pk,
        "status": "published",
        "published_at_0": interview.published_at.strftime("%Y-%m-%d"),
        "published_at_1": interview.published_at.strftime("%H:%M:%S"),
        "source": "admin",
        "intro": "New intro",
        "answers-TOTAL_FORMS": "1",
        "answers-INITIAL_FORMS": "1",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        "answers-0-id": answer.pk,
        "answers-0-interview": interview.pk,
        "answers-0-question": questions[0].pk,
        "answers-0-body": "New **text**",
        "answers-0-tags": "Feature Stores, MLOps",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "loaded_version": interview.version,
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].errors
    answer = Answer.objects.get(pk=answer.pk)
    assert answer.body_html == "<p>New <strong>text</strong></p>"
    assert sorted(answer.tags.names()) == ["Feature Stores", "MLOps"]
    assert Interview.objects.get(pk=interview.pk).intro_html == "<p>New intro</p>"


@pytest.mark.parametrize("answers", [3, 30])
def test_answer_changelist_query_count_is_constant(
    editor_client, questions, django_assert_max_num_queries, answers
):
    for n in range(answers):
        AnswerFactory(question=questions[n % 16], lessons=[f"lesson {n % 4}"])
    with django_assert_max_num_queries(12):
        assert editor_client.get(reverse("admin:interviews_answer_changelist")).status_code == 200


def test_lesson_admin_counts_answers(editor_client, questions):
    AnswerFactory(question=questions[0], lessons=["baselines"])
    AnswerFactory(question=questions[1], lessons=["baselines"])
    response = editor_client.get(reverse("admin:interviews_lesson_changelist"))
    lesson = Lesson.objects.get(name="baselines")
    assert response.status_code == 200
    assert [row.answer_count for row in response.context["cl"].result_list] == [2]
    assert lesson.name in response.content.decode()


def test_admin_needs_a_login(client, db):
    response = client.get(reverse("admin:interviews_interview_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
