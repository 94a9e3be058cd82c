"""Time limits on a web request's database statements.

A runaway query gets the 503 page after DATABASE_STATEMENT_TIMEOUT seconds
instead of holding a gunicorn worker until gunicorn kills it (GUNICORN_TIMEOUT),
and a request whose transaction sits idle between statements for longer than
DATABASE_IDLE_IN_TRANSACTION_TIMEOUT has its session ended by the server, so
its locks go with it. Management commands, migrations and the worker never
pass through the middleware, so they run without either limit.

How: each request's statements run in one transaction per database, and the
limits are set with SET LOCAL (set_config(..., true)) as that transaction's
first statement. A local setting lasts until the transaction ends, on
whichever server connection runs it, so it is correct behind PgBouncer in
transaction pooling too: a session-level SET would stay on the server
connection for whichever client gets it next, and PgBouncer refuses the libpq
`options` startup parameter (docs/deploy.md has the measurements).

Django has no hook for "a transaction begins", so an execute wrapper (its
hook for instrumenting queries) notices each statement that would start one.
Outside any atomic block it opens the request's transaction there and then,
so every later statement and atomic block (a savepoint then) belongs to it;
inside an atomic block that has not begun on the server yet (a view whose
first statement is in one) it sets the limits for that block's transaction,
which commits on its own as it always did. Nothing is opened before the first
statement: a request that never queries a database costs nothing, and a view
that keeps what a visitor typed when the database is down still runs. The
settings run on the DB-API connection, beneath Django's query log:
assertNumQueries and connection.queries count the statements a page makes,
not these.
"""

import contextlib

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, OperationalError, connections, transaction
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from . import errors


def ended_by_idle_limit(exception):
    """The server ended the session for sitting idle in a transaction
    (SQLSTATE 25P03, which psycopg raises as an InternalError)."""
    return isinstance(exception.__cause__, pg_errors.IdleInTransactionSessionTimeout)


def cancelled_by_statement_limit(exception):
    return isinstance(exception.__cause__, pg_errors.QueryCanceled)


class _RequestLimits:
    """The execute wrapper of one database for one request."""

    def __init__(self, sql, params, transactions):
        self.sql = sql
        self.params = params
        self.transactions = transactions
        self.opened = None  # the alias, once this wrapper opened its transaction

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        if connection.connection.info.transaction_status == TransactionStatus.IDLE:
            # This statement starts a transaction (nothing is open on the server).
            if not connection.in_atomic_block:
                self.transactions.enter_context(
                    transaction.atomic(using=connection.alias, savepoint=False)
                )
                self.opened = connection.alias
            with connection.wrap_database_errors:
                connection.connection.execute(self.sql, self.params)
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            if cancelled_by_statement_limit(exc):
                exc.add_note(f"statement: {sql[:500]}")
            if ended_by_idle_limit(exc):
                # The site answers an unreachable database with its 503 page,
                # and views that keep what a visitor typed catch OperationalError.
                raise OperationalError(errors.first_line(exc)) from exc.__cause__
            raise


class StatementLimitsMiddleware:
    """Run the rest of the request under the statement limits (above).

    Placed after the page cache, so a cached page costs nothing here. A
    response of 500 or more rolls back the transactions the request opened:
    what a failed request wrote there is not saved, as the 503 page tells the
    visitor. A commit that fails because the database went away, or ended
    the idle session, answers the 503 page too, since nothing was saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        limits = {
            "statement_timeout": settings.DATABASE_STATEMENT_TIMEOUT,
            "idle_in_transaction_session_timeout": settings.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT,
        }
        milliseconds = {name: round(seconds * 1000) for name, seconds in limits.items() if seconds}
        if not milliseconds:
            # No limits: requests run in autocommit, as Django's default.
            raise MiddlewareNotUsed
        self.sql = "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in milliseconds)
        self.params = [f"{ms}ms" for ms in milliseconds.values()]

    def __call__(self, request):
        with contextlib.ExitStack() as transactions:
            wrappers = {
                alias: _RequestLimits(self.sql, self.params, transactions) for alias in connections
            }
            with contextlib.ExitStack() as installed:
                for alias, wrapper in wrappers.items():
                    installed.enter_context(connections[alias].execute_wrapper(wrapper))
                response = self.get_response(request)
            # The wrappers are gone before the transactions end, so the
            # on-commit callbacks that run then open no new ones.
            if response.status_code >= 500:
                for wrapper in wrappers.values():
                    if wrapper.opened:
                        transaction.set_rollback(True, using=wrapper.opened)
            try:
                transactions.close()
            except DatabaseError as exc:
                if isinstance(exc, errors.DATABASE_ERRORS) or ended_by_idle_limit(exc):
                    return errors.database_unavailable(request, exc)
                raise
        return response
