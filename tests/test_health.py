"""/healthz and /readyz, and what a visitor gets when the database fails.

tests/test_outage.py cuts a real connection; these tests pin the details of
each path in-process.
"""

import json
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from interviews.views import HomeView


def test_healthz_answers_without_the_database_or_a_known_host(client):
    # No `db` fixture: any query would fail this test.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_answers_200_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_does_not(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.fixture
def database_down(monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(HomeView, "get_context_data", fail)


def test_a_page_answers_a_friendly_503_when_the_database_is_down(client, database_down):
    response = client.get("/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "We will be back in a moment" in html
    assert "not saved" not in html  # a reader sent nothing
    assert "OperationalError" not in html and "Connection refused" not in html
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.urls("tests.urls_saving")
def test_a_post_during_the_outage_is_told_it_was_not_saved(client):
    response = client.post("/drafts/save/", {"body": "My long answer"})
    assert response.status_code == 503
    assert "What you just sent was not saved" in response.content.decode()


@pytest.mark.urls("tests.urls_saving")
def test_json_clients_get_json_503(client):
    response = client.post("/drafts/save/", {"body": "draft"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["error"] == "database_unavailable" and data["saved"] is False
    # A browser's Accept header still gets the page.
    browser = client.post("/drafts/save/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser["Content-Type"].startswith("text/html")


def test_a_database_error_outside_any_view_answers_503_too(monkeypatch):
    # Raised by a middleware, it reaches handler500 rather than process_exception.
    def fail(request, username):
        raise OperationalError("the cache table is gone with the database")

    monkeypatch.setattr("interviews.ratelimit.is_locked_out", fail)
    client = Client(raise_request_exception=False)
    response = client.post("/admin/login/", {"username": "ed", "password": "x"})
    assert response.status_code == 503
    assert "What you just sent was not saved" in response.content.decode()


def test_other_errors_answer_the_plain_500_page_and_are_logged_with_traceback(monkeypatch, caplog):
    def fail(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(HomeView, "get_context_data", fail)
    client = Client(raise_request_exception=False)
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "a bug" not in html
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "ERROR" and record.exc_info[0] is ValueError
