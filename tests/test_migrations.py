import importlib
import io

import pytest
from django.apps import apps as global_apps
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command

from interviews.models import Answer, Question
from tests.factories import AnswerFactory, MentorFactory, PublishedInterviewFactory

pytestmark = pytest.mark.django_db

# The wording mentors are asked, exactly, in order.
STANDARD_WORDING = [
    "Please share a bit about yourself: your current role, where you work, and what you do?",
    "What was your path towards working with machine learning? What factors helped along the way?",
    "How do you spend your time day-to-day?",
    "How do you work with business to identify and define problems suited for machine learning? How do you align ML projects with business objectives?",
    "Machine learning systems can be several steps removed from users, relative to product and UI. How do you maintain empathy with your end-users?",
    "Imagine you're given a new, unfamiliar problem to solve with machine learning. How would you approach it?",
    "Designing, building, and operating ML systems is a big effort. Who do you collaborate with? How do you scale yourself?",
    "There are many ways to structure DS/ML teams—what have you seen work, or not work?",
    "How does your organization or team enable rapid iteration on machine learning experiments and systems?",
    "What processes, tools, or artifacts have you found helpful in the machine learning lifecycle? What would you introduce if you joined a new team?",
    "How do you quantify the impact of your work? What was the greatest impact you made?",
    "After shipping your ML project, how do you monitor performance in production? Did you have to update pipelines or retrain models—how manual or automatic was this?",
    "What's a problem you encountered where machine learning seemed like the right solution, but turned out to be wrong? What was the eventual solution?",
    "Think of people who are able to apply ML effectively–what skills or traits do you think contributed to that?",
    "Do you have any lessons or advice about applying ML that's especially helpful? Anything that you didn't learn at school or via a book (i.e., only at work)?",
    "How do you learn continuously? What are some resources or role models that you've learned from?",
]


def test_standard_questions_are_seeded_in_order_with_exact_wording():
    questions = list(Question.objects.standard())
    assert [q.text for q in questions] == STANDARD_WORDING
    assert [q.position for q in questions] == list(range(1, 17))
    assert all(q.is_active and q.title and q.slug for q in questions)
    assert list(Question.objects.asked()) == questions


def test_no_pending_migrations():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_search_migration_fills_existing_answers(questions):
    answer = AnswerFactory(
        interview=PublishedInterviewFactory(mentor=MentorFactory(name="Migrated Person")),
        question=questions[0],
        body="Existing *rows* & text.",
        lessons=["legacy"],
    )
    Answer.objects.update(body_text="", search_vector=None)
    migration = importlib.import_module("interviews.migrations.0006_search")

    migration.fill_search_columns(global_apps, None)

    answer.refresh_from_db()
    assert answer.body_text == "Existing rows & text."
    for words in ("legacy", "rows", "migrated"):
        query = SearchQuery(words, config="english")
        assert list(Answer.objects.filter(search_vector=query)) == [answer], words


def test_rerender_migration_renders_stored_answers_with_the_new_renderer_in_batches(
    questions, django_assert_max_num_queries
):
    from django.db.models.signals import post_save

    from interviews.models import Interview

    interview = PublishedInterviewFactory(intro="Hello[^1].\n\n[^1]: Note.")
    nested = "- data\n  - labels\n- models\n\nSee[^1].\n\n[^1]: Footnoted words."
    answers = [
        AnswerFactory(interview=interview, question=question, body=nested)
        for question in questions[:12]
    ]
    # What Python-Markdown stored: a flat list and a footnote link going nowhere.
    old = '<ul>\n<li>data</li>\n<li>labels</li>\n</ul>\n<p>See<sup><a href="#fn:1">1</a></sup></p>'
    Answer.objects.update(body_html=old, body_text="stale", search_vector=None)
    Interview.objects.filter(pk=interview.pk).update(intro_html="<p>old</p>")
    migration = importlib.import_module("interviews.migrations.0018_rerender_markdown")
    saves = []
    post_save.connect(lambda **kw: saves.append(kw), weak=False, dispatch_uid="rerender-test")
    try:
        # Chunks, not a query per answer: the cursor, one bulk write, one search refresh,
        # and the introductions.
        with django_assert_max_num_queries(8):
            migration.rerender(global_apps, None)
    finally:
        post_save.disconnect(dispatch_uid="rerender-test")

    assert saves == []  # no signals, so no upkeep beyond the text itself
    for answer in answers:
        answer.refresh_from_db()
        anchor = f"a{interview.pk}-{answer.question_id}"
        assert "<li>data\n<ul>\n<li>labels</li>" in answer.body_html
        assert f'href="#fn-{anchor}-1"' in answer.body_html
        assert f'<li id="fn-{anchor}-1">' in answer.body_html
        assert answer.body_text == "data labels models See[1]. Footnoted words."
    query = SearchQuery("footnoted", config="english")
    assert Answer.objects.filter(search_vector=query).count() == 12
    intro_html = Interview.objects.get(pk=interview.pk).intro_html
    assert f'<li id="fn-m{interview.mentor_id}-1">' in intro_html
