"""`seed_scale`: many published mentors in bulk, shaped like real content."""

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from interviews import scale_data
from interviews.markdown import html_to_text, render_markdown
from interviews.models import Answer, Interview, Lesson, LessonUse, Mentor, TaggedAnswer
from tests.factories import AnswerFactory

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def test_twenty_mentors_answer_every_question_with_skewed_lessons(questions):
    demo = AnswerFactory(question=questions[0], lessons=["Start simple"])  # content already there

    output = seed("--mentors", "20")

    assert "20 mentors created" in output and "320 answers" in output
    mentors = Mentor.objects.filter(slug__startswith="scale-")
    assert mentors.count() == 20
    interviews = Interview.objects.filter(mentor__in=mentors)
    assert set(interviews.values_list("status", flat=True)) == {Interview.Status.PUBLISHED}
    answers = Answer.objects.filter(interview__in=interviews)
    per_interview = answers.values("interview").annotate(n=Count("pk"))
    assert [row["n"] for row in per_interview] == [16] * 20
    # Published like any other answer: public date, HTML, text, search document.
    assert not answers.filter(published_at__isnull=True).exists()
    assert not answers.filter(search_vector__isnull=True).exists()
    assert not answers.filter(body_html="").exists()
    assert answers.filter(search_vector="baseline").exists()
    # Lessons: a few very common, many rare; an existing lesson is reused, not doubled.
    uses = sorted(
        TaggedAnswer.objects.filter(content_object__in=answers)
        .values("tag")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True),
        reverse=True,
    )
    assert uses[0] >= 10 * uses[len(uses) // 2]
    assert Lesson.objects.filter(name__iexact="start simple").count() == 1
    assert demo.tags.get().name == "Start simple"
    # The stored counts include them.
    assert questions[3].__class__.objects.get(pk=questions[3].pk).published_answer_count == 20
    assert LessonUse.objects.filter(question=questions[3]).exists()
    # Lengths vary: some a sentence or two, most a few paragraphs.
    words = sorted(len(answer.body_text.split()) for answer in answers)
    assert words[0] < 50 and words[len(words) // 2] > 80


def test_running_again_adds_only_what_is_missing_and_reset_starts_over(questions):
    seed("--mentors", "3")
    first = list(Answer.objects.order_by("pk").values_list("body", flat=True))

    assert "nothing to do" in seed("--mentors", "3")
    assert "2 mentors created (3 were there)" in seed("--mentors", "5")
    assert Mentor.objects.filter(slug__startswith="scale-").count() == 5

    output = seed("--mentors", "3", "--reset")
    assert "Deleted 5 scale mentors" in output
    assert list(Answer.objects.order_by("pk").values_list("body", flat=True)) == first


def test_generated_answers_render_like_markdown_would():
    weights = scale_data.zipf_weights(50)
    rng = random.Random(7)
    for number in rng.sample(range(1, 100_000), 25):
        for body, _lessons in scale_data.mentor(number, 16, weights).answers:
            html = scale_data.answer_html(body)
            assert html == render_markdown(body)
            assert scale_data.answer_text(body) == html_to_text(html)


def test_the_same_mentor_number_is_the_same_person_everywhere():
    weights = scale_data.zipf_weights(500)
    assert scale_data.mentor(42, 16, weights) == scale_data.mentor(42, 16, weights)
    assert scale_data.mentor(42, 16, weights) != scale_data.mentor(43, 16, weights)
