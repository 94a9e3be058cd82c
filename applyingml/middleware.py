"""Project-wide middleware: request ids and the request log, the
Permissions-Policy header, and a 503 instead of a 500 when the database (or
the media bucket) is down."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver

from . import errors
from .logs import request_id

request_logger = logging.getLogger("applyingml.request")

# An id from the proxy or load balancer is kept so one request can be followed
# across both logs; anything odd is replaced rather than logged verbatim.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdMiddleware:
    """Give each request an id (X-Request-ID if the proxy sent a sane one),
    return it in the X-Request-ID header and log one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx and 5xx responses after the
        # middleware chain returns, and those lines need the id too. It is
        # cleared when the response is finished (see below).
        request_id.set(request.id)
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        request_logger.info(
            "%s %s %s %sms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


@receiver(request_finished)
def forget_request_id(**kwargs):
    request_id.set("-")


class PermissionsPolicyMiddleware:
    """Switch off browser features the site never uses (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NoIndexMiddleware:
    """X-Robots-Tag: noindex on the admin and the mentors' private pages.

    robots.txt names /submit/, but a custom admin path is kept out of it (it
    would advertise the path); this header keeps either out of search
    engines that reach them anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.private = ("/" + settings.ADMIN_PATH, "/submit/")
        # The nomination form is public: people should find it.
        self.public = {"/submit/", "/submit/thanks/"}

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.private) and request.path not in self.public:
            response.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a friendly page (or JSON) when a view cannot reach the
    database (or the bucket uploads are kept in), and log one line instead
    of a traceback per request.

    Errors raised outside views (in other middleware) reach `handler500`,
    which makes the same decision; see applyingml/errors.py.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, errors.DATABASE_ERRORS):
            return errors.database_unavailable(request, exception)
        if isinstance(exception, errors.STORAGE_ERRORS):
            return errors.storage_unavailable(request, exception)
        return None
