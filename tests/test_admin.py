"""The editors' admin: lists, forms, the review queue and the dashboard."""

import pytest
from django.urls import reverse

from interviews.models import Answer, Interview, Lesson, Question
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    FollowUpQuestionFactory,
    MentorFactory,
    PublishedInterviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model, term",
    [
        ("mentor", "Findable"),
        ("question", "Findable"),
        ("interview", "Findable"),
        ("answer", "Findable"),
        ("lesson", "findable"),
    ],
)
def test_every_model_has_a_searchable_filterable_changelist(editor_client, questions, model, term):
    findable = MentorFactory(name="Findable Person")
    FollowUpQuestionFactory(title="Findable follow-up", text="Findable?")
    AnswerFactory(
        interview=PublishedInterviewFactory(mentor=findable),
        question=questions[0],
        body="Findable words",
        lessons=["findable lesson"],
    )
    AnswerFactory(question=questions[1], body="Other words", lessons=["other lesson"])
    url = reverse(f"admin:interviews_{model}_changelist")

    everything = editor_client.get(url).context["cl"]
    found = editor_client.get(url, {"q": term}).context["cl"]

    assert everything.has_filters, f"{model} has no list filters"
    assert 0 < found.result_count < everything.result_count


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


def test_taggits_own_tag_model_is_not_in_the_admin(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "/admin/taggit/" not in html
    assert "/admin/interviews/lesson/" in html


def test_questions_are_reordered_from_the_list(editor_client, questions):
    url = reverse("admin:interviews_question_changelist")
    rows = editor_client.get(url).context["cl"].result_list
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for n, question in enumerate(rows):
        data[f"form-{n}-id"] = question.pk
        data[f"form-{n}-position"] = question.position
    first, second = rows[0], rows[1]
    data["form-0-position"], data["form-1-position"] = second.position, first.position

    assert editor_client.post(url, data).status_code == 302

    assert list(Question.objects.standard()[:2]) == [second, first]


def test_view_on_site_only_for_published_interviews(editor_client, questions):
    published = PublishedInterviewFactory()
    draft = DraftInterviewFactory()
    published_page = editor_client.get(
        reverse("admin:interviews_interview_change", args=[published.pk])
    ).content.decode()
    draft_page = editor_client.get(
        reverse("admin:interviews_interview_change", args=[draft.pk])
    ).content.decode()
    assert "View on site" in published_page
    assert "View on site" not in draft_page and "Preview on the site" in draft_page
