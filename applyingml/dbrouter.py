"""Reads from a replica, when DATABASE_REPLICA_URL configures one.

Only the reads of safe requests (GET, HEAD) outside the admin and the
mentors' forms go to the replica: a replica lags the primary by a moment,
and an editor or a mentor who saves and is redirected must see what they
saved. Writes, the admin, /submit/, management commands and the shell
always use the primary.
"""

import contextvars

from django.conf import settings

_replica_reads = contextvars.ContextVar("replica_reads", default=False)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica" if _replica_reads.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Let this request's reads go to the replica if it only reads."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = "replica" in settings.DATABASES
        # Pages whose readers have just written: they must read their own writes.
        self.primary_only = ("/" + settings.ADMIN_PATH, "/submit/")

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        reads_only = request.method in {"GET", "HEAD"} and not request.path.startswith(
            self.primary_only
        )
        token = _replica_reads.set(reads_only)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)
