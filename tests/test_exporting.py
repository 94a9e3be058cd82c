"""`export_interviews`: files in the import format that import back byte for byte."""

import io
from textwrap import dedent

import pytest
from django.core.management import call_command

from interviews.models import Interview, Lesson, Mentor, Question
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    FollowUpQuestionFactory,
    MentorFactory,
    PublishedInterviewFactory,
)

pytestmark = pytest.mark.django_db

CODE_ANSWER = (
    "We check three things:\r\n\r\n"  # as the admin's textarea saves it
    "```python\r\n"
    "# Is the model still good?\r\n"
    "assert auc > 0.7\r\n"
    "```\r\n\r\n"
    "    ### indented, so code too\r\n\r\n"
    "See [the runbook][rb] — it’s short.\r\n\r\n"
    "[rb]: https://example.com/runbook\r\n"
)


def export(directory):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_interviews", str(directory), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def files(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def empty_the_database():
    Interview.objects.all().delete()
    Mentor.objects.all().delete()
    Question.objects.filter(is_standard=False).delete()
    Lesson.objects.all().delete()


@pytest.fixture
def content(questions):
    """Demo-like content: lessons, a follow-up, unicode, code blocks, a draft without a date."""
    mentor = MentorFactory(
        name="Zoë Ødegård",
        slug="zoe-odegard",
        role="Head of ML: Search",
        company="Ünïcode GmbH",
        bio="Builds search.\nLikes maps.",
        website="https://zoe.example.com",
        x="https://x.com/zoe",
    )
    interview = PublishedInterviewFactory(mentor=mentor, intro="Zoë on *search* — and maps.")
    AnswerFactory(
        interview=interview,
        question=questions[2],
        body="Meetings, then **code**.",
        lessons=["MLOps", "data quality"],
    )
    AnswerFactory(
        interview=interview, question=questions[11], body=CODE_ANSWER, lessons=["monitoring"]
    )
    follow_up = FollowUpQuestionFactory(
        text="What’s on your desk — right now?", title="On the desk"
    )
    AnswerFactory(interview=interview, question=follow_up, body="A map of Oslo.", lessons=["Focus"])
    long_one = FollowUpQuestionFactory(
        text="You said: " + "very " * 30 + "long projects pay off. Which one paid off most?",
        title="Long projects",
    )
    AnswerFactory(interview=interview, question=long_one, body="The map.", lessons=["Patience"])
    draft = DraftInterviewFactory(mentor=MentorFactory(name="Bo Draft", slug="bo-draft"), intro="")
    AnswerFactory(interview=draft, question=questions[0], body="I build things.")
    return interview


def test_export_writes_the_import_format(content, tmp_path):
    out, err = export(tmp_path)

    assert sorted(files(tmp_path)) == ["bo-draft.md", "zoe-odegard.md"]
    text = (tmp_path / "zoe-odegard.md").read_text()
    assert text == dedent(
        f"""\
        ---
        name: Zoë Ødegård
        slug: zoe-odegard
        role: 'Head of ML: Search'
        company: Ünïcode GmbH
        bio: 'Builds search.

          Likes maps.'
        date: {content.published_at.date().isoformat()}
        status: published
        license: cc-by-4.0
        links:
          website: https://zoe.example.com
          x: https://x.com/zoe
        lessons:
          day-to-day:
          - data quality
          - MLOps
          monitoring-in-production:
          - monitoring
          What’s on your desk — right now?:
          - Focus
          ? 'You said: {"very " * 30}long projects pay off. Which one paid off most?'
          : - Patience
        follow_ups:
        - What’s on your desk — right now?
        - 'You said: {"very " * 30}long projects pay off. Which one paid off most?'
        ---

        Zoë on *search* — and maps.

        ### How do you spend your time day-to-day?

        Meetings, then **code**.

        ### After shipping your ML project, how do you monitor performance in production? Did you have to update pipelines or retrain models—how manual or automatic was this?

        We check three things:

        ```python
        # Is the model still good?
        assert auc > 0.7
        ```

            ### indented, so code too

        See [the runbook][rb] — it’s short.

        [rb]: https://example.com/runbook

        ### What’s on your desk — right now?

        A map of Oslo.

        ### You said: {"very " * 30}long projects pay off. Which one paid off most?

        The map.
        """
    )
    draft = (tmp_path / "bo-draft.md").read_text()
    assert "status: draft\n" in draft and "date:" not in draft
    assert "2 interviews exported." in out and err == ""


def test_export_import_export_is_byte_identical(content, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    export(first)
    empty_the_database()

    call_command("import_interviews", str(first), stdout=io.StringIO())
    export(second)

    assert files(second) == files(first)
    zoe = Interview.objects.get(mentor__slug="zoe-odegard")
    assert zoe.status == Interview.Status.PUBLISHED and zoe.source == Interview.Source.IMPORT
    desk = zoe.answers.get(question__text="What’s on your desk — right now?")
    assert list(desk.tags.names()) == ["Focus"]


def test_demo_content_round_trips(questions, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    first, second = tmp_path / "first", tmp_path / "second"
    _, err = export(first)
    assert err == ""
    empty_the_database()

    call_command("import_interviews", str(first), stdout=io.StringIO())
    export(second)

    assert len(files(first)) == 10
    assert files(second) == files(first)


def test_an_answer_that_would_not_read_back_is_reported(questions, tmp_path):
    interview = PublishedInterviewFactory()
    AnswerFactory(interview=interview, question=questions[0], body="My role.\n\n### Tools?\n\nVim.")
    AnswerFactory(interview=interview, question=questions[1], body="Physics.")
    _, err = export(tmp_path)
    assert "2 answers would read back as 3 questions" in err


def test_one_file_per_interview_named_after_its_mentor(questions, tmp_path):
    for slug, factory in (("ada", PublishedInterviewFactory), ("ben", DraftInterviewFactory)):
        AnswerFactory(
            interview=factory(mentor=MentorFactory(slug=slug)),
            question=questions[0],
            body=f"{slug}!",
        )

    export(tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["ada.md", "ben.md"]
    assert "ada!" in (tmp_path / "ada.md").read_text()
    assert "status: draft" in (tmp_path / "ben.md").read_text()
