"""Reads from a replica, when DATABASE_REPLICA_URL configures one.

A request's reads go to the replica only when all of these hold:

- it only reads (GET, HEAD), outside the admin and the mentors' forms, and
  carries no session cookie. A replica lags the primary by a moment, and
  whoever has just saved (an editor, signed in; a mentor, on their form)
  must see what they saved on the next page: they read from the primary.
- the replica answers. The first read of the request checks its connection
  (health-checked, as every persistent connection is, or opened); when that
  fails, this request and every request of this process for the next
  RETRY_AFTER_FAILURE seconds read from the primary, so a replica outage
  costs readers nothing but the primary's extra work.
- the replica has applied what the request must show. The page cache
  (interviews/pagecache.py) names the primary's WAL position at its last
  invalidation; a page rendered for that generation reads from the replica
  only once the replica has replayed that far, or else from the primary,
  so a lagging replica can never put a page from before a change into the
  cache after the change.

A request whose replica reads failed because the replica went away while
it ran (the page is the 503 one) is answered again from the primary.

Writes, management commands and the shell always use the primary.
"""

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections

from .errors import first_line

logger = logging.getLogger("applyingml.dbrouter")

# After the replica failed, read from the primary for this long before trying
# it again, so an outage costs one failed connection per process, not one per request.
RETRY_AFTER_FAILURE = 5.0
_down_until = 0.0


class _Reads:
    """One request's replica reads: allowed at all, from what position, decided."""

    __slots__ = ("allowed", "position", "replica")

    def __init__(self, allowed):
        self.allowed = allowed
        self.position = ""  # a WAL position the replica must have replayed
        self.replica = None  # decided at the first read: True or False


_request = contextvars.ContextVar("replica_reads", default=None)


def require_position(position):
    """This request's replica reads must see the primary's WAL up to `position`
    (a pg_lsn such as '0/3000148'); before the first read only."""
    reads = _request.get()
    if reads is not None and position:
        reads.position = position


def replica_ready(position=""):
    """True when the replica answers (and has replayed `position`, if given)."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    connection = connections["replica"]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        if not position:
            return True
        with connection.cursor() as cursor:
            # NULL on a server that is not a standby: it has everything.
            cursor.execute(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [position]
            )
            return cursor.fetchone()[0]
    except DatabaseError as exc:
        _down_until = time.monotonic() + RETRY_AFTER_FAILURE
        logger.warning(
            "Replica unreachable, reading from the primary for %.0f s: %s",
            RETRY_AFTER_FAILURE,
            first_line(exc),
        )
        connection.close_if_unusable_or_obsolete()
        return False


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _request.get()
        if reads is None or not reads.allowed:
            return "default"
        if reads.replica is None:
            reads.replica = replica_ready(reads.position)
        return "replica" if reads.replica else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Let this request's reads go to the replica if it only reads, as a reader."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = "replica" in settings.DATABASES
        # Pages whose readers have just written: they must read their own writes.
        self.primary_only = ("/" + settings.ADMIN_PATH, "/submit/")

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        allowed = (
            request.method in {"GET", "HEAD"}
            and not request.path.startswith(self.primary_only)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
        reads = _Reads(allowed)
        response = self.respond(request, reads)
        if reads.replica and response.status_code == 503 and replica_failed():
            # The replica went away while this request read from it (the
            # page is the 503 one): the same request again, from the primary.
            response = self.respond(request, _Reads(False))
        return response

    def respond(self, request, reads):
        token = _request.set(reads)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def replica_failed():
    """After a failed request: is it the replica that does not answer?"""
    with contextlib.suppress(DatabaseError):
        connections["replica"].close()
    return not replica_ready()
