"""Management commands and the project-local database: create_editor, invite_mentor, seed_demo, devdb."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from interviews.management.commands.seed_demo import DEMO_DIR, store_media
from interviews.models import Answer, Interview, Lesson, Mentor
from tests.s3 import fetch

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_seed_demo_loads_enough_varied_content_idempotently(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Mentor.objects.count(), Answer.objects.count(), Lesson.objects.count())
    bodies = dict(Answer.objects.values_list("pk", "body_html"))

    call_command("seed_demo", stdout=io.StringIO())

    assert (Mentor.objects.count(), Answer.objects.count(), Lesson.objects.count()) == counts
    assert dict(Answer.objects.values_list("pk", "body_html")) == bodies
    assert Mentor.objects.published().count() >= 8
    assert Lesson.objects.in_use().count() >= 15
    for interview in Interview.objects.published():
        assert interview.answers.count() >= 11  # "most" of the 16 questions
    lengths = sorted(len(body) for body in Answer.objects.values_list("body", flat=True))
    assert lengths[0] < 300 and lengths[-1] > 1500  # realistic, varied lengths
    assert [p.name for p in (tmp_path / "demo").iterdir()] == ["council-requests.png"]


@pytest.mark.django_db
def test_seed_demo_holds_what_real_answers_contain(settings, tmp_path):
    """So the browser's checks (valid HTML, axe, phone layouts) meet it."""
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    published = Answer.objects.published()

    def mentors_with(fragment):
        return set(
            published.filter(body_html__contains=fragment).values_list(
                "interview__mentor__slug", flat=True
            )
        )

    assert mentors_with('<div class="table-scroll"')
    assert mentors_with('<ol class="footnotes">') >= {"maeve-gallagher", "hye-jin-park"}
    assert (
        mentors_with("<ol>\n<li>")
        & mentors_with("<ul>\n<li>")
        & mentors_with("</li>\n</ul>\n</li>")
    )
    assert mentors_with('<img src="/media/demo/council-requests.png" alt="Bar chart')
    assert mentors_with("<em>Chart: Maeve Gallagher")
    long_code_lines = [
        line
        for html in published.filter(body_html__contains="<pre").values_list("body_html", flat=True)
        for line in html.split("\n")
        if len(line) > 150
    ]
    assert len(long_code_lines) >= 2
    assert published.filter(body_html__regex=r'href="https://[^"]{100,}"').exists()
    assert (
        len({slug for f in ("<pre", "<table", "footnotes", "<img") for slug in mentors_with(f)})
        >= 3
    )
    assert (tmp_path / "demo" / "council-requests.png").stat().st_size < 20_000


@pytest.mark.django_db
def test_seed_demo_stores_its_images_in_a_bucket_and_answers_show_them_from_there(
    s3_media, s3_server, tmp_path
):
    # One mentor's file and the image it shows, to keep the run short.
    demo = tmp_path / "demo"
    (demo / "media").mkdir(parents=True)
    shutil.copy(DEMO_DIR / "maeve-gallagher.toml", demo)
    png = DEMO_DIR / "media" / "council-requests.png"
    shutil.copy(png, demo / "media")

    call_command("seed_demo", "--dir", str(demo), stdout=io.StringIO())
    store_media(demo / "media")  # what the next run does first

    url = f"{s3_server.url}/{s3_media}/demo/council-requests.png"
    # Not turned into a link: the bucket is the media origin the CSP allows.
    assert Answer.objects.published().filter(body_html__contains=f'<img src="{url}"').exists()
    assert s3_server.keys(s3_media) == ["demo/council-requests.png"]  # replaced, not beside
    status, body, content_type = fetch(url)
    assert status == 200 and content_type == "image/png" and body == png.read_bytes()


@pytest.mark.django_db
def test_seed_demo_first_run_does_nothing_when_mentors_exist():
    Mentor.objects.create(name="Already Here")
    out = io.StringIO()
    call_command("seed_demo", "--first-run", stdout=out)
    assert Mentor.objects.count() == 1
    assert "nothing to do" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_names_the_broken_file_and_line(tmp_path):
    (tmp_path / "broken.toml").write_text('name = "Unclosed\nslug = "x"\n')
    with pytest.raises(CommandError, match=r"broken\.toml: .*line 1"):
        call_command("seed_demo", "--dir", str(tmp_path), stdout=io.StringIO())


@pytest.mark.django_db
def test_create_editor_gives_a_working_staff_login():
    out = io.StringIO()
    call_command(
        "create_editor", "--email", "ed@example.com", "--password", "pw-123-long", stdout=out
    )
    user = authenticate(username="ed@example.com", password="pw-123-long")
    assert user is not None and user.is_staff and not user.is_superuser
    assert user.has_perm("interviews.change_interview")
    assert user.has_perm("interviews.change_lesson")
    # Lessons are interviews.Lesson: taggit's own Tag model is not the editors'.
    assert not any(p.startswith("taggit.") for p in user.get_all_permissions())
    assert "/admin/" in out.getvalue()


def test_unreachable_database_url_gives_one_clear_line():
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:9/nowhere"}
    result = subprocess.run(
        [sys.executable, "-m", "tools.devdb", "ensure"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Cannot reach the database at postgresql://127.0.0.1:9/nowhere")
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr
