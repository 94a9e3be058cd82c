import pytest
from django.db import IntegrityError, transaction

from interviews.models import Answer, Interview, Lesson, Mentor
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
    SubmittedInterviewFactory,
    WithdrawnInterviewFactory,
)

pytestmark = pytest.mark.django_db


def test_one_answer_per_interview_and_question_is_a_database_constraint(questions):
    answer = AnswerFactory(question=questions[0])
    with (
        pytest.raises(IntegrityError, match="answer_one_per_interview_question"),
        transaction.atomic(),
    ):
        Answer.objects.create(interview=answer.interview, question=questions[0], body="again")


def test_published_interview_needs_a_publication_date():
    with pytest.raises(IntegrityError, match="interview_published_has_date"), transaction.atomic():
        DraftInterviewFactory(status=Interview.Status.PUBLISHED, published_at=None)


def test_only_published_interviews_are_public(questions):
    published = PublishedInterviewFactory()
    for factory in (DraftInterviewFactory, SubmittedInterviewFactory, WithdrawnInterviewFactory):
        AnswerFactory(interview=factory(), question=questions[0])
    AnswerFactory(interview=published, question=questions[0])

    assert list(Interview.objects.published()) == [published]
    assert list(Mentor.objects.published()) == [published.mentor]
    assert [a.interview for a in Answer.objects.published()] == [published]


def test_lessons_are_case_insensitive(questions):
    first = AnswerFactory(question=questions[0], lessons=["MLOps"])
    second = AnswerFactory(question=questions[1], lessons=["mlops"])
    second.tags.add("MLOPS")

    assert Lesson.objects.count() == 1
    lesson = Lesson.objects.get()
    assert lesson.name == "MLOps"
    assert lesson.slug == "mlops"
    assert set(lesson.tagged_answers.values_list("content_object", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_lesson_names_differing_in_case_are_refused_by_the_database():
    Lesson.objects.create(name="Data quality", slug="data-quality")
    with pytest.raises(IntegrityError, match="lesson_name_ci_unique"), transaction.atomic():
        Lesson.objects.create(name="DATA QUALITY", slug="data-quality-2")


def test_lessons_in_use_count_published_answers_only(questions):
    AnswerFactory(question=questions[0], lessons=["baselines"])
    AnswerFactory(question=questions[1], lessons=["baselines"])
    AnswerFactory(interview=DraftInterviewFactory(), question=questions[0], lessons=["baselines"])
    AnswerFactory(interview=DraftInterviewFactory(), question=questions[0], lessons=["secret"])

    in_use = {lesson.name: lesson.answer_count for lesson in Lesson.objects.in_use()}
    assert in_use == {"baselines": 2}


def test_markdown_is_rendered_on_save(questions):
    answer = AnswerFactory(question=questions[0], body="Use a *baseline*.")
    assert answer.body_html == "<p>Use a <em>baseline</em>.</p>"
    answer.body = "Now **bold**."
    answer.save()
    answer.refresh_from_db()
    assert answer.body_html == "<p>Now <strong>bold</strong>.</p>"


def test_mentor_slug_is_made_unique_from_the_name():
    first = Mentor.objects.create(name="Ada Lovelace")
    second = Mentor.objects.create(name="Ada Lovelace")
    assert (first.slug, second.slug) == ("ada-lovelace", "ada-lovelace-2")


def test_one_published_interview_per_mentor():
    mentor = MentorFactory()
    PublishedInterviewFactory(mentor=mentor)
    DraftInterviewFactory(mentor=mentor)  # a draft beside it is fine
    with (
        pytest.raises(IntegrityError, match="interview_one_published_per_mentor"),
        transaction.atomic(),
    ):
        PublishedInterviewFactory(mentor=mentor)
