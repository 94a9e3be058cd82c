"""Statement limits on web requests (applyingml/dblimits.py), shown with
pg_sleep under limits of a fraction of a second: a runaway statement gets the
503 page and one warning naming it, a request that timed out saves nothing,
an idle transaction past its limit gets the 503 page too, the limits never
outlive the request on its connection, commands run without them, and behind
PgBouncer in transaction pooling they reach no other client.

Transactional: each request here opens and commits its own transaction, as in
production (inside a test's transaction the limits would apply to the test's).
"""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.db import connection, connections

from interviews.models import Lesson
from tests.factories import AnswerFactory, MentorFactory, PublishedInterviewFactory
from tests.servers import (
    PROXIED,
    ROOT,
    Gunicorn,
    PgBouncer,
    TcpProxy,
    http,
    pgbouncer_binary,
    production_env,
    settings_url,
    upstream_address,
)

pytestmark = pytest.mark.urls("tests.urls_slow")


@pytest.fixture
def limits(settings):
    settings.DATABASE_STATEMENT_TIMEOUT = 0.2
    settings.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT = 0.3


def warnings_and_errors(caplog):
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_runaway_statement_gets_the_503_page_and_one_warning_naming_it(
    client, transactional_db, limits, caplog
):
    response = client.get("/slow/2/")

    assert response.status_code == 503
    assert "We will be back in a moment" in response.content.decode()
    assert response["Retry-After"] == "5"
    [record] = warnings_and_errors(caplog)
    assert record.levelname == "WARNING" and record.name == "applyingml.errors"
    assert "canceling statement due to statement timeout" in record.getMessage()
    assert record.path == "/slow/2/"
    assert record.notes == ["statement: SELECT pg_sleep(%s)"]


def test_a_request_that_saved_and_then_timed_out_saved_nothing(client, transactional_db, limits):
    response = client.post("/save-then-run-away/", {"name": "Written then lost"})

    assert response.status_code == 503
    assert "What you just sent was not saved" in response.content.decode()
    assert not Lesson.objects.filter(name="Written then lost").exists()


def test_a_transaction_idle_past_its_limit_gets_the_503_page_and_the_next_request_works(
    client, transactional_db, limits, caplog
):
    response = client.get("/idle/1/")

    assert response.status_code == 503
    [record] = warnings_and_errors(caplog)
    assert "idle-in-transaction timeout" in record.getMessage()
    # The server ended that session; the next request connects anew.
    assert client.get("/limits/").status_code == 200


def test_limits_hold_within_a_request_only_and_commands_run_without_them(
    client, transactional_db, limits
):
    assert client.get("/limits/").json() | {"pid": None} == {
        "statement_timeout": "200ms",
        "idle": "300ms",
        "pid": None,
    }
    # The same connection, after the request: SET LOCAL ended with its transaction.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)

    # A management command (migrations are one too) with the limits in its
    # environment sleeps past them.
    env = {
        **os.environ,
        "DATABASE_URL": settings_url(connection.settings_dict),
        "DATABASE_STATEMENT_TIMEOUT": "0.2",
        "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT": "0.3",
    }
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SELECT pg_sleep(0.5)')\n"
        "    c.execute('SHOW statement_timeout')\n"
        "    print(c.fetchone()[0])\n"
    )
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", script]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0"]


def test_with_both_limits_off_requests_run_as_django_runs_them(client, transactional_db, settings):
    settings.DATABASE_STATEMENT_TIMEOUT = 0
    settings.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT = 0
    assert client.get("/limits/").json()["statement_timeout"] == "0"
    assert client.get("/slow/0.3/").status_code == 200


@pytest.fixture
def pgbouncer(transactional_db):
    """PgBouncer (transaction pooling, one server connection) in front of the
    test database. Skipped without it, except in CI, where .ci/run installs it."""
    if not pgbouncer_binary():
        why = "PgBouncer is not installed (apt-get install pgbouncer)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; .ci/run should have installed it.")
        pytest.skip(f"{why} - the statement limits behind PgBouncer are not tested.")
    # PgBouncer runs as another user, who cannot open the test server's
    # socket: it reaches the server through a TCP proxy run by the tests.
    proxy = TcpProxy(*upstream_address(connection.settings_dict))
    bouncer = PgBouncer("127.0.0.1", proxy.port)
    yield bouncer
    bouncer.stop()
    proxy.close()


def test_behind_pgbouncer_in_transaction_pooling_the_limits_reach_no_other_client(
    pgbouncer, collected_static, tmp_path
):
    name = connection.settings_dict["NAME"]
    env = production_env(
        DJANGO_SETTINGS_MODULE="tests.settings_slow",
        DATABASE_URL=pgbouncer.url(name),
        # As docs/deploy.md says behind PgBouncer: a new client connection
        # for each request.
        DATABASE_CONN_MAX_AGE="0",
        DATABASE_STATEMENT_TIMEOUT="0.2",
        DATABASE_IDLE_IN_TRANSACTION_TIMEOUT="0.3",
        DJANGO_STATIC_ROOT=str(collected_static),
    )
    server = Gunicorn(env, tmp_path, workers=1, threads=1).wait_until_up()
    # Another client of the same pool, as a management command through
    # PgBouncer would be: it gets the same, only, server connection.
    import psycopg

    command = psycopg.connect(pgbouncer.url(name), autocommit=True)
    try:
        status, _, body = http(server.url + "/limits/", headers=PROXIED)
        web = json.loads(body)
        assert (status, web["statement_timeout"], web["idle"]) == (200, "200ms", "300ms")
        status, _, body = http(server.url + "/slow/1/", headers=PROXIED)
        assert status == 503 and "We will be back in a moment" in body

        pid, statement_timeout = command.execute(
            "SELECT pg_backend_pid(), current_setting('statement_timeout')"
        ).fetchone()
        assert (pid, statement_timeout) == (web["pid"], "0")  # one session, no limit left
        command.execute("SELECT pg_sleep(0.4)")  # past the web's limit: a command has none

        # A client that sets a session-level limit leaves it on the server
        # connection; the web's own limit still holds for its requests.
        command.execute("SET statement_timeout = '50ms'")
        assert json.loads(http(server.url + "/limits/", headers=PROXIED)[2])["pid"] == pid
        assert http(server.url + "/slow/0.1/", headers=PROXIED)[0] == 200
        output = server.output()
    finally:
        command.close()
        server.stop()
    records = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert not [r for r in records if r["level"] == "ERROR"], "a timeout is not a bug"
    [timed_out] = [r for r in records if "statement timeout" in r["message"]]
    assert timed_out["level"] == "WARNING" and timed_out["path"] == "/slow/1/"


def test_a_new_worker_whose_first_query_needs_the_server_version_serves_the_page(
    client, transactional_db, questions
):
    """A gunicorn worker's first request: no connection yet, the server's
    version not yet known, contrib.postgres's type lookup not yet run. The
    answer page compiles a JSON query before it connects, and Django learns
    the version on a connection of its own; that connection must stay the
    request's, not be closed under it (the load test's 503 in CI)."""
    from django.contrib.postgres.signals import get_citext_oids, get_hstore_oids

    answer = AnswerFactory(
        interview=PublishedInterviewFactory(mentor=MentorFactory(name="Ada Example")),
        question=questions[0],
    )
    default = connections["default"]
    default.close()
    default.__dict__.pop("pg_version", None)
    for name in [name for name in vars(default.features) if name.startswith("is_postgresql")]:
        delattr(default.features, name)
    get_hstore_oids.cache_clear()
    get_citext_oids.cache_clear()

    response = client.get(answer.get_absolute_url())

    assert response.status_code == 200
