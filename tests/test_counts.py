"""Answers' copy of their public date, the stored counts and the search
entries stay in step with the workflow: publishing, withdrawing, tagging,
deleting, merging."""

import pytest
from django.db.models import Count, Q

from interviews import services
from interviews.models import Answer, Interview, Lesson, LessonUse, Question, refresh_counts
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
)
from tests.test_search_entries import assert_entries_in_step

pytestmark = pytest.mark.django_db


def recount():
    """Every stored count, recomputed the slow way, through Interview.public_filter()."""
    public = Interview.public_filter("interview__")
    questions = dict(
        Question.objects.annotate(
            n=Count("answers", filter=Interview.public_filter("answers__interview__"))
        ).values_list("pk", "n")
    )
    lessons = dict(
        Lesson.objects.annotate(
            n=Count(
                "tagged_answers",
                filter=Interview.public_filter("tagged_answers__content_object__interview__"),
            )
        ).values_list("pk", "n")
    )
    uses = {
        (q, lesson): n
        for q, lesson, n in Answer.objects.filter(public, tags__isnull=False)
        .values_list("question", "tags")
        .annotate(n=Count("pk"))
    }
    return questions, lessons, uses


def stored():
    return (
        dict(Question.objects.values_list("pk", "published_answer_count")),
        dict(Lesson.objects.values_list("pk", "published_answer_count")),
        {(u.question_id, u.lesson_id): u.answer_count for u in LessonUse.objects.all()},
    )


def assert_in_step():
    """The answers' copy agrees with the rule, and every count with a recount."""
    by_rule = set(Answer.objects.filter(Interview.public_filter("interview__")).values_list("pk"))
    assert set(Answer.objects.published().values_list("pk")) == by_rule
    for answer in Answer.objects.select_related("interview"):
        expected = answer.interview.published_at if answer.interview.is_public else None
        assert answer.published_at == expected
    assert stored() == recount()
    assert_entries_in_step()


def draft_with_answers(questions, lessons=("baselines",)):
    interview = DraftInterviewFactory(mentor=MentorFactory())
    for question in questions[:3]:
        AnswerFactory(interview=interview, question=question, lessons=list(lessons))
    return interview


def test_publishing_copies_the_date_to_the_answers_and_counts_them(questions, editor):
    interview = draft_with_answers(questions)
    assert not Answer.objects.published().exists()
    assert_in_step()

    interview.publish(by=editor)

    assert Answer.objects.published().count() == 3
    assert {a.published_at for a in interview.answers.all()} == {interview.published_at}
    assert Question.objects.get(pk=questions[0].pk).published_answer_count == 1
    assert Lesson.objects.get(slug="baselines").published_answer_count == 3
    assert_in_step()


def test_withdrawing_and_republishing_take_the_answers_with_them(questions, editor):
    interview = draft_with_answers(questions)
    interview.publish(by=editor)

    interview.withdraw(by=editor, note="Asked to.")
    assert not Answer.objects.published().exists()
    assert Lesson.objects.get(slug="baselines").published_answer_count == 0
    assert not Lesson.objects.public().exists()
    assert_in_step()

    interview.republish(by=editor)
    assert Answer.objects.published().count() == 3
    assert_in_step()


def test_a_new_publication_date_reaches_the_answers(questions):
    interview = PublishedInterviewFactory()
    answer = AnswerFactory(interview=interview, question=questions[0])
    interview.published_at = interview.published_at.replace(year=2020)
    interview.save()
    answer.refresh_from_db()
    assert answer.published_at.year == 2020
    assert_in_step()


def test_tagging_adding_and_deleting_public_answers_keep_counts(questions):
    interview = PublishedInterviewFactory()
    first = AnswerFactory(interview=interview, question=questions[0], lessons=["drift"])
    second = AnswerFactory(interview=interview, question=questions[1], lessons=["drift", "mlops"])
    assert_in_step()
    assert Lesson.objects.get(slug="drift").published_answer_count == 2

    second.tags.remove("drift")
    first.tags.add("mlops")
    assert_in_step()

    first.delete()
    assert_in_step()
    assert Question.objects.get(pk=questions[0].pk).published_answer_count == 0

    draft = DraftInterviewFactory()
    AnswerFactory(interview=draft, question=questions[1], lessons=["drift"])  # not public
    assert Lesson.objects.get(slug="drift").published_answer_count == 0
    interview.delete()
    assert_in_step()
    assert not Lesson.objects.public().exists()


def test_merging_lessons_moves_their_counts(questions):
    interview = PublishedInterviewFactory()
    AnswerFactory(interview=interview, question=questions[0], lessons=["MLOps", "ml ops"])
    AnswerFactory(interview=interview, question=questions[1], lessons=["ml ops"])
    mlops = Lesson.objects.get(name="MLOps")

    services.merge_lessons(mlops, [Lesson.objects.get(name="ml ops")])

    assert_in_step()
    assert Lesson.objects.get(pk=mlops.pk).published_answer_count == 2
    assert list(Lesson.objects.in_use().values_list("name", "answer_count")) == [("MLOps", 2)]


def test_a_recount_repairs_counts_that_drifted(questions):
    AnswerFactory(question=questions[0], lessons=["drift"])
    Question.objects.update(published_answer_count=99)
    Lesson.objects.update(published_answer_count=99)
    LessonUse.objects.all().delete()

    refresh_counts()

    assert_in_step()


def test_saving_a_question_or_lesson_loaded_before_a_recount_keeps_the_count(questions):
    stale_question = Question.objects.get(pk=questions[0].pk)
    AnswerFactory(question=questions[0], lessons=["drift"])
    stale_lesson = Lesson.objects.get(name="drift")
    AnswerFactory(question=questions[1], lessons=["drift"])

    stale_question.title = "Renamed"
    stale_question.save()
    stale_lesson.name = "Data drift"
    stale_lesson.save()

    assert Question.objects.get(pk=questions[0].pk).published_answer_count == 1
    assert Lesson.objects.get(name="Data drift").published_answer_count == 2
    assert_in_step()


def test_the_rule_is_the_interview_status():
    # The answers' copy is derived from Interview.public_filter(); if the rule
    # ever changes, update_published_at() and Answer.save() change with it.
    assert Interview.public_filter() == Q(status=Interview.Status.PUBLISHED)
