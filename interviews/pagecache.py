"""Whole public pages for anonymous readers, served from the cache, and 304s.

Views marked with `public_page` (see urls.py) are cached when the request is
a GET or HEAD from a reader: no session cookie (editors and mentors who
signed in have one), no messages cookie, no Authorization header. The admin,
the mentor's form and nominations are never marked, so never cached; nor is
any response that is not a plain 200 or that sets a cookie.

Invalidation is one token, the content *generation*, kept in the cache: every
change readers can see (upkeep.py) replaces it when its transaction commits, which
makes every cached page and every ETag stale at once. A page is stored with
the generation it was rendered at, under its scheme, host, path and sorted
query string; a page of an older generation is a miss. The generation also
expires after PAGE_CACHE_SECONDS, so even a process whose cache is not shared
(LocMemCache under several gunicorn workers) or a deploy that changed
templates shows the change within that time; `migrate` replaces it at once.
A generation that is gone (the cache restarted, the token expired) is
replaced by a new random one, so no page stored before can match it.

With a read replica, a generation also names the primary's WAL position
when it began, and a page rendered for it reads from the replica only once
the replica has replayed that far (applyingml/dbrouter.py): otherwise a
reader arriving just after a change, on a replica a moment behind, would
store the page from before the change under the new generation.

Each cached page carries `ETag: hash(generation, key)`. A request whose
If-None-Match names it gets 304 before the view runs (Django's
`get_conditional_response`): no query, no rendering, whether or not the page
body is still in the cache. The generation token is this module's own:
Django's cache middleware has no way to make every page stale at once.

The middleware sits after the header middleware (security headers, CSP,
request ids are added to cached pages too) and before sessions, CSRF and
authentication, which a cached page does not need.
"""

import functools
import hashlib
import logging
import secrets
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connections, transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control

from applyingml import dbrouter

logger = logging.getLogger("interviews.pagecache")

GENERATION_KEY = "pages:generation"
# After the cache failed, serve pages uncached for this long before trying it
# again, so an outage costs one slow request per process, not one per request.
RETRY_AFTER_FAILURE = 5.0
_down_until = 0.0


def public_page(view):
    """Mark `view` as a public page that anonymous readers may get from the cache."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.public_page = True
    return wrapped


def invalidate():
    """Make every cached page stale once the current transaction commits.

    Not before: a reader rendering the old content meanwhile would store it
    under the new generation.
    """
    transaction.on_commit(new_generation)


def new_generation():
    global _down_until
    try:
        cache.set(GENERATION_KEY, _new_token(), timeout=_timeout())
    except Exception:
        _down_until = time.monotonic() + RETRY_AFTER_FAILURE
        logger.error("Cached pages not invalidated: the cache is unreachable.", exc_info=True)


def _timeout():
    return settings.PAGE_CACHE_SECONDS or None


def _new_token():
    # Random, so every process sees a change as one, stamped with when it
    # began (nothing readers see has changed since: the API's Last-Modified),
    # and with a replica, where the primary's WAL was then.
    token = f"{secrets.token_hex(8)}-{int(time.time())}"
    position = _primary_position()
    return f"{token}-{position}" if position else token


def _primary_position():
    """The primary's current WAL position, when a replica serves reads ('' otherwise)."""
    if "replica" not in settings.DATABASES:
        return ""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            return cursor.fetchone()[0]
    except DatabaseError:
        # Without it, pages may read from a replica that lags: as before replicas.
        logger.warning("The generation names no WAL position: the primary did not answer.")
        return ""


def generation_started(generation):
    """When `generation` began, as a datetime (None for a token without a time)."""
    parts = (generation or "").split("-")
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    return datetime.fromtimestamp(int(parts[1]), tz=UTC)


def generation_position(generation):
    """The primary's WAL position `generation` names ('' if none)."""
    parts = (generation or "").split("-")
    return parts[2] if len(parts) > 2 else ""


def current_generation(values):
    """The generation from a get_many() result, starting one if there is none."""
    generation = values.get(GENERATION_KEY)
    if generation is None:
        # add(): when several processes start one at once, the first one wins.
        cache.add(GENERATION_KEY, _new_token(), timeout=_timeout())
        generation = cache.get(GENERATION_KEY)
    return generation


def page_key(request):
    """The cache key of a page: scheme, host, path and query string, sorted by name.

    Values of one name keep their order (`?tag=a&tag=b` is not `?tag=b&tag=a`:
    the page lists them in that order).
    """
    params = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    query = urlencode(sorted(params, key=lambda pair: pair[0]))
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return "pages:" + hashlib.sha256(url.encode()).hexdigest()


def etag_for(generation, key):
    return '"' + hashlib.sha256(f"{generation}:{key}".encode()).hexdigest()[:32] + '"'


def is_reader_request(request):
    if request.method not in {"GET", "HEAD"}:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def is_storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    # The key covers URL and host only: a page that varies on anything else
    # (a language, an encoding) cannot share one entry. Cookie is fine: only
    # requests without the cookies that matter are cached.
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    return vary <= {"cookie"}


def revalidate(response, etag):
    """The headers every cached page carries: its ETag, and "ask again each time"."""
    response["ETag"] = etag
    patch_cache_control(response, max_age=0, must_revalidate=True)
    return response


class PageCacheMiddleware:
    """Answers readers' requests from the cache before anything resolves the URL,
    and stores a public page on the way out.

    A page is only ever stored for a view marked public_page, so a stored
    entry (or an ETag the site issued) is proof enough that the URL is a
    public page: a hit needs no URL resolution at all. On a miss, Django
    resolves the URL once, as for any request, and the response is stored if
    the view it resolved to is marked. (An anonymous GET of a page that is
    never cached, the mentor's form say, costs one cache lookup.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.PAGE_CACHE_SECONDS
            or time.monotonic() < _down_until
            or not is_reader_request(request)
        ):
            return self.get_response(request)
        try:
            key = page_key(request)
        except DisallowedHost:
            return self.get_response(request)  # the view's turn to refuse it
        try:
            values = cache.get_many([GENERATION_KEY, key])
            generation = current_generation(values)
        except Exception:
            _note_cache_down("Pages served uncached: the cache is unreachable.")
            return self.get_response(request)

        etag = etag_for(generation, key)
        # Django's conditional GET: a 304 carrying the stub's headers when
        # If-None-Match names the page, whether or not its body is cached.
        stub = revalidate(HttpResponse(), etag)
        conditional = get_conditional_response(request, etag=etag, response=stub)
        if conditional is not stub:
            return conditional
        entry = values.get(key)
        if entry is not None and entry[0] == generation:
            _stored_generation, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Cache"] = "hit"
            return response

        # A page for this generation shows every change it announced.
        dbrouter.require_position(generation_position(generation))
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if not getattr(getattr(match, "func", None), "public_page", False):
            return response
        if request.method == "GET" and is_storable(response):
            revalidate(response, etag)
            entry = (generation, response.status_code, dict(response.items()), response.content)
            try:
                cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:
                _note_cache_down("Page not cached: the cache is unreachable.")
        response["X-Cache"] = "miss"
        return response


def _note_cache_down(message):
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER_FAILURE
    logger.warning(message, exc_info=True)
