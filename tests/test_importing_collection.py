"""A whole collection moving in: ApplyingML-shaped files, decisions, re-imports, export back.

The files under tests/fixtures/applyingml/ are written for these tests in
the shape of ApplyingML's `src/markdown/interviews/*.mdx` (front matter with
`slug: "/mentors/first-last/"`, "Position @ Organization", a "Learn more
about…" links sentence, `### *Question?*` headings or older `**Question?**`
lines, a template and a "Coming soon!" placeholder).
"""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from interviews.models import Answer, Interview, Mentor, Question

pytestmark = pytest.mark.django_db

COLLECTION = Path(__file__).parent / "fixtures" / "applyingml"
OLDER_WORDING = "How do you keep an eye on your models once they're live?"
MAP = f"{OLDER_WORDING}=monitoring-in-production"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_interviews", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    """(stdout, stderr, the CommandError's message) of a run that exits non-zero."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_interviews", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(exc.value)


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "interviews"
    shutil.copytree(COLLECTION, folder)
    return folder


def content():
    """What readers would see of every interview, to compare two imports."""
    return sorted(
        (
            i.mentor.slug,
            i.mentor.name,
            i.mentor.role,
            i.mentor.company,
            i.mentor.bio,
            i.mentor.website,
            i.mentor.linkedin,
            i.mentor.github,
            i.mentor.x,
            i.status,
            i.published_at,
            i.intro,
            tuple(
                (a.question.text, a.body, tuple(sorted(a.tags.names())))
                for a in i.answers.order_by("question__position")
            ),
        )
        for i in Interview.objects.select_related("mentor")
    )


def test_the_first_run_imports_everything_it_can_and_holds_the_unmatched_wording(
    questions, collection
):
    out, err, message = run_failing(collection)

    assert "7 files: 4 created, 0 updated, 0 unchanged, 2 skipped, 1 held, 0 failed" in out
    assert f"[1/7] {collection / 'ines-quarry.mdx'}: created" in out  # progress, file by file
    assert "sol-marsh.mdx: skipped: no questions: placeholder" in out
    assert "template.mdx: skipped: type: template" in out
    assert "pia-nakamura.mdx: held, nothing saved" in out
    assert f"? line 16: {OLDER_WORDING}" in out
    assert "nearest: 16. Learning continuously (continuous-learning, 0.18)" in out
    assert "--map 'How do you keep an eye on your models once they'\"'\"'re live?=SLUG'" in out
    assert err == ""  # nothing failed
    assert "1 of 7 files held for a decision" in message
    assert not Mentor.objects.filter(slug="pia-nakamura").exists()  # nothing of it saved
    assert not Question.objects.filter(is_standard=False).exists()  # no silent follow-up


def test_front_matter_links_and_dates_as_applyingml_writes_them(questions, collection):
    run(collection, "--map", MAP)

    ines = Mentor.objects.get(slug="ines-quarry")
    assert (ines.name, ines.role, ines.company) == (
        "Inès Quarry",
        "Senior Applied Scientist",
        "Harbour Freight Labs",
    )
    assert (ines.website, ines.x, ines.linkedin, ines.github) == (
        "https://ines.example.org/",
        "https://twitter.com/ines_q",
        "https://www.linkedin.com/in/ines-quarry/",
        "",
    )
    interview = ines.interviews.get()
    assert interview.intro == ""  # the sentence only listed links
    assert interview.published_at.date().isoformat() == "2021-07-28"
    assert list(interview.answers.values_list("question__position", flat=True)) == [1, 3, 11, 16]

    olu = Mentor.objects.get(slug="olu-brandt")
    assert olu.bio == "Builds triage models that nurses trust."
    assert (olu.linkedin, olu.x) == ("https://linkedin.com/in/olubrandt", "https://x.com/olubrandt")
    olu_interview = olu.interviews.get()
    assert olu_interview.published_at.date().isoformat() == "2021-09-17"  # "2021-9-17"
    # What else the paragraph says stays; older files mark questions in bold.
    assert olu_interview.intro == (
        "Olu also runs a reading group for clinicians who want to learn statistics."
    )
    assert list(olu_interview.answers.values_list("question__position", flat=True)) == [2, 5, 15]

    ravi = Mentor.objects.get(slug="ravi-okafor")
    assert (ravi.website, ravi.linkedin) == (
        "https://ravi.example.net/",
        "https://www.linkedin.com/in/ravi-okafor",
    )
    # A link with no profile field keeps the sentence, so nothing is lost.
    assert "[Practical ML community](https://community.example.org/u/ravi)" in (
        ravi.interviews.get().intro
    )

    uma = Interview.objects.get(mentor__slug="uma-castell")  # in a subfolder
    assert sorted(uma.answers.values_list("question__slug", flat=True)) == [
        "day-to-day",
        "quantifying-impact",
    ]
    assert Interview.objects.filter(status=Interview.Status.DRAFT).count() == 5


def test_one_mapping_places_the_older_wording_and_the_next_import_matches_it_by_itself(
    questions, collection, tmp_path
):
    out, _ = run(collection, "--map", MAP)

    assert "7 files: 5 created, 0 updated, 0 unchanged, 2 skipped, 0 held, 0 failed" in out
    monitoring = Question.objects.get(slug="monitoring-in-production")
    assert OLDER_WORDING in monitoring.alternative_texts
    answer = Answer.objects.get(interview__mentor__slug="pia-nakamura", question=monitoring)
    assert answer.asked_as == OLDER_WORDING
    assert "question 12, as the editor mapped it" in out

    later = tmp_path / "later"
    later.mkdir()
    (later / "vera.md").write_text(
        f'---\nname: "Vera Lind"\nslug: "/mentors/vera-lind/"\n---\n\n'
        f"### *{OLDER_WORDING}*\n\nShadow deployments first.\n"
    )
    out, _ = run(later)  # no --map: the wording is known now
    assert "question 12, an alternative wording" in out
    assert Answer.objects.get(interview__mentor__slug="vera-lind").question == monitoring


def test_a_map_file_and_follow_ups_decide_too(questions, collection, tmp_path):
    map_file = tmp_path / "decisions.txt"
    map_file.write_text(f"# decided by the editors\n\n{OLDER_WORDING}=follow-up\n")

    out, _ = run(collection, "--map-file", map_file)

    follow_up = Question.objects.get(is_standard=False)
    assert follow_up.text == OLDER_WORDING
    assert "follow-up, as the editor decided" in out
    # Decided once: the next import of the same file asks nothing.
    out, _ = run(collection)
    assert "5 unchanged" in out and "0 held" in out


def test_a_bad_decision_names_where_it_is(questions, collection, tmp_path):
    map_file = tmp_path / "decisions.txt"
    map_file.write_text("How do you spend your time?\n")
    with pytest.raises(
        CommandError, match=r"decisions.txt, line 1: .* is not WORDING=question-slug"
    ):
        run(collection, "--map-file", map_file)
    with pytest.raises(CommandError, match="'monitoring' is not a standard question"):
        run(collection, "--map", f"{OLDER_WORDING}=monitoring")
    assert not Mentor.objects.exists()


def test_importing_the_collection_again_changes_nothing_and_a_changed_file_only_that(
    questions, collection
):
    run(collection, "--map", MAP, "--publish")
    before = content()
    out, _ = run(collection)
    assert content() == before
    assert "7 files: 0 created, 0 updated, 5 unchanged, 2 skipped, 0 held, 0 failed" in out

    path = collection / "olu-brandt.mdx"
    path.write_text(path.read_text().replace("night shift", "weekend shift"))
    out, _ = run(collection)
    assert "0 created, 1 updated, 4 unchanged" in out
    assert "olu-brandt.mdx: updated" in out
    assert "~ Empathy with end-users" in out


def test_a_slug_that_is_still_not_a_slug_names_the_file_and_the_field(questions, tmp_path):
    path = tmp_path / "odd.mdx"
    path.write_text(
        '---\nname: "Odd One"\nslug: "/mentors/odd one!/"\n---\n\n'
        "### *How do you spend your time day-to-day?*\n\nReading.\n"
    )
    _, err, _ = run_failing(path)
    assert f"{path}: bad front matter: slug: " in err


def test_placeholders_alone_exit_cleanly(questions, collection):
    out, err = run(collection / "sol-marsh.mdx", collection / "template.mdx")
    assert "2 files: 0 created, 0 updated, 0 unchanged, 2 skipped, 0 held, 0 failed" in out
    assert err == ""


def test_re_importing_changed_text_refreshes_search(questions, collection, client):
    run(collection, "--map", MAP, "--publish")
    path = collection / "ines-quarry.mdx"
    path.write_text(path.read_text().replace("gradient-boosted model", "zeppelinesque heuristic"))

    run(collection)

    answer = Answer.objects.get(
        question__slug="quantifying-impact", interview__mentor__name="Inès Quarry"
    )
    assert "zeppelinesque" in answer.body_text
    page = client.get(reverse("interviews:search"), {"q": "zeppelinesque"})
    assert "Inès Quarry" in page.content.decode()
    assert (
        client.get(reverse("interviews:search"), {"q": "gradient"})
        .content.decode()
        .count("Inès Quarry")
        == 0
    )


def test_the_applyingml_export_reads_back_as_the_same_interviews(questions, collection, tmp_path):
    run(collection, "--map", MAP, "--publish")
    Answer.objects.get(
        question__slug="day-to-day", interview__mentor__slug="pia-nakamura"
    ).tags.set(["Focus"])
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_interviews", str(first), "--format", "applyingml", stdout=io.StringIO())
    before = content()

    text = (first / "ines-quarry.mdx").read_text()
    assert "slug: /mentors/ines-quarry/\n" in text
    assert "role: Senior Applied Scientist @ Harbour Freight Labs\n" in text
    assert "type: mentor\n" in text
    assert (
        "Learn more about Inès Quarry on their [site](https://ines.example.org/), "
        "[LinkedIn](https://www.linkedin.com/in/ines-quarry/), and [X](https://twitter.com/ines_q)."
    ) in text
    assert "### *How do you spend your time day-to-day?*\n" in text

    for model in (Interview, Mentor):
        model.objects.all().delete()
    run(first)
    assert content() == before
    call_command("export_interviews", str(second), "--format", "applyingml", stdout=io.StringIO())
    assert {p.name: p.read_bytes() for p in second.iterdir()} == {
        p.name: p.read_bytes() for p in first.iterdir()
    }


def test_a_zip_of_the_collection_imports_like_the_folder(questions, collection, tmp_path):
    archive = tmp_path / "collection.zip"
    shutil.make_archive(str(archive.with_suffix("")), "zip", collection)
    out, _ = run(archive, "--map", MAP)
    assert "7 files: 5 created, 0 updated, 0 unchanged, 2 skipped, 0 held, 0 failed" in out
    assert f"{archive}/older/uma-castell.md: created" in out


def test_an_export_imported_into_the_same_site_changes_nothing(questions, collection, tmp_path):
    run(collection, "--map", MAP)
    assert Answer.objects.exclude(asked_as="").exists()  # older wordings, kept
    for format in ("site", "applyingml"):
        folder = tmp_path / format
        call_command("export_interviews", str(folder), "--format", format, stdout=io.StringIO())
        out, _ = run(folder)
        assert "0 created, 0 updated, 5 unchanged" in out


def test_a_mapping_in_a_file_that_fails_is_not_remembered(questions, tmp_path):
    broken = tmp_path / "a.md"
    broken.write_text(
        f"---\nname: Ann\nlessons:\n  team-structure: [x]\n---\n\n### {OLDER_WORDING}\n\nAlerts.\n"
    )
    good = tmp_path / "b.md"
    good.write_text(
        "---\nname: Ben\n---\n\n### What keeps your deployed models honest?\n\nShadow traffic.\n"
    )
    run_failing(
        broken,
        good,
        "--map",
        MAP,
        "--map",
        "What keeps your deployed models honest?=monitoring-in-production",
    )
    assert Question.objects.get(slug="monitoring-in-production").alternative_texts == [
        "What keeps your deployed models honest?"
    ]
