"""Rate limits, and the client address they count by.

Three limits, each counted where it fits what it counts:

- Nominations (`hit()`): a fixed window per client address in PostgreSQL,
  one atomic upsert. Each nomination writes a row anyway, so the count holds
  across every process and machine even where no shared cache runs.
- Admin logins (`AdminLoginRateLimitMiddleware`): failures counted in the
  shared cache, so a guessing attack costs no database write per attempt.
  After settings.ADMIN_LOGIN_MAX_FAILURES failed logins for one username, or
  four times as many from one client address, within ADMIN_LOGIN_WINDOW, the
  login form answers 429 until the window has passed; a correct password
  does not get through either, so guessing stops paying. Failures are
  counted from Django's `user_login_failed` signal, so whatever the login
  form does, a failure is a failure. If the cache is down the limit is
  skipped, with a warning: the password still has to be right.
- The public API (`ApiRateLimitMiddleware`): a fixed window per client
  address in the shared cache, settings.API_RATE_LIMIT requests per
  API_RATE_WINDOW_SECONDS, then 429 with Retry-After until the window ends.
  The cache because most API requests write nothing to the database; one
  atomic increment a request. Middleware before the page cache, because
  responses from it are served before any view runs. If the cache is down
  the limit is skipped, with a warning, as for logins.
"""

import hashlib
import ipaddress
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import connection
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .models import RateLimitWindow

logger = logging.getLogger("interviews.ratelimit")

ADDRESS_FACTOR = 4


def client_address(request):
    """The client's IP: REMOTE_ADDR, or the address the trusted proxies saw.

    Each of settings.TRUSTED_PROXY_COUNT proxies appends the address it was
    reached from to X-Forwarded-For; entries before those were written by the
    client and are not trusted. "" when that is not an IP address.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count and len(forwarded) >= count:
        address = forwarded[-count]
    else:
        address = request.META.get("REMOTE_ADDR", "")
    # Proxies write "unknown" or worse where they know no address.
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def _key(kind, value):
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"admin-login-failures:{kind}:{digest}"


def _keys(request, username):
    window = int(settings.ADMIN_LOGIN_WINDOW.total_seconds())
    limit = settings.ADMIN_LOGIN_MAX_FAILURES
    keys = [(_key("address", client_address(request)), limit * ADDRESS_FACTOR, window)]
    if username:
        keys.append((_key("username", username), limit, window))
    return keys


def is_locked_out(request, username):
    try:
        counts = cache.get_many([key for key, _, _ in _keys(request, username)])
    except Exception:
        logger.warning("Admin login limit skipped: the cache is unreachable.", exc_info=True)
        return False
    return any(counts.get(key, 0) >= limit for key, limit, _ in _keys(request, username))


def record_failure(request, username):
    try:
        for key, _, window in _keys(request, username):
            # add() starts the window; incr() never extends it.
            cache.add(key, 0, timeout=window)
            cache.incr(key)
    except ValueError:
        pass  # the key expired between add() and incr(): the window is over
    except Exception:
        logger.warning("Admin login failure not counted: the cache is unreachable.", exc_info=True)


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs):
    if request is not None:
        record_failure(request, credentials.get("username", ""))


class AdminLoginRateLimitMiddleware:
    """Refuse login POSTs to the admin with 429 while the limit is reached."""

    def __init__(self, get_response):
        self.get_response = get_response
        # The admin's login view is always at <admin path>login/.
        self.login_path = f"/{settings.ADMIN_PATH}login/"

    def __call__(self, request):
        if request.method == "POST" and request.path == self.login_path:
            username = request.POST.get("username", "")
            if is_locked_out(request, username):
                logger.warning("Admin login refused: too many failures.")
                window_minutes = int(settings.ADMIN_LOGIN_WINDOW.total_seconds() // 60)
                response = render(
                    request, "429.html", {"window_minutes": window_minutes}, status=429
                )
                response["Retry-After"] = str(int(settings.ADMIN_LOGIN_WINDOW.total_seconds()))
                return response
        return self.get_response(request)


# --- Nominations: a fixed window in PostgreSQL ---------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    hits: int
    limit: int
    retry_at: datetime  # when the current window ends

    @property
    def retry_after_seconds(self):
        return max(1, int((self.retry_at - timezone.now()).total_seconds()))

    @property
    def retry_after_minutes(self):
        return -(-self.retry_after_seconds // 60)  # rounded up


def hit(key, limit, window=timedelta(hours=1)):
    """Count one hit for `key` and say whether it is within `limit` per `window`."""
    now = timezone.now()
    seconds = int(window.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)
    table = RateLimitWindow._meta.db_table
    # One atomic upsert: concurrent requests from many processes never lose a count.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (key, window_start, hits) VALUES (%s, %s, 1)
            ON CONFLICT (key, window_start) DO UPDATE SET hits = {table}.hits + 1
            RETURNING hits
            """,
            [key[:200], start],
        )
        (hits,) = cursor.fetchone()
    if hits == 1:
        # First hit of a new window: a good moment to forget old windows.
        RateLimitWindow.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    return Decision(allowed=hits <= limit, hits=hits, limit=limit, retry_at=start + window)


# --- The public API: a fixed window in the shared cache ------------------------------

# Every version of the API lives under it (applyingml/urls.py).
API_PATH_PREFIX = "/api/"


def api_hit(request):
    """Count one API request from this client: a Decision, or None when the
    cache is unreachable."""
    window = settings.API_RATE_WINDOW_SECONDS
    start = int(timezone.now().timestamp()) // window * window
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    # The window's start is in the key, so a new window is a new counter.
    key = f"api-requests:{start}:{address}"
    try:
        cache.add(key, 0, timeout=window + 1)
        hits = cache.incr(key)
    except ValueError:
        hits = 1  # the key expired between add() and incr(): the window is over
    except Exception:
        logger.warning("API request not counted: the cache is unreachable.", exc_info=True)
        return None
    limit = settings.API_RATE_LIMIT
    retry_at = datetime.fromtimestamp(start + window, tz=UTC)
    return Decision(allowed=hits <= limit, hits=hits, limit=limit, retry_at=retry_at)


class ApiRateLimitMiddleware:
    """Answer 429 JSON with Retry-After to a client over the API's limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.API_RATE_LIMIT and request.path.startswith(API_PATH_PREFIX):
            decision = api_hit(request)
            if decision is not None and not decision.allowed:
                seconds = decision.retry_after_seconds
                window = settings.API_RATE_WINDOW_SECONDS
                return JsonResponse(
                    {
                        "detail": f"Too many requests: {decision.limit} every {window} "
                        f"seconds from one address. Try again in {seconds} seconds."
                    },
                    status=429,
                    headers={
                        "Retry-After": str(seconds),
                        # So that a script on another site can read both.
                        "Access-Control-Allow-Origin": "*",
                        "Access-Control-Expose-Headers": "Retry-After",
                    },
                )
        return self.get_response(request)
