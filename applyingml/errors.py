"""What a visitor gets when something fails: never a traceback.

A database outage is not a bug on the page, so it answers 503 (Service
Unavailable, try again shortly) with a page that says so, or JSON for clients
that ask for JSON (a form saving in the background). So does a statement
cancelled at the request's time limit (applyingml/dblimits.py): the database
cannot serve that page now, and the log line names the statement. Anything a
visitor sent with a request that fails this way was not saved, and the page
says that too. The same goes for the bucket uploads are kept in
(MEDIA_STORAGE=s3), which a request reaches when it stores a photo or reads
the dataset's files.
"""

import logging
import sys

from botocore.exceptions import BotoCoreError, ClientError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger("applyingml.errors")

RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)
# Every way a bucket's store can fail a request: not answering (BotoCoreError:
# connection, timeouts, credentials) or answering with an error (ClientError).
STORAGE_ERRORS = (BotoCoreError, ClientError)


def first_line(exception):
    """The first line of an exception's message (drivers add hints below it),
    else its type's name: what a log line or a one-line message shows."""
    message = str(exception).strip()
    return message.splitlines()[0] if message else type(exception).__name__


def wants_json(request):
    """True when the client prefers JSON to HTML (fetch() with Accept: application/json)."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def database_unavailable(request, exception):
    return unavailable(request, exception, "database")


def storage_unavailable(request, exception):
    return unavailable(request, exception, "file storage")


def unavailable(request, exception, what):
    """The 503 page (or JSON) for a request that could not reach `what`."""
    # A statement cancelled at its time limit carries the statement in a note
    # (applyingml/dblimits.py): the log says which query ran away.
    notes = getattr(exception, "__notes__", None)
    logger.warning(
        "%s unavailable: %s: %s",
        what.capitalize(),
        type(exception).__name__,
        first_line(exception),
        extra={"path": request.path, **({"notes": notes} if notes else {})},
    )
    saved_nothing = request.method not in {"GET", "HEAD", "OPTIONS"}
    if wants_json(request):
        response = JsonResponse(
            {
                "error": f"{what.replace(' ', '_')}_unavailable",
                "saved": False,
                "message": f"The site cannot reach its {what} right now. "
                + (
                    "Nothing was saved; keep your text and try again shortly."
                    if saved_nothing
                    else "Try again shortly."
                ),
                "retry_after": RETRY_AFTER_SECONDS,
            },
            status=503,
        )
    else:
        response = render(
            request, "503.html", {"saved_nothing": saved_nothing, "what": what}, status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    mark_logged(response)
    return response


def mark_logged(response):
    """Keep django.request from logging this 503 again as an ERROR: it was
    logged above as what it is, a warning about the database or the
    storage, and an outage
    would otherwise bury real errors under one line per request."""
    response._has_been_logged = True
    return response


def server_error(request):
    """handler500: the 503 page when the error was the database or the
    storage being unreachable (raised outside a view), otherwise the plain 500 page.

    Django calls this from inside its `except` block, so the exception is
    still in sys.exc_info().
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request, exception)
    if isinstance(exception, STORAGE_ERRORS):
        return storage_unavailable(request, exception)
    # 500.html needs no context and no database, so it renders whatever broke.
    return HttpResponseServerError(loader.get_template("500.html").render())
