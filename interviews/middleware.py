"""Middleware of the interviews app."""

from django.conf import settings
from django.core.validators import slug_re
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from .models import Interview, Lesson


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


# Public pages whose path names a lesson: a renamed or merged one moved.
LESSON_PATHS = {"interviews:lesson-detail", "interviews:lesson-feed"}
# A mentor's pages: gone (410) once their interview is withdrawn.
MENTOR_PATHS = {"interviews:mentor-detail", "interviews:answer-detail"}


class MovedOrGoneMiddleware:
    """The one fallback for moved and gone pages, as django.contrib.redirects does it:
    a public page that answered 404 becomes

    - a 301 to the lesson's new address when a lesson in its path or in its
      `?tag=` filters was renamed or merged away (LessonRedirect), or typed in
      capitals;
    - a 410 Gone page when it belongs to a mentor whose interview was withdrawn.

    Views just raise Http404 for what they cannot find.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if response.status_code != 404 or match is None or request.method not in ("GET", "HEAD"):
            return response
        if match.view_name in MENTOR_PATHS:
            return gone_if_withdrawn(request, match.kwargs["slug"]) or response
        return moved_lessons(request, match) or response


def moved_lessons(request, match):
    """A 301 to the same page with moved lessons at their new slugs, or None."""
    in_path = match.view_name in LESSON_PATHS
    tags = request.GET.getlist("tag")
    slugs = ([match.kwargs["slug"]] if in_path else []) + tags
    valid = [slug for slug in slugs if slug_re.match(slug)]
    if not valid:
        return None
    moved = Lesson.objects.moved(valid)
    if not moved:
        return None
    path = request.path
    if in_path:
        path = reverse(
            match.view_name, kwargs={**match.kwargs, "slug": moved.get(slugs[0], slugs[0])}
        )
    query = request.GET.copy()
    if tags:
        query.setlist("tag", list(dict.fromkeys(moved.get(tag, tag) for tag in tags)))
    query = query.urlencode()
    return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)


def gone_if_withdrawn(request, mentor_slug):
    """410 Gone, with a short page, for a mentor whose interview was withdrawn; else None."""
    interview = (
        Interview.objects.filter(mentor__slug=mentor_slug, status=Interview.Status.WITHDRAWN)
        .select_related("mentor")
        .first()
    )
    if interview is None:
        return None
    return render(request, "interviews/withdrawn.html", {"mentor": interview.mentor}, status=410)
