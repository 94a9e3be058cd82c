"""Admin login attempts, rate limited in the shared cache.

After settings.ADMIN_LOGIN_MAX_FAILURES failed logins for one username, or
four times as many from one client address, within ADMIN_LOGIN_WINDOW, the
login form answers 429 until the window has passed; a correct password does
not get through either, so guessing stops paying. Counting per username stops
slow guessing from many addresses; counting per address stops one client
trying many usernames.

Failures are counted from Django's `user_login_failed` signal, so whatever
the login form does, a failure is a failure. The counts live in the default
cache, which production shares between processes (Redis, CACHE_URL). If the
cache is down the limit is skipped, with a warning: the password still has to
be right.
"""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render

logger = logging.getLogger("applyingml.ratelimit")

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
