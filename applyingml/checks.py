"""System checks for production settings that Django's own checks do not cover."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

SHARED_CACHES = {
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.db.DatabaseCache",
}


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Admin login limits are counted in the cache, and the page cache's
    invalidations are announced there, so it must be shared."""
    if settings.CACHES["default"]["BACKEND"] in SHARED_CACHES:
        return []
    return [
        Warning(
            "The default cache is not shared between processes, so admin login "
            "attempts are counted per gunicorn worker, and an edit reaches the pages "
            "other workers cached only when they expire (PAGE_CACHE_SECONDS).",
            hint="Set CACHE_URL=redis://host:6379/0.",
            id="applyingml.W001",
        )
    ]
