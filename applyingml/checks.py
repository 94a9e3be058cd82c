"""System checks for production settings that Django's own checks do not cover."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import default_storage

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


@register()
def check_media_storage(app_configs, **kwargs):
    """A bucket for uploads (MEDIA_STORAGE=s3) is named, has credentials, and serves its files from the origin the CSP allows.

    Run by every command that runs checks, `migrate` in deploy/start-web
    among them, so a half-configured bucket stops the start with these
    messages instead of failing the first upload. Nothing here contacts the
    bucket itself; looking for credentials may ask the host's metadata
    service, as boto3 does on a cloud machine with a role.
    """
    default = settings.STORAGES["default"]
    if default["BACKEND"] != "storages.backends.s3.S3Storage":
        return []
    options = default.get("OPTIONS", {})
    if not options.get("bucket_name"):
        return [
            Error(
                "MEDIA_STORAGE is s3 but no bucket is named.",
                hint="Set AWS_STORAGE_BUCKET_NAME (and AWS_S3_ENDPOINT_URL for a store "
                "other than AWS S3), or MEDIA_STORAGE=filesystem.",
                id="applyingml.E001",
            )
        ]
    errors = []
    endpoint = options.get("endpoint_url")
    if endpoint and (
        urlsplit(endpoint).scheme not in {"http", "https"} or not urlsplit(endpoint).netloc
    ):
        errors.append(
            Error(
                f"AWS_S3_ENDPOINT_URL must be an http(s) address, not {endpoint!r}.",
                hint="For example https://<account>.r2.cloudflarestorage.com or http://127.0.0.1:9000.",
                id="applyingml.E002",
            )
        )
    problem = credentials_problem()
    if problem:
        errors.append(
            Error(
                f"No usable credentials for the media bucket: {problem}.",
                hint="Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), "
                "or give the host a role that may write to the bucket.",
                id="applyingml.E003",
            )
        )
    if not errors:
        served = origin_of(default_storage.url("photo.jpg"))
        allowed = origin_of(settings.MEDIA_URL)
        if served != allowed:
            errors.append(
                Error(
                    f"Files in the bucket are served from {served}, but MEDIA_URL "
                    f"(and so the Content-Security-Policy's img-src) names {allowed}: "
                    "readers' browsers would block every photo.",
                    hint="Set AWS_S3_CUSTOM_DOMAIN to the host readers load files from.",
                    id="applyingml.E004",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_media_over_https(app_configs, **kwargs):
    """An HTTPS page's images from plain HTTP are mixed content."""
    if settings.DEBUG or not settings.MEDIA_URL.startswith("http://"):
        return []
    return [
        Warning(
            f"Uploads are served over plain HTTP ({origin_of(settings.MEDIA_URL)}), "
            "which browsers treat as mixed content on the site's HTTPS pages.",
            hint="Serve the bucket over HTTPS (AWS_S3_ENDPOINT_URL, or AWS_S3_URL_PROTOCOL=https: "
            "with AWS_S3_CUSTOM_DOMAIN).",
            id="applyingml.W002",
        )
    ]


def credentials_problem():
    """What is wrong with the credentials boto3 finds the way the storage
    will (None when they are there)."""
    # Imported here, not above: a site on its own disk never loads boto3 (a
    # quarter of a second at every start); for a bucket the storage needs it anyway.
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        found = boto3.Session().get_credentials()
    except BotoCoreError as exc:  # half of a key pair, a profile that is not there
        return str(exc)
    return None if found is not None else "none found"


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "this site"
