"""`make backup` and `make restore` round-trip the demo content: backup, wipe,
restore, and every table is as it was.

Runs against a scratch database on the test server, through the Makefile,
as an operator would."""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest

from interviews.management.commands.seed_demo import DEMO_DIR
from tests.servers import ROOT, settings_url

# Used when the demo files are not in this checkout: one mentor in the same format.
SMALL_DEMO = """
name = "Round Trip"
slug = "round-trip"
role = "ML Engineer"
company = "Backups Inc."
published_days_ago = 3
intro = "Checks that *backups* restore."

[[answers]]
question = 1
body = "I restore a backup every week."
lessons = ["backups", "start simple"]

[[answers]]
question = 2
body = "Through **operations**."
lessons = ["backups"]
"""


@pytest.fixture
def scratch_database(db):
    """A new, empty database on the test server; dropped afterwards."""
    from django.db import connection

    settings = {**connection.settings_dict, "NAME": "postgres"}
    name = f"backup_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(settings_url(settings), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield settings_url({**settings, "NAME": name})
    with psycopg.connect(settings_url(settings), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(url):
    """The developer's environment, with `url` as the only database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return {**env, "DATABASE_URL": url}


def manage(url, *args):
    env = environment(url)
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def make(url, *args):
    result = subprocess.run(
        ["make", "--no-print-directory", *args, f"PY={sys.executable}"],
        cwd=ROOT,
        env=environment(url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def snapshot(url):
    """Every table in the database: (row count, hash of all its rows)."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) FROM \"{table}\" t"
            ).fetchone()
            for table in tables
        }


def test_backup_wipe_restore_gives_identical_content(scratch_database, tmp_path):
    manage(scratch_database, "migrate", "--noinput")
    if list(DEMO_DIR.glob("*.toml")):
        manage(scratch_database, "seed_demo")
    else:
        (tmp_path / "demo").mkdir()
        (tmp_path / "demo" / "round-trip.toml").write_text(SMALL_DEMO)
        manage(scratch_database, "seed_demo", "--dir", str(tmp_path / "demo"))
    before = snapshot(scratch_database)
    assert before["interviews_answer"][0] >= 2 and before["interviews_lesson"][0] >= 2

    out = make(scratch_database, "backup", f"DIR={tmp_path / 'backups'}")

    [dump] = (tmp_path / "backups").glob("*.dump")
    assert dump.name.startswith("backup_test_") and str(dump) in out
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    with psycopg.connect(scratch_database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    assert snapshot(scratch_database) == {}

    make(scratch_database, "restore", f"FILE={dump}")

    assert snapshot(scratch_database) == before


def test_restore_without_a_file_says_how():
    result = subprocess.run(
        ["make", "--no-print-directory", "restore", f"PY={sys.executable}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "usage: make restore FILE=" in result.stdout + result.stderr
