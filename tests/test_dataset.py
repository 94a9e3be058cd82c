"""The open dataset: `export_dataset`, the stored files and /data/."""

import csv
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from frictionless import Package

from interviews import dataset, housekeeping, services
from interviews.models.enums import License
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
    WithdrawnInterviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(questions):
    """Two CC BY mentors, one all-rights-reserved, plus what readers never see."""
    open_one = PublishedInterviewFactory(mentor=MentorFactory(name="Ada Open", slug="ada-open"))
    AnswerFactory(
        interview=open_one,
        question=questions[0],
        body="Start with a **baseline**, always.",
        lessons=["Start simple", "MLOps"],
    )
    AnswerFactory(interview=open_one, question=questions[1], body='Ask the users; a, b "quoted".')
    other = PublishedInterviewFactory(mentor=MentorFactory(name="Ben Open", slug="ben-open"))
    AnswerFactory(interview=other, question=questions[0], body="Ben's words.", lessons=["MLOps"])
    closed = PublishedInterviewFactory(
        mentor=MentorFactory(name="Cleo Closed", slug="cleo-closed"),
        license=License.ALL_RIGHTS_RESERVED,
    )
    AnswerFactory(interview=closed, question=questions[2], body="Cleo keeps every right.")
    unchosen = PublishedInterviewFactory(
        mentor=MentorFactory(name="Dan Unchosen", slug="dan-unchosen"), license=""
    )
    AnswerFactory(interview=unchosen, question=questions[2], body="Dan never chose.")
    AnswerFactory(
        interview=DraftInterviewFactory(
            mentor=MentorFactory(slug="eve-draft"), license="cc-by-4.0"
        ),
        question=questions[3],
        body="Eve's draft words.",
    )
    AnswerFactory(
        interview=WithdrawnInterviewFactory(mentor=MentorFactory(slug="fay-gone")),
        question=questions[3],
        body="Fay's withdrawn words.",
    )
    return open_one


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_export_writes_only_cc_by_answers_with_their_mentors_questions_and_lessons(
    content, tmp_path, capsys
):
    call_command("export_dataset", str(tmp_path))

    out = capsys.readouterr().out
    assert "Wrote 3 answers, 2 mentors, 2 questions, 2 lessons" in out
    answers = read_csv(tmp_path / "answers.csv")
    assert sorted(a["mentor"] for a in answers) == ["ada-open", "ada-open", "ben-open"]
    everything = "".join(path.read_text() for path in tmp_path.iterdir())
    for hidden in ("Cleo", "Dan never", "Eve's draft", "Fay's withdrawn", "@example.com"):
        assert hidden not in everything
    first = next(a for a in answers if "baseline" in a["body_markdown"])
    assert first["lessons"] == "mlops; start-simple"
    assert first["license"] == "CC-BY-4.0"
    assert first["url"].endswith(f"/mentors/ada-open/{content.answers.first().question.slug}/")
    lines = [json.loads(line) for line in (tmp_path / "answers.jsonl").read_text().splitlines()]
    assert {line["id"] for line in lines} == {int(a["id"]) for a in answers}
    assert next(line for line in lines if line["id"] == int(first["id"]))["lessons"] == [
        "mlops",
        "start-simple",
    ]
    assert {m["slug"] for m in read_csv(tmp_path / "mentors.csv")} == {"ada-open", "ben-open"}
    assert "email" not in read_csv(tmp_path / "mentors.csv")[0]
    lessons = {row["slug"]: row["answers"] for row in read_csv(tmp_path / "lessons.csv")}
    assert lessons == {"mlops": "2", "start-simple": "1"}


def test_the_data_package_validates_with_frictionless(content, tmp_path):
    dataset.write(tmp_path)

    package = Package(str(tmp_path / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "Applying ML" in descriptor["citation"]
    answers = next(r for r in descriptor["resources"] if r["name"] == "answers")
    documented = {f["name"] for f in answers["schema"]["fields"]}
    assert documented == set(read_csv(tmp_path / "answers.csv")[0])
    assert all(f["description"] for r in descriptor["resources"] for f in r["schema"]["fields"])


def test_an_empty_site_still_writes_a_valid_package(questions, tmp_path):
    counts = dataset.write(tmp_path)
    assert counts == {"answers": 0, "mentors": 0, "questions": 0, "lessons": 0}
    assert Package(str(tmp_path / "datapackage.json")).validate().valid


def test_the_command_says_which_directory_it_could_not_write(questions, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(Exception, match=f"Could not write the dataset to {blocker}/sub"):
        call_command("export_dataset", str(blocker / "sub"))


def test_publish_withdraw_and_approved_edits_rebuild_the_stored_files(
    content, stored_media, editor, questions, django_capture_on_commit_callbacks
):
    late = PublishedInterviewFactory(
        mentor=MentorFactory(name="Gil Late", slug="gil-late"), status="submitted"
    )
    AnswerFactory(interview=late, question=questions[4], body="Gil's late words.")

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(late, by=editor)
    stored = default_storage.open("dataset/answers.csv").read().decode()
    assert "Gil's late words." in stored and "Cleo" not in stored
    assert not dataset.is_stale()

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(late, by=editor, note="Asked to")
    assert "Gil's late words." not in default_storage.open("dataset/answers.csv").read().decode()


def test_the_worker_rebuilds_a_dataset_older_than_the_content(content):
    assert dataset.is_stale()  # never built
    housekeeping.run_housekeeping()  # the immediate backend runs the rebuild it enqueues
    assert not dataset.is_stale()
    assert dataset.latest()["resources"][0]["name"] == "answers"


def test_the_data_page_explains_the_fields_licence_and_citation_and_offers_the_files(
    content, stored_media, client
):
    before = client.get("/data/").content.decode()
    assert "The first files are being made" in before

    dataset.publish_latest()
    response = client.get("/data/")
    html = response.content.decode()
    assert response.status_code == 200
    files = {name: default_storage.url(f"dataset/{name}") for name in dataset.FILES}
    assert files["answers.csv"] == (
        f"{stored_media.server.url}/{stored_media.bucket}/dataset/answers.csv"
        if stored_media.kind == "s3"
        else "/media/dataset/answers.csv"
    )
    assert f'href="{files["answers.csv"]}"' in html
    assert f'href="{files["datapackage.json"]}"' in html
    # Readers download them from there.
    status, body, content_type = stored_media.get(files["answers.csv"])
    assert status == 200 and content_type.startswith("text/csv")
    assert body.decode().startswith("id,mentor,question,")
    status, body, _ = stored_media.get(files["datapackage.json"])
    assert status == 200 and json.loads(body)["name"] == "applyingml-interviews"
    assert "Answers (3 rows)" in html
    for field in dataset.TABLES["answers"]:
        assert f"<code>{field.name}</code>" in html
    assert 'id="all-rights-reserved"' in html and 'id="cc-by"' in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert dataset.citation() in html
