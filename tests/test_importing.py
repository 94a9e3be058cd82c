"""`import_interviews`: saving files as mentors, interviews and answers, idempotently."""

import io
from pathlib import Path
from textwrap import dedent

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interviews.models import Answer, Interview, InterviewEvent, Lesson, Mentor, Question
from tests.factories import AnswerFactory, PublishedInterviewFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"

ADA = """
---
name: Ada Example
role: Staff ML Engineer
company: Example Corp
date: 2024-03-05
links:
  website: https://ada.example.com
follow_ups:
- What’s your favourite editor?
---

Ada builds forecasting systems.

### How do you quantify the impact of your work?

With *experiments*.

### What’s your favourite editor?

Vim, of course.

### How do you spend your time day-to-day?

Reading and writing.
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(dedent(text).lstrip("\n"))
    return path


def run(*args):
    """(stdout, stderr) of import_interviews, raising CommandError like the command would."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_interviews", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    """Every row an import may write, with what would show that it was written."""
    return {
        "mentors": list(Mentor.objects.values_list("pk", "updated_at")),
        "interviews": list(Interview.objects.values_list("pk", "updated_at", "version", "status")),
        "answers": list(Answer.objects.values_list("pk", "updated_at", "body")),
        "questions": list(Question.objects.values_list("pk", "updated_at")),
        "tags": list(Answer.tags.through.objects.values_list("pk", "tag__name")),
        "events": InterviewEvent.objects.count(),
    }


def test_import_creates_a_draft_with_matched_answers_and_a_follow_up(questions, tmp_path):
    out, _ = run(write(tmp_path, "ada.md", ADA))

    mentor = Mentor.objects.get(slug="ada-example")
    assert (mentor.name, mentor.role, mentor.company) == (
        "Ada Example",
        "Staff ML Engineer",
        "Example Corp",
    )
    assert mentor.website == "https://ada.example.com"
    interview = mentor.interviews.get()
    assert interview.status == Interview.Status.DRAFT
    assert interview.source == Interview.Source.IMPORT
    assert interview.intro == "Ada builds forecasting systems."
    assert interview.published_at.date().isoformat() == "2024-03-05"
    answers = {a.question.title: a for a in interview.answers.select_related("question")}
    assert answers["Quantifying impact"].body_html == "<p>With <em>experiments</em>.</p>"
    assert answers["Day-to-day"].body == "Reading and writing."
    follow_up = answers["What’s your favourite editor?"].question
    assert not follow_up.is_standard and follow_up.is_active
    assert follow_up.text == "What’s your favourite editor?"
    assert follow_up.position > max(q.position for q in questions)
    assert interview.events.get().action == InterviewEvent.Action.IMPORTED
    assert "ada.md: created: Ada Example" in out
    assert "+ Quantifying impact (question 11, similar wording (0.75))" in out
    assert "+ What’s your favourite editor? (follow-up)" in out


def test_importing_the_same_file_again_changes_nothing(questions, tmp_path):
    path = write(
        tmp_path,
        "ada.md",
        ADA.replace("date: 2024-03-05\n", "date: 2024-03-05\nstatus: published\n"),
    )
    run(path)
    before = snapshot()

    out, _ = run(path)

    assert snapshot() == before
    assert "ada.md: unchanged" in out
    assert "1 file: 0 created, 0 updated, 1 unchanged, 0 skipped, 0 held, 0 failed" in out


def test_importing_a_changed_file_updates_that_interview(questions, tmp_path):
    path = write(tmp_path, "ada.md", ADA)
    run(path)
    interview = Interview.objects.get()
    follow_up = Question.objects.get(is_standard=False)
    day_to_day = interview.answers.get(question__slug="day-to-day")

    changed = (
        ADA.replace("With *experiments*.", "With A/B tests.")
        .replace("What’s your favourite editor?", "What's your favourite editor?")  # straight quote
        .replace("### How do you spend your time day-to-day?\n\nReading and writing.\n", "")
        .replace("role: Staff ML Engineer", "role: Principal ML Engineer")
    )
    write(tmp_path, "ada.md", changed)
    out, _ = run(path)

    assert Interview.objects.get() == interview  # the same interview, updated
    assert Mentor.objects.get().role == "Principal ML Engineer"
    assert interview.answers.get(question__slug="quantifying-impact").body == "With A/B tests."
    assert not Answer.objects.filter(pk=day_to_day.pk).exists()
    # The follow-up is the same question, its wording now as the file has it.
    assert Question.objects.get(is_standard=False).pk == follow_up.pk
    assert Question.objects.get(is_standard=False).text == "What's your favourite editor?"
    assert interview.events.filter(action=InterviewEvent.Action.IMPORTED).count() == 2
    assert "ada.md: updated" in out
    assert "~ mentor Ada Example: role" in out
    assert "~ Quantifying impact" in out
    assert "- Day-to-day (no longer in the file)" in out


