"""Middleware of the interviews app."""

from django.conf import settings
from django.shortcuts import render


class RequestTooLargeMiddleware:
    """Answer 413 with a friendly page before reading a body over MAX_REQUEST_BYTES.

    Without this, Django reads the body and answers a bare 400; a mentor who
    attached a huge photo deserves to be told what to do.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return too_large(request)
        return self.get_response(request)


def too_large(request):
    return render(
        request,
        "submit/too_large.html",
        {
            "limit_mb": settings.MAX_REQUEST_BYTES // (1024 * 1024),
            "photo_mb": settings.PHOTO_MAX_BYTES // (1024 * 1024),
        },
        status=413,
    )
