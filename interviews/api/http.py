"""What every API URL does around its endpoint: CORS, HEAD, conditional GET.

- Any origin may read (`Access-Control-Allow-Origin: *`), and an OPTIONS
  preflight is answered for GET and HEAD. Nothing needs a cookie or a CSRF
  token: the API only reads.
- HEAD is the GET without its body (ninja matches operations by method and
  has none for HEAD; the server drops the body).
- Conditional GET through Django's `get_conditional_response`: the ETag is
  the page cache's for this URL (its generation token, which every change
  readers can see replaces) and Last-Modified is when that generation began.
  Both are known before the endpoint runs, so a 304 costs no query. Responses
  say "public, ask again each time" like the pages (`pagecache.revalidate`):
  a withdrawn interview leaves every client's copy at its next request.
- Every URL is a public page (`pagecache.public_page`), so with the page
  cache on, readers' requests are answered from it as pages are, with the
  same ETag.

The rate limit is middleware (`ratelimit.ApiRateLimitMiddleware`): responses
from the page cache are served before any URL is resolved.
"""

import functools
import logging

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from ninja import NinjaAPI

from .. import pagecache

logger = logging.getLogger("interviews.api")

CORS = {"Access-Control-Allow-Origin": "*"}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    # A client revalidating its copy by hand sends these.
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def validators(request):
    """(ETag, Last-Modified timestamp) of this URL's current content, or
    (None, None) when the cache cannot say (then nothing is conditional)."""
    try:
        generation = pagecache.current_generation(cache.get_many([pagecache.GENERATION_KEY]))
    except Exception:
        logger.warning("API served without validators: the cache is unreachable.", exc_info=True)
        return None, None
    started = pagecache.generation_started(generation)
    etag = pagecache.etag_for(generation, pagecache.page_key(request))
    return etag, started.timestamp() if started else None


def with_validators(response, etag, last_modified):
    if etag:
        pagecache.revalidate(response, etag)
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True)
    return response


def public_read(view):
    """`view` (one of ninja's URL views) as a public, read-only, cacheable resource."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return HttpResponse(status=204, headers=PREFLIGHT)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            etag, last_modified = validators(request)
            stub = with_validators(HttpResponse(), etag, last_modified)
            response = get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=stub
            )
            if response is stub:
                response = view(request, *args, **kwargs)
                if response.status_code == 200:
                    with_validators(response, etag, last_modified)
        finally:
            if head:
                request.method = "HEAD"
        for header, value in CORS.items():
            response[header] = value
        return response

    return pagecache.public_page(wrapped)


class PublicReadAPI(NinjaAPI):
    """A NinjaAPI whose every URL is `public_read`."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = public_read(pattern.callback)
        return patterns, app_name, namespace