def test_a_follow_up_no_longer_in_the_file_is_deleted_with_its_answer(questions, tmp_path):
    path = write(tmp_path, "ada.md", ADA)
    run(path)
    write(
        tmp_path,
        "ada.md",
        ADA.replace("### What’s your favourite editor?\n\nVim, of course.\n", ""),
    )
    run(path)
    assert not Question.objects.filter(is_standard=False).exists()


def test_dry_run_reports_the_changes_and_saves_nothing(questions, tmp_path):
    before = snapshot()
    out, _ = run(write(tmp_path, "ada.md", ADA), "--dry-run")
    assert snapshot() == before
    assert "+ Quantifying impact" in out
    assert out.rstrip().endswith("dry run: nothing was saved")


def test_dry_run_of_a_changed_file_shows_the_update_only(questions, tmp_path):
    path = write(tmp_path, "ada.md", ADA)
    run(path)
    before = snapshot()
    write(tmp_path, "ada.md", ADA.replace("Vim, of course.", "Emacs."))
    out, _ = run(path, "--dry-run")
    assert snapshot() == before
    assert "~ What’s your favourite editor?" in out
    assert "= Day-to-day (question 3, same wording)" in out


def test_publish_uses_the_files_date_and_sends_no_email(questions, tmp_path, mailoutbox):
    run(write(tmp_path, "ada.md", ADA), "--publish")
    interview = Interview.objects.get()
    assert interview.status == Interview.Status.PUBLISHED
    assert interview.published_at.date().isoformat() == "2024-03-05"
    event = interview.events.get(action=InterviewEvent.Action.PUBLISHED)
    assert event.note == "Imported" and event.actor is None
    assert mailoutbox == []


def test_front_matter_status_published_publishes(questions, tmp_path):
    run(write(tmp_path, "ada.md", ADA.replace("date: 2024-03-05", "status: published")))
    assert Interview.objects.get().status == Interview.Status.PUBLISHED


def test_reimporting_a_draft_file_never_unpublishes(questions, tmp_path):
    path = write(tmp_path, "ada.md", ADA)
    run(path, "--publish")
    out, _ = run(path)
    assert Interview.objects.get().status == Interview.Status.PUBLISHED
    assert "ada.md: unchanged" in out


def test_mentor_and_role_options_for_a_file_without_front_matter(questions, tmp_path):
    path = write(tmp_path, "notes.txt", "How do you learn continuously?\n\nPapers and friends.\n")
    run(path, "--mentor", "Bo Example", "--role", "ML Lead")
    mentor = Mentor.objects.get()
    assert (mentor.slug, mentor.name, mentor.role) == ("bo-example", "Bo Example", "ML Lead")
    assert mentor.interviews.get().answers.get().question.slug == "continuous-learning"


def test_mentor_option_is_for_one_file(questions, tmp_path):
    write(tmp_path, "a.md", ADA)
    write(tmp_path, "b.md", ADA)
    with pytest.raises(CommandError, match="--mentor names one mentor"):
        run(tmp_path, "--mentor", "Bo Example")


def test_broken_files_are_reported_and_skipped_and_the_rest_imports(questions, tmp_path):
    write(tmp_path, "a-good.md", ADA)
    write(tmp_path, "b-yaml.md", "---\nname: Bo\nrole: [oops\n---\n### Q one?\n\nA.\n")
    write(tmp_path, "c-empty.md", "---\nname: Cy\n---\n" + "No questions here. " * 20 + "\n")
    (tmp_path / "d-latin1.md").write_bytes("### Café?\n\nOui.\n".encode("latin-1"))
    write(tmp_path, "e-nameless.md", "### How do you learn continuously?\n\nPapers.\n")
    write(tmp_path, "ignored.json", "{}")

    with pytest.raises(CommandError, match="4 of 5 files failed") as exc:
        run(tmp_path)

    assert Mentor.objects.get().name == "Ada Example"
    message = str(exc.value)
    assert all(
        name in message for name in ["b-yaml.md", "c-empty.md", "d-latin1.md", "e-nameless.md"]
    )


