"""`make backup` and `make restore` round-trip the demo content: backup, wipe,
restore, and every table is as it was; and a backup moves between the
embedded server's major and Debian's (15 on Debian 12) both ways.

Runs against scratch databases on the test server and on a throwaway
cluster of Debian's binaries, through the Makefile, as an operator would."""

import io
import os
import subprocess
import sys
import uuid

import psycopg
import pytest

from interviews.management.commands.seed_demo import DEMO_DIR
from interviews.models import Lesson
from tests.factories import answer_by
from tests.servers import ROOT, PostgresCluster, debian_postgres_majors, settings_url
from tools import backup, postgres
from tools.postgres import DEBIAN_POSTGRES

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


@pytest.fixture
def debian_postgres():
    """A throwaway server of Debian's oldest installed PostgreSQL, with an
    empty `applyingml` database. Skipped without Debian's binaries, except in
    CI, where .ci/run installs them."""
    majors = debian_postgres_majors()
    if not majors:
        why = f"No Debian PostgreSQL server under {DEBIAN_POSTGRES} (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; .ci/run should have installed it.")
        pytest.skip(f"{why} - the restore across majors is skipped.")
    cluster = PostgresCluster(majors[0]).start()
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute("CREATE DATABASE applyingml")
    yield cluster
    cluster.stop()


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
    """What `make ARGS` printed (stdout, then stderr) with `url` as DATABASE_URL."""
    result = subprocess.run(
        ["make", "--no-print-directory", *args, f"PY={sys.executable}"],
        cwd=ROOT,
        env=environment(url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def server_major(url):
    with psycopg.connect(url) as conn:
        return postgres.major(conn.info.server_version)


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


def test_a_backup_moves_between_the_embedded_major_and_debians_both_ways(
    transactional_db, questions, debian_postgres, scratch_database, tmp_path
):
    # A small site, committed (transactional_db) so that pg_dump sees it.
    first, second = questions[:2]
    answer_by("Ada Example", first, lessons=[Lesson.objects.create(name="Baselines first")])
    answer_by("Grace Example", second, body="A second answer, with *emphasis* and ünïcode.")
    from django.db import connection

    embedded = settings_url(connection.settings_dict)
    older = debian_postgres.url("applyingml")
    embedded_major, older_major = server_major(embedded), server_major(older)
    assert embedded_major == postgres.binary_major(postgres.binary("postgres"))
    assert older_major in postgres.SUPPORTED_MAJORS
    before = snapshot(embedded)
    assert before["interviews_answer"][0] == 2 and before["interviews_question"][0] >= 16

    # The embedded major's backup into Debian's server, as the user
    # tried it (their PostgreSQL 15 refused `SET transaction_timeout`)...
    make(embedded, "backup", f"DIR={tmp_path / 'embedded'}")
    [dump] = (tmp_path / "embedded").glob("*.dump")
    out = make(older, "restore", f"FILE={dump}")
    assert snapshot(older) == before
    if older_major < 17:  # the setting PostgreSQL 17 added, left out and said so
        assert (
            f"Left out settings PostgreSQL {older_major} does not know: transaction_timeout" in out
        )

    # ...and Debian's server's backup, made by its own pg_dump, back into the
    # embedded major (the same functions, called here: the Makefile's part
    # was shown above, and each `make` costs a second or two).
    dump = backup.dump(older, tmp_path / "older")
    pg_restore = postgres.binary("pg_restore")
    source, made_by = backup.archive_versions(pg_restore, dump)
    assert source.split(".")[0] == made_by.split(".")[0] == str(older_major)
    backup.restore(scratch_database, dump)
    assert snapshot(scratch_database) == before

    # A backup of the older major by the embedded pg_dump may hold what only
    # that major accepts (PostgreSQL 15.20's column stamps do); should its
    # restore fail, the message says what to do.
    other = tmp_path / "other.dump"
    conninfo, _, env = backup.connection(older)
    pg_dump = str(postgres.embedded_bin() / "pg_dump")
    subprocess.run([pg_dump, "--format=custom", f"--file={other}", conninfo], env=env, check=True)
    if embedded_major != older_major:
        hint = backup.other_major_hint(pg_restore, other, embedded_major)
        assert f"Back it up again with PostgreSQL {older_major}'s own pg_dump" in hint
        assert f"Debian: postgresql-client-{older_major}" in hint


def test_an_unsupported_major_is_refused_with_what_to_do():
    older = postgres.unsupported(14, tools_major=18)
    assert older.startswith("PostgreSQL 14 is not supported: the site runs on PostgreSQL 15 to 18")
    assert "Upgrade that server, or point DATABASE_URL at one of those" in older
    newer = postgres.unsupported(19, tools_major=18)
    assert newer.startswith("PostgreSQL 19 is newer than the PostgreSQL 18 tools")
    assert "restore into PostgreSQL 15 to 18" in newer
    assert [m for m in range(10, 20) if not postgres.unsupported(m, 18)] == [15, 16, 17, 18]


def test_only_settings_the_server_does_not_know_are_left_out_never_rows():
    script = [
        b"SET statement_timeout = 0;\n",
        b"SET transaction_timeout = 0;\n",
        b"COPY public.interviews_answer (id, body) FROM stdin;\n",
        b"1\tSET transaction_timeout = 0;\n",  # an answer that reads like SQL
        b"\\.\n",
        b"SET default_tablespace = '';\n",
    ]
    sink = io.BytesIO()
    left_out = backup.leave_out_unknown_settings(
        script, sink, known={"statement_timeout", "default_tablespace"}
    )
    assert left_out == ["transaction_timeout"]
    assert sink.getvalue() == b"".join(script[:1] + script[2:])
