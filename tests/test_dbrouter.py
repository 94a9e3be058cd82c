"""Reads from a replica: only for requests that only read, never in the admin or
the mentors' forms."""

from django.test import RequestFactory

from applyingml.dbrouter import PrimaryReplicaRouter, ReplicaReadsMiddleware
from interviews.models import Answer

router = PrimaryReplicaRouter()


def read_alias_during(request):
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(Answer)
        seen["write"] = router.db_for_write(Answer)
        return None

    middleware = ReplicaReadsMiddleware(view)
    middleware.enabled = True  # as when DATABASE_REPLICA_URL is set
    middleware(request)
    return seen


def test_public_reads_go_to_the_replica_and_writes_to_the_primary():
    factory = RequestFactory()
    assert read_alias_during(factory.get("/questions/")) == {"read": "replica", "write": "default"}
    assert read_alias_during(factory.post("/questions/")) == {"read": "default", "write": "default"}
    assert read_alias_during(factory.get("/admin/interviews/")) == {
        "read": "default",
        "write": "default",
    }


def test_mentors_read_their_own_saves_from_the_primary():
    # After "Save draft" the form is shown again: a lagging replica would
    # show the text from before the save.
    request = RequestFactory().get("/submit/some-token/")
    assert read_alias_during(request) == {"read": "default", "write": "default"}


def test_outside_a_request_everything_uses_the_primary():
    assert router.db_for_read(Answer) == "default"
    assert router.allow_migrate("replica", "interviews") is False
    assert router.allow_migrate("default", "interviews") is True
