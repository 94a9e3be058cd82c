"""Rate limits, and the client address they count by.

Two mechanisms, each chosen for what it counts:

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
"""

import hashlib
import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import connection
from django.dispatch import receiver
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
