"""A real database outage: gunicorn with production settings reaches the test
database through a TCP proxy, the test cuts the proxy, and then restores it.

While the database is unreachable every public page answers 503 with the
friendly page (never a 500 or a traceback), JSON clients get JSON, /healthz
stays 200 and /readyz answers 503; pages the page cache holds are still
served to readers. When the database returns, the site
recovers by itself within seconds, through the same persistent connections.
"""

import json
import re
import time
from urllib.parse import urlencode

import pytest

from interviews.models import Answer, Invitation
from tests.servers import (
    PROXIED,
    TEST_SECRET_KEY,
    Gunicorn,
    TcpProxy,
    http,
    production_env,
    settings_url,
    upstream_address,
)

PUBLIC_PAGES = ["/", "/mentors/", "/questions/", "/lessons/"]
# The same pages under addresses the page cache has not seen (an unknown
# parameter changes nothing on the page, but it is another cache entry).
UNCACHED = {page: f"{page}?not-cached={n}" for n, page in enumerate(PUBLIC_PAGES)}


def serve_behind_proxy(collected_static, tmp_path):
    from django.db import connection

    proxy = TcpProxy(*upstream_address(connection.settings_dict))
    env = production_env(
        DATABASE_URL=settings_url(connection.settings_dict, host="127.0.0.1", port=proxy.port),
        # Persistent connections, as in production: recovery must not depend
        # on opening a fresh one for every request.
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_STATIC_ROOT=str(collected_static),
    )
    server = Gunicorn(env, tmp_path, workers=1, threads=4).wait_until_up()
    yield server, proxy
    server.stop()
    proxy.close()


@pytest.fixture
def site_behind_proxy(db, collected_static, tmp_path):
    # `db` creates the test database; the server reads what migrations put there.
    yield from serve_behind_proxy(collected_static, tmp_path)


@pytest.fixture
def mentor_site_behind_proxy(transactional_db, questions, collected_static, tmp_path):
    # Transactional: the server must see the invitation the test creates.
    yield from serve_behind_proxy(collected_static, tmp_path)


