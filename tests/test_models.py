"""The models: constraints, QuerySets, stored search fields and what keeps them in step."""

from unittest import mock

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import IntegrityError, transaction

from interviews import services, upkeep
from interviews.models import Answer, Interview, Lesson, Mentor, TaggedAnswer
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
    SubmittedInterviewFactory,
    WithdrawnInterviewFactory,
)
from tests.test_search_entries import assert_entries_in_step

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


def test_answers_loaded_for_display_carry_their_lessons_by_name(
    questions, django_assert_num_queries
):
    tagged = AnswerFactory(
        question=questions[0], lessons=["Start simple", "baselines", "Évaluation"]
    )
    untagged = AnswerFactory(question=questions[1])

    with django_assert_num_queries(1):
        answers = {
            a.pk: a for a in Answer.objects.filter(pk__in=[tagged.pk, untagged.pk]).for_display()
        }
        shown = [
            (lesson.name, lesson.get_absolute_url()) for lesson in answers[tagged.pk].shown_lessons
        ]
        assert answers[untagged.pk].shown_lessons == []
    assert shown == [
        (lesson.name, lesson.get_absolute_url()) for lesson in tagged.tags.order_by("name")
    ]
    # Loaded otherwise, an answer asks for its lessons, in the same order.
    fetched = Answer.objects.get(pk=tagged.pk).shown_lessons
    assert [(lesson.name, lesson.get_absolute_url()) for lesson in fetched] == shown


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


def test_one_interview_per_mentor():
    mentor = MentorFactory()
    PublishedInterviewFactory(mentor=mentor)
    with pytest.raises(IntegrityError, match="interview_one_per_mentor"), transaction.atomic():
        DraftInterviewFactory(mentor=mentor)


# --- The stored search vector follows its inputs ---------------------------------


def found(words):
    query = SearchQuery(words, config="english")
    # What search reads follows the answers' documents (models/searching.py).
    assert_entries_in_step()
    return set(Answer.objects.filter(search_vector=query).values_list("pk", flat=True))


def test_search_vector_weighs_question_and_lessons_over_mentor_over_text(questions):
    mentor = MentorFactory(name="Weighted Person", role="Researcher", company="Acme")
    answer = AnswerFactory(
        interview=PublishedInterviewFactory(mentor=mentor),
        question=questions[2],  # "How do you spend your time day-to-day?"
        body="Mostly *reading* papers.",
        lessons=["curiosity"],
    )
    answer.refresh_from_db()
    vector = answer.search_vector
    assert "'curios':" in vector and "'spend':" in vector
    assert all(f"'{word}':" in vector for word in ("weight", "research", "acm", "read"))
    weights = {
        lexeme.strip("'"): positions[-1]
        for lexeme, positions in (item.split(":") for item in vector.split())
    }
    assert weights["curios"] == weights["spend"] == "A"
    assert weights["weight"] == weights["research"] == weights["acm"] == "B"
    assert weights["read"].isdigit()  # D, the default weight, is not printed
    assert answer.body_text == "Mostly reading papers."


def test_search_vector_follows_the_answer_its_mentor_and_its_question(questions):
    answer = AnswerFactory(question=questions[0], body="Gradient boosting.")
    assert found("boosting") == {answer.pk}

    answer.body = "Logistic regression."
    answer.save()
    assert found("boosting") == set() and found("regression") == {answer.pk}

    mentor = answer.interview.mentor
    mentor.name, mentor.company = "Renamed Person", "Zephyrcorp"
    mentor.save()
    assert found("Renamed") == found("Zephyrcorp") == {answer.pk}

    question = questions[0]
    question.text = "What do you think about hyperparameters?"
    question.save()
    assert found("hyperparameters") == {answer.pk}


def test_saving_only_the_body_refreshes_everything_derived_from_it(questions):
    answer = AnswerFactory(question=questions[0], body="Gradient boosting.")
    answer.body = "*Logistic* regression."
    answer.save(update_fields=["body", "updated_at"])

    answer.refresh_from_db()
    assert answer.body_html == "<p><em>Logistic</em> regression.</p>"
    assert answer.body_text == "Logistic regression."
    assert found("boosting") == set() and found("regression") == {answer.pk}


def test_saving_a_questions_alternative_wordings_leaves_search_documents_alone(
    questions, django_assert_num_queries
):
    question = questions[0]
    question.alternative_texts = ["An older wording?"]
    with django_assert_num_queries(1):  # the UPDATE of the question, no answer refresh
        question.save(update_fields=["alternative_texts", "updated_at"])


