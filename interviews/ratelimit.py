"""A fixed-window rate limit shared by every server process, kept in PostgreSQL.

The database is the one store every process (and every machine) already
shares, so a limit enforced here holds however many gunicorn workers run.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from applyingml.ratelimit import client_address  # noqa: F401  (the views' entry point)

from .models import RateLimitWindow


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