def login_form(server):
    """Headers and body for posting the admin login form, CSRF token included."""
    _, headers, body = http(server.url + "/admin/login/", headers=PROXIED)
    cookie = headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form_headers = {
        **PROXIED,
        "Cookie": cookie,
        "Origin": "https://testserver.example",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    data = urlencode({"csrfmiddlewaretoken": token, "username": "ed@example.com", "password": "x"})
    return form_headers, data.encode()


def wait_for(url, status, timeout, headers=PROXIED):
    """Seconds until `url` answers `status`, or None if it never did."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if http(url, headers=headers)[0] == status:
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def test_database_outage_answers_503_and_recovers_by_itself(site_behind_proxy):
    server, proxy = site_behind_proxy
    for page in PUBLIC_PAGES:
        assert http(server.url + page, headers=PROXIED)[0] == 200, page
    assert http(server.url + "/readyz")[0] == 200
    form_headers, form = login_form(server)

    proxy.cut()

    for page in PUBLIC_PAGES:  # cached before the outage: readers still get them
        status, headers, _ = http(server.url + page, headers=PROXIED)
        assert (status, headers["X-Cache"]) == (200, "hit"), page
    for page in UNCACHED.values():
        status, headers, body = http(server.url + page, headers=PROXIED)
        assert status == 503, page
        assert "We will be back in a moment" in body
        assert "Traceback" not in body and "OperationalError" not in body
        assert headers["Retry-After"] == "5"
        assert headers["X-Request-ID"]
    status, headers, body = http(
        server.url + UNCACHED["/questions/"], headers={**PROXIED, "Accept": "application/json"}
    )
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"] == "database_unavailable"
    # A form sent during the outage is told that nothing was saved.
    status, _, body = http(
        server.url + "/admin/login/", method="POST", headers=form_headers, data=form
    )
    assert status == 503
    assert "What you just sent was not saved" in body
    assert http(server.url + "/healthz")[0] == 200
    assert http(server.url + "/readyz")[0] == 503

    proxy.restore()

    recovered_after = wait_for(server.url + UNCACHED["/questions/"], 200, timeout=10)
    assert recovered_after is not None and recovered_after < 5
    for page in UNCACHED.values():
        assert http(server.url + page, headers=PROXIED)[0] == 200, page
    assert http(server.url + "/readyz")[0] == 200

    log_lines = [line for line in server.output().splitlines() if line.strip()]
    records = [json.loads(line) for line in log_lines]  # every line is JSON
    assert not [r for r in records if r["level"] == "ERROR"], "an outage is not a bug"
    unavailable = [r for r in records if r["message"].startswith("Database unavailable")]
    assert unavailable and all(r["request_id"] != "-" for r in unavailable)
    assert any(r.get("status") == 503 and r["logger"] == "applyingml.request" for r in records)


def test_a_mentor_saving_during_an_outage_is_told_and_keeps_the_text(
    mentor_site_behind_proxy, settings
):
    server, proxy = mentor_site_behind_proxy
    settings.SECRET_KEY = TEST_SECRET_KEY  # links are signed with the server's key
    invitation = Invitation.create_for(name="Ada Example", email="ada@example.com")
    path = f"/submit/{invitation.token}/"
    status, headers, body = http(server.url + path, headers=PROXIED)
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form_headers = {
        **PROXIED,
        "Cookie": cookie,
        "Origin": "https://testserver.example",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    typed = "An hour of careful writing, typed during the outage"
    form = urlencode(
        {
            "csrfmiddlewaretoken": csrf,
            "name": "Ada Example",
            "answer-day-to-day": typed,
            "action": "save",
        }
    ).encode()

    proxy.cut()

    status, _, body = http(server.url + path, method="POST", headers=form_headers, data=form)
    assert status == 503
    assert "Your answers were not saved" in body
    assert typed in body  # handed back, ready to send again
    status, headers, body = http(
        server.url + path + "autosave/",
        method="POST",
        headers={**form_headers, "X-CSRFToken": csrf, "Accept": "application/json"},
        data=form,
    )
    assert status == 503 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["saved"] is False
    assert not Answer.objects.filter(interview=invitation.interview).exists()

    proxy.restore()

    assert wait_for(server.url + path, 200, timeout=10) is not None
    status, _, _ = http(server.url + path, method="POST", headers=form_headers, data=form)
    assert status == 302
    assert Answer.objects.get(interview=invitation.interview).body == typed
    records = [json.loads(line) for line in server.output().splitlines() if line.strip()]
    assert not [r for r in records if r["level"] == "ERROR"], "an outage is not a bug"


@pytest.fixture
def site_with_replica_behind_proxy(db, collected_static, tmp_path):
    """gunicorn reading from a "replica" that is the test database reached through
    the proxy (a server that is not a standby has every change), the primary direct."""
    from django.db import connection

    proxy = TcpProxy(*upstream_address(connection.settings_dict))
    env = production_env(
        DATABASE_URL=settings_url(connection.settings_dict),
        DATABASE_REPLICA_URL=settings_url(
            connection.settings_dict, host="127.0.0.1", port=proxy.port
        ),
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_STATIC_ROOT=str(collected_static),
    )
    server = Gunicorn(env, tmp_path, workers=1, threads=1).wait_until_up()
    yield server, proxy
    server.stop()
    proxy.close()


def test_a_replica_outage_costs_readers_nothing(site_with_replica_behind_proxy):
    server, proxy = site_with_replica_behind_proxy
    for page in UNCACHED.values():
        assert http(server.url + page, headers=PROXIED)[0] == 200, page
    assert proxy.sockets, "the pages were read from the replica"
    assert json.loads(http(server.url + "/readyz")[2])["replica"] == "ok"

    proxy.cut()

    for n, page in enumerate(PUBLIC_PAGES):  # pages never cached: read from the primary
        assert http(server.url + f"{page}?during={n}", headers=PROXIED)[0] == 200, page
    status, _, body = http(server.url + "/readyz")
    # Ready: a load balancer must not take every web replica out for the replica.
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "replica": "unreachable"}

    proxy.restore()

    # After RETRY_AFTER_FAILURE the replica is tried again, and used.
    deadline = time.monotonic() + 15
    n = 0
    while not proxy.sockets and time.monotonic() < deadline:
        n += 1
        assert http(server.url + f"/questions/?after={n}", headers=PROXIED)[0] == 200
        time.sleep(0.2)
    assert proxy.sockets, "reads went back to the replica"
    records = [json.loads(line) for line in server.output().splitlines() if line.strip()]
    assert not [r for r in records if r["level"] == "ERROR"]
    warnings = [r["message"] for r in records if r["logger"] == "applyingml.dbrouter"]
    assert len(warnings) == 1 and warnings[0].startswith("Replica unreachable, reading from")