def test_search_vector_follows_lessons(questions):
    answer = AnswerFactory(question=questions[0], body="Short answer.")
    answer.tags.add("Causal inference")
    assert found("causal") == {answer.pk}

    lesson = Lesson.objects.get(name="Causal inference")
    lesson.name = "Uplift modelling"
    lesson.save()
    assert found("causal") == set() and found("uplift") == {answer.pk}

    answer.tags.set(["experiments"])
    assert found("uplift") == set() and found("experiments") == {answer.pk}

    Lesson.objects.get(name="experiments").delete()
    assert found("experiments") == set()

    # As the admin's lesson inline does it: a through row on its own.
    TaggedAnswer.objects.create(
        content_object=answer, tag=Lesson.objects.create(name="Bandits", slug="bandits")
    )
    assert found("bandits") == {answer.pk}


def test_each_answer_keeps_the_ids_of_its_lessons(questions):
    answer = AnswerFactory(question=questions[0])
    other = AnswerFactory(question=questions[1], lessons=["baselines"])

    def stored():
        answer.refresh_from_db(fields=["lesson_ids", "question_lessons"])
        expected = sorted(
            TaggedAnswer.objects.filter(content_object=answer).values_list("tag_id", flat=True)
        )
        assert answer.lesson_ids == expected
        # The same lessons, keyed by the answer's question.
        keys = sorted(f"{answer.question_id}:{pk}" for pk in expected)
        assert sorted(answer.question_lessons) == keys
        return {Lesson.objects.get(pk=pk).name for pk in answer.lesson_ids}

    assert stored() == set()
    answer.tags.add("monitoring", "baselines")
    assert stored() == {"monitoring", "baselines"}
    answer.tags.remove("monitoring")
    assert stored() == {"baselines"}
    answer.tags.set(["drift", "shadow mode"])
    assert stored() == {"drift", "shadow mode"}
    TaggedAnswer.objects.create(content_object=answer, tag=Lesson.objects.get(name="baselines"))
    assert stored() == {"drift", "shadow mode", "baselines"}
    Lesson.objects.get(name="drift").delete()
    assert stored() == {"shadow mode", "baselines"}
    services.merge_lessons(
        Lesson.objects.get(name="baselines"), [Lesson.objects.get(name="shadow mode")]
    )
    assert stored() == {"baselines"}
    answer.tags.clear()
    assert stored() == set()
    other.refresh_from_db(fields=["lesson_ids", "question_lessons"])
    assert other.lesson_ids == [Lesson.objects.get(name="baselines").pk]
    assert other.question_lessons == [f"{questions[1].pk}:{other.lesson_ids[0]}"]
    # An answer moved to another question is found under that question.
    answer.tags.add("drift")
    answer.question = questions[2]
    answer.save()
    assert stored() == {"drift"}


def test_answering_with_lessons_finds_a_questions_answers_carrying_all_of_them(questions):
    both = AnswerFactory(question=questions[0], lessons=["baselines", "drift"])
    AnswerFactory(question=questions[0], lessons=["baselines"])
    AnswerFactory(question=questions[1], lessons=["baselines", "drift"])
    lessons = list(Lesson.objects.filter(name__in=["baselines", "drift"]))

    found = Answer.objects.answering_with_lessons(questions[0], lessons)

    assert list(found) == [both]
    assert Answer.objects.answering_with_lessons(questions[0], lessons[:1]).count() == 2
    assert Answer.objects.answering_with_lessons(questions[0], []).count() == 2


def test_lessons_with_non_ascii_names_get_working_urls(client, questions):
    AnswerFactory(question=questions[0], lessons=["Café culture", "日本語"])
    slugs = set(Lesson.objects.values_list("slug", flat=True))
    assert "cafe-culture" in slugs
    cjk = Lesson.objects.get(name="日本語")
    assert cjk.slug.startswith("lesson-")
    for lesson in Lesson.objects.all():
        assert client.get(lesson.get_absolute_url()).status_code == 200


def test_setting_several_lessons_runs_the_upkeep_once(questions):
    answer = AnswerFactory(question=questions[0])
    with mock.patch.object(upkeep, "lessons_changed", wraps=upkeep.lessons_changed) as spy:
        answer.tags.set(["one", "two", "three", "four", "five"])
    assert spy.call_count == 1
    assert len(Answer.objects.get(pk=answer.pk).lesson_ids) == 5

    with mock.patch.object(upkeep, "lessons_changed", wraps=upkeep.lessons_changed) as spy:
        answer.tags.clear()
    assert spy.call_count == 1 and Answer.objects.get(pk=answer.pk).lesson_ids == []