def test_broken_files_are_named_with_their_reason(questions, tmp_path):
    (tmp_path / "latin1.md").write_bytes("### Café?\n\nOui.\n".encode("latin-1"))
    write(tmp_path, "yaml.md", "---\nname: Bo\nrole: [oops\n---\n### Q one?\n\nA.\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_interviews", str(tmp_path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert f"[1/2] {tmp_path / 'latin1.md'}: not UTF-8 text (byte 0xe9 at offset 7)" in lines
    assert any(
        line.startswith(f"[2/2] {tmp_path / 'yaml.md'}: bad front matter at line 3")
        for line in lines
    )


def test_a_missing_path_is_a_failed_file(questions, tmp_path):
    with pytest.raises(CommandError, match="1 of 1 files failed"):
        run(tmp_path / "nope.md")


def test_an_interview_entered_another_way_is_never_overwritten(questions, tmp_path):
    interview = PublishedInterviewFactory(mentor__name="Ada Example", mentor__slug="ada-example")
    answer = AnswerFactory(interview=interview, question=questions[2], body="Mine.")
    with pytest.raises(CommandError):
        run(write(tmp_path, "ada.md", ADA))
    answer.refresh_from_db()
    assert answer.body == "Mine." and Interview.objects.count() == 1


def test_two_files_for_one_mentor_in_one_run_fail_the_second(questions, tmp_path):
    write(tmp_path, "a.md", ADA)
    write(tmp_path, "b.md", ADA.replace("Vim", "Emacs"))
    with pytest.raises(CommandError, match=r"1 of 2 files failed: .*b\.md"):
        run(tmp_path)
    assert "Vim" in Answer.objects.get(question__is_standard=False).body


def test_lessons_in_front_matter_are_set_and_absent_lessons_are_left_alone(questions, tmp_path):
    path = write(tmp_path, "ada.md", ADA)
    run(path)
    answer = Answer.objects.get(question__slug="quantifying-impact")
    answer.tags.set(["Experimentation"])  # an editor tags it in the admin
    run(path)  # the file says nothing about lessons
    assert list(answer.tags.names()) == ["Experimentation"]

    with_lessons = ADA.replace(
        "---\n\nAda", "lessons:\n  quantifying-impact: [experimentation, Start simple]\n---\n\nAda"
    )
    assert with_lessons != ADA
    write(tmp_path, "ada.md", with_lessons)
    out, _ = run(path)
    assert sorted(answer.tags.names()) == ["Experimentation", "Start simple"]  # case-insensitive
    assert Lesson.objects.filter(name__iexact="experimentation").count() == 1
    assert "lessons: experimentation, Start simple" in out
    assert "unchanged" in run(path)[0]


def test_lessons_for_a_question_the_file_lacks_fail_the_file(questions, tmp_path):
    text = ADA.replace("---\n\nAda", "lessons:\n  team-structure: [x]\n---\n\nAda")
    assert text != ADA
    with pytest.raises(CommandError):
        run(write(tmp_path, "ada.md", text))
    assert not Mentor.objects.exists()  # nothing half-saved


def test_a_repeated_question_fails_the_file(questions, tmp_path):
    text = ADA + "\n### What's your favourite editor?\n\nNano.\n"
    with pytest.raises(CommandError):
        run(write(tmp_path, "ada.md", text))
    assert not Mentor.objects.exists()


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared sample interviews are not here")
def test_the_shared_sample_interviews_import(questions):
    staffeng = sorted(SAMPLES.glob("staffeng-*.md"))
    # Other sites' question sets: held at first, then kept as follow-ups at once.
    out, _ = run(*staffeng, "--dry-run")
    assert "2 held" in out
    run(*staffeng, "--follow-ups")
    for path in sorted(SAMPLES.glob("usesthis-*.markdown")):
        name = path.stem.removeprefix("usesthis-").replace(".", " ").title()
        run(path, "--mentor", name, "--follow-ups")

    counts = {
        m.slug: m.interviews.get().answers.count()
        for m in Mentor.objects.prefetch_related("interviews")
    }
    assert counts == {
        "adam-newbold": 3,
        "aleks-krotoski": 4,
        "nelson-elhage": 17,
        "silvia-botros": 17,
    }
    silvia = Interview.objects.get(mentor__slug="silvia-botros")
    assert set(
        silvia.answers.filter(question__is_standard=True).values_list("question__slug", flat=True)
    ) == {
        "day-to-day",
        "continuous-learning",
    }
    assert silvia.intro.startswith('<span class="date fr">April, 2020</span>')
    # The reference links defined at the end of the post work in the answer that uses them.
    adam = Interview.objects.get(mentor__slug="adam-newbold")
    tools = adam.answers.get(question__text="What do you use to get the job done?")
    assert '<a href="https://www.php.net/"' in tools.body_html

    before = snapshot()
    out, _ = run(*staffeng)  # its follow-ups are decided now
    assert snapshot() == before and "2 unchanged" in out


def test_files_the_database_could_not_hold_fail_alone(questions, tmp_path):
    good = tmp_path / "good.md"
    good.write_text(
        "---\nname: Good Mentor\n---\n### How do you spend your time day-to-day?\n\nReading.\n"
    )
    nul = tmp_path / "nul.md"
    nul.write_bytes(b"---\nname: Nul Mentor\n---\n### How do you spend your time?\n\nA\x00B\n")
    long_lesson = tmp_path / "long.md"
    long_lesson.write_text(
        "---\nname: Long Lesson\nlessons:\n  day-to-day: ["
        + "x" * 120
        + "]\n---\n### How do you spend your time day-to-day?\n\nReading.\n"
    )
    long_name = tmp_path / "name.md"
    long_name.write_text(
        "---\nname: "
        + "N" * 300
        + "\n---\n### How do you spend your time day-to-day?\n\nReading.\n"
    )
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_interviews", str(tmp_path), stdout=out, stderr=err)

    report = out.getvalue() + err.getvalue()
    assert "nul.md" in report and "NUL byte" in report
    assert "long.md" in report and "longer than 100 characters" in report
    assert "name.md" in report and "at most 120 characters" in report
    assert Mentor.objects.filter(name="Good Mentor").exists()
