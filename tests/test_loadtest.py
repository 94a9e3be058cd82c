"""A few seconds of `make loadtest`, and proof that it fails on errors.

The real run (two minutes, 32 connections) is `make loadtest`; it is too long
for the suite."""

import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.servers import ROOT, production_env, settings_url


def loadtest(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "tools.loadtest", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# Transactional: the run's mentors are written by another process, and the
# flush afterwards keeps them out of the tests that follow.
@pytest.mark.django_db(transaction=True)
def test_a_short_load_test_against_gunicorn_passes_with_no_errors(questions):
    from django.db import connection

    env = production_env(DATABASE_URL=settings_url(connection.settings_dict))
    result = loadtest("--duration", "5", "--connections", "8", "--editor", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 connections for 5 s" in result.stdout
    assert "\n0 errors" in result.stdout
    assert "statuses: 200:" in result.stdout
    assert "readers browsing, mentors saving drafts, an editor publishing" in result.stdout
    assert "mentor saves acknowledged:" in result.stdout
    assert "mentor saves acknowledged: 0" not in result.stdout
    # The editor published and saved, and read each back (failing the run otherwise).
    editor = re.search(r"editor: (\d+) publishes and (\d+) saves acknowledged", result.stdout)
    assert editor and int(editor.group(1)) >= 1 and int(editor.group(2)) >= 1
    assert "readers watching:" in result.stdout


class FlakySite(BaseHTTPRequestHandler):
    """A home page linking to a question page that fails."""

    def do_GET(self):
        if self.path == "/questions/broken/":
            self.send_response(500)
            body = b"oops"
        else:
            self.send_response(200)
            body = b'<a href="/questions/broken/">a question</a>'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_load_test_fails_when_any_request_fails():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakySite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = loadtest(
            "--readers-only",
            "--duration",
            "1",
            "--connections",
            "2",
            "--target",
            f"http://127.0.0.1:{server.server_port}",
        )
    finally:
        server.shutdown()
    assert result.returncode == 1
    assert "HTTP 500" in result.stdout


def test_mentor_saves_against_another_server_need_its_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    result = loadtest("--duration", "1", "--target", "http://127.0.0.1:9", env=env)
    assert result.returncode != 0
    assert "signed with that server's key" in result.stderr


def test_acknowledged_saves_missing_from_the_database_fail_the_run(db):
    from django.db import connection

    from tools.loadtest import MentorSaves

    check = object.__new__(MentorSaves)
    check.database_url = settings_url(connection.settings_dict)
    check.acknowledged = {"mdeadbeef0001"}
    assert check.verify() == ["1 of 1 acknowledged saves are missing"]
