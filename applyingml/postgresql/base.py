"""Django's PostgreSQL backend, with the server's version read on the
connection the caller is about to use.

Django learns the version lazily (connection.pg_version), the first time a
query needs it to compile (JSONObject, on the answer page), and when no
connection is open it opens one for the purpose and closes it again. In a
web request that close can land inside the request's transaction: the
statement limits (applyingml/dblimits.py) begin it with the first statement,
and a process's first connection runs one of its own (contrib.postgres looks
up its types). Django then finds the connection closed in an atomic block,
and the page is the 503 one: a new gunicorn worker's first request did this
in CI. The statement being compiled needs a connection anyway, so keep it.
"""

from django.db.backends.postgresql import base
from django.utils.functional import cached_property


class DatabaseWrapper(base.DatabaseWrapper):
    @cached_property
    def pg_version(self):
        self.ensure_connection()
        return self.connection.info.server_version
