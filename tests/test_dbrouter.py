"""Reads from a replica: only for readers' requests that only read, only while
the replica answers and has what the page must show; a request whose replica
went away under it is answered again from the primary.

tests/test_outage.py stops a real replica's connection under gunicorn; these
tests pin each decision in-process."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from applyingml import dbrouter
from applyingml.dbrouter import PrimaryReplicaRouter, ReplicaReadsMiddleware
from interviews.models import Answer

router = PrimaryReplicaRouter()


@pytest.fixture
def replica(monkeypatch):
    """A replica that answers (or not: set `replica.up`), and the positions asked of it."""

    class Replica:
        up = True
        asked = []

    def ready(position=""):
        Replica.asked.append(position)
        return Replica.up

    monkeypatch.setattr(dbrouter, "replica_ready", ready)
    return Replica


def read_alias_during(request, before=None, status=200):
    seen = {}

    def view(request):
        if before:
            before()
        seen["read"] = router.db_for_read(Answer)
        seen["write"] = router.db_for_write(Answer)
        return HttpResponse(status=status)

    middleware = ReplicaReadsMiddleware(view)
    middleware.enabled = True  # as when DATABASE_REPLICA_URL is set
    middleware(request)
    return seen


def test_public_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    factory = RequestFactory()
    assert read_alias_during(factory.get("/questions/")) == {"read": "replica", "write": "default"}
    assert read_alias_during(factory.post("/questions/")) == {"read": "default", "write": "default"}
    assert read_alias_during(factory.get("/admin/interviews/")) == {
        "read": "default",
        "write": "default",
    }


def test_mentors_read_their_own_saves_from_the_primary(replica):
    # After "Save draft" the form is shown again: a lagging replica would
    # show the text from before the save.
    request = RequestFactory().get("/submit/some-token/")
    assert read_alias_during(request) == {"read": "default", "write": "default"}


def test_signed_in_editors_read_their_own_writes_from_the_primary(replica, settings):
    # An editor who published and opens the public page must see it there.
    request = RequestFactory().get("/mentors/ada/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    assert read_alias_during(request)["read"] == "default"
    assert replica.asked == []  # not even asked


def test_reads_go_to_the_primary_while_the_replica_does_not_answer(replica):
    replica.up = False
    assert read_alias_during(RequestFactory().get("/questions/"))["read"] == "default"


def test_the_replica_is_asked_once_per_request_for_the_pages_position(replica):
    def page_cache_miss():
        dbrouter.require_position("0/3000148")

    seen = read_alias_during(RequestFactory().get("/questions/"), before=page_cache_miss)
    router.db_for_read(Answer)  # after the request: the primary, nothing asked
    assert seen["read"] == "replica"
    assert replica.asked == ["0/3000148"]


def test_a_request_whose_replica_went_away_is_answered_again_from_the_primary(replica, monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_failed", lambda: True)
    reads = []

    def view(request):
        reads.append(router.db_for_read(Answer))
        # The first time, the replica's connection broke mid-request.
        return HttpResponse(status=503 if len(reads) == 1 else 200)

    middleware = ReplicaReadsMiddleware(view)
    middleware.enabled = True
    response = middleware(RequestFactory().get("/questions/"))
    assert response.status_code == 200
    assert reads == ["replica", "default"]


def test_a_503_with_the_replica_still_answering_is_not_repeated(replica, monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_failed", lambda: False)
    calls = []

    def view(request):
        calls.append(router.db_for_read(Answer))
        return HttpResponse(status=503)  # the primary's outage, say

    middleware = ReplicaReadsMiddleware(view)
    middleware.enabled = True
    assert middleware(RequestFactory().get("/questions/")).status_code == 503
    assert calls == ["replica"]


def test_outside_a_request_everything_uses_the_primary():
    assert router.db_for_read(Answer) == "default"
    assert router.allow_migrate("replica", "interviews") is False
    assert router.allow_migrate("default", "interviews") is True
