"""Settings for applyingml, read from the environment in this one module.

Two environments, named by DJANGO_ENV:

- `development` (the default for `manage.py`, pytest and the Makefile): DEBUG is
  on, a throwaway secret key is used and the database is the project-local
  PostgreSQL that `make run` starts (its URL is in `.data/database_url`). No
  variables are needed.
- `production`: the default for anything served through `applyingml/wsgi.py`
  or `asgi.py` (gunicorn), and what the Docker image sets. DEBUG is off, and
  the process refuses to start without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS
  and DATABASE_URL.

One module of over 400 lines on purpose: every setting, and every
environment variable that sets one, in one place to read.

Every variable is listed, with a comment, in `.env.example`.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_number(name, default, convert=int, what="a whole number"):
    """A number from the environment, or the project's own error naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return convert(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {what}, not {value!r}.") from None


def env_int(name, default):
    return env_number(name, default)


def env_float(name, default):
    return env_number(name, default, float, "a number")


def env_seconds(name, default):
    value = env_number(name, default, float, "a number of seconds")
    if value < 0:
        raise ImproperlyConfigured(f"{name} must be 0 or more seconds, not {value:g}.")
    return value


def env_optional(name):
    """A variable's value, or None when it is unset or empty."""
    return os.environ.get(name, "").strip() or None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {ENVIRONMENT!r}."
    )
DEVELOPMENT = ENVIRONMENT == "development"

DEBUG = env_bool("DJANGO_DEBUG", default=DEVELOPMENT)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPMENT or not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set outside development (DJANGO_ENV=production) "
            "and whenever DJANGO_DEBUG is off."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEVELOPMENT else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set outside development.")

# Where the admin lives; a path of your own keeps the login page out of
# drive-by scans. No leading slash, one trailing slash: "editors/".
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip()
if ADMIN_PATH.startswith("/") or not ADMIN_PATH.endswith("/") or ADMIN_PATH == "/":
    raise ImproperlyConfigured(
        f"DJANGO_ADMIN_PATH must look like 'admin/' (no leading slash, one trailing), not {ADMIN_PATH!r}."
    )

INSTALLED_APPS = [
    "interviews.apps.EditorsAdminConfig",  # django.contrib.admin with the editors site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "csp",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    # For its templates and static files: the API's docs page is served from
    # the site itself (without it, ninja would load Swagger UI from a CDN).
    "ninja",
    "applyingml",
    "interviews",
    # Last, as its docs ask: deletes a mentor's photo file once a change that
    # replaced or removed it commits (revisions' photos: services.py).
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    # Before everything else: probes reach the container by its IP over plain
    # HTTP, so they must skip host validation and the HTTPS redirect, and they
    # would flood the request log.
    "applyingml.health.HealthCheckMiddleware",
    # Next, so that every later log line, including errors, carries the id.
    "applyingml.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise right after SecurityMiddleware, so static files skip the rest.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "applyingml.middleware.PermissionsPolicyMiddleware",
    "applyingml.middleware.NoIndexMiddleware",
    # Before anything reads the body: oversized requests get a friendly 413
    # (after the header middleware, so that page carries the same headers).
    "interviews.middleware.RequestTooLargeMiddleware",
    # Before the page cache: API responses served from it count too.
    "interviews.ratelimit.ApiRateLimitMiddleware",
    # Outside the page cache: a cached 404 still becomes a 301 or 410 once a
    # lesson moved or an interview was withdrawn.
    "interviews.middleware.MovedOrGoneMiddleware",
    "applyingml.dbrouter.ReplicaReadsMiddleware",
    # Public pages for anonymous readers come from the cache from here on:
    # after the middleware that adds headers to every response, before
    # sessions, CSRF and authentication, which a cached page does not need.
    "interviews.pagecache.PageCacheMiddleware",
    # Past the page cache, a request's statements (its session's included)
    # run in one transaction, under the statement limits.
    "applyingml.dblimits.StatementLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "interviews.ratelimit.AdminLoginRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, so its process_exception sees a view's database errors first.
    "applyingml.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "applyingml.urls"
# A failed CSRF check on the mentor's form hands back what they typed.
CSRF_FAILURE_VIEW = "interviews.views.rescue.csrf_failure"
WSGI_APPLICATION = "applyingml.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "interviews.context_processors.site",
            ],
        },
    },
]


# --- Database ----------------------------------------------------------------------


def database_url():
    # tools/servers.py has the tools' counterpart, which exits instead; the
    # site imports nothing from tools/, so the file's path is spelled here too.
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    local = BASE_DIR / ".data" / "database_url"
    if DEVELOPMENT and local.exists():
        return local.read_text().strip()
    if not DEVELOPMENT:
        raise ImproperlyConfigured("DATABASE_URL must be set outside development.")
    raise ImproperlyConfigured(
        "No database: set DATABASE_URL, or run `make run` once to start the project-local PostgreSQL."
    )


# DATABASE_URL (and DATABASE_REPLICA_URL) point at PgBouncer, or another
# pooler, in transaction pooling mode (docs/deploy.md).
TRANSACTION_POOLING = env_bool("DATABASE_TRANSACTION_POOLING", False)


def database_config(url):
    # Persistent connections rather than psycopg's pool: each gunicorn worker
    # (and thread, if any) keeps one connection for CONN_MAX_AGE seconds,
    # which takes the connect cost off every request as a pool would, with no
    # pool size to tune per process. Past one host, PgBouncer pools across
    # all of them (docs/deploy.md); docs/performance.md has the measurements.
    config = dj_database_url.parse(
        url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEVELOPMENT else 60),
        # Persistent connections are checked before reuse, so the site recovers
        # by itself when the database comes back after an outage.
        conn_health_checks=True,
    )
    # Django's backend, but for how it reads the server's version (see there).
    config["ENGINE"] = "applyingml.postgresql"
    # Fail fast when the server is unreachable: a reader gets the 503 page in
    # seconds rather than a hung worker.
    config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    # TCP keepalives notice a database that vanished without closing the
    # connection (a dropped network) in about a minute instead of hours.
    config["OPTIONS"].update(
        keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3
    )
    # Behind PgBouncer in transaction pooling mode, each transaction may run
    # on a different server connection: a server-side cursor (what
    # QuerySet.iterator() uses) would be gone by its next fetch. Prepared
    # statements, the other thing that outlives a transaction, are already off
    # (Django's default for psycopg 3, prepare_threshold=None).
    config["DISABLE_SERVER_SIDE_CURSORS"] = TRANSACTION_POOLING
    return config


DATABASES = {"default": database_config(database_url())}

# Time limits on a web request's statements, in seconds; 0 turns one off.
# Commands, migrations and the worker run without them. See
# applyingml/dblimits.py, and docs/deploy.md for how they behave behind PgBouncer.
DATABASE_STATEMENT_TIMEOUT = env_seconds("DATABASE_STATEMENT_TIMEOUT", 5.0)
DATABASE_IDLE_IN_TRANSACTION_TIMEOUT = env_seconds("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", 10.0)

# Optional read replica: public pages read from it, everything else (writes,
# the admin, commands) uses the primary; see applyingml/dbrouter.py.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_config(os.environ["DATABASE_REPLICA_URL"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["applyingml.dbrouter.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Cache -------------------------------------------------------------------------


def cache_config(url):
    """CACHES["default"] from a URL: redis://host:6379/0, locmem://, dummy://.

    Redis is the one shared cache the project runs and tests (docker-compose,
    `make bench`); a second kind would be a dependency nothing exercises."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in {"redis", "rediss"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "applyingml",
            # A Redis outage must cost a request a second, not a worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, locmem:// or dummy://, not {url!r}."
    )


# Production shares one Redis between every process: admin
# login limits are counted across gunicorn workers, and an edit invalidates
# the cached pages of every worker at once. Development keeps it in memory.
CACHES = {"default": cache_config(os.environ.get("CACHE_URL", "locmem://"))}

# How long a whole public page stays in the cache for anonymous readers
# (interviews/pagecache.py); any content change invalidates it sooner. 0 turns
# the page cache off, the default with DEBUG so template work shows at once.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 0 if DEBUG else 600)


# --- Authentication ------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login attempts: after this many failures for one username, or four
# times as many from one client address, further attempts answer 429 until the
# window has passed. See interviews/ratelimit.py.
ADMIN_LOGIN_MAX_FAILURES = 5
ADMIN_LOGIN_WINDOW = timedelta(minutes=15)

# How many proxies in front of gunicorn append to X-Forwarded-For (Caddy in
# docker-compose.yml: 1). 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)


# --- HTTPS and security headers ---------------------------------------------------------

# Production runs behind a TLS-terminating proxy that sets X-Forwarded-Proto
# (and must overwrite any value a client sent); gunicorn is never exposed.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to browsers that is slow to take back: opt in.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Browser features the site never uses, switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def origin(url):
    """'https://cdn.example.com' for an absolute URL, None for a path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# --- Static files and uploads ---------------------------------------------------------

STATIC_URL = os.environ.get("DJANGO_STATIC_URL", "static/")
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))

# Every file the site writes goes through the default storage: mentors'
# photos, share images, the open dataset, the demo's images. "filesystem"
# keeps them in MEDIA_ROOT on this host, served at MEDIA_URL (by Caddy in
# docker-compose.yml); "s3" keeps them in a bucket on any S3-compatible store
# (AWS S3, Cloudflare R2, MinIO, Hetzner), which every web host and worker
# shares and readers load from directly. Naming a bucket is enough to choose it.
MEDIA_STORAGE = (env_optional("MEDIA_STORAGE") or "").lower() or (
    "s3" if env_optional("AWS_STORAGE_BUCKET_NAME") else "filesystem"
)
if MEDIA_STORAGE not in {"filesystem", "s3"}:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}."
    )
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))


def s3_storage():
    """STORAGES["default"] for a bucket, from the usual AWS_* variables.

    Credentials are not read here: boto3 finds them as it always does
    (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or the host's
    role), and applyingml/checks.py says when it finds none.
    """
    # Imported here, for a bucket only: a site on its own disk never loads
    # boto3's client machinery.
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_optional("AWS_STORAGE_BUCKET_NAME") or "",
            # Any S3-compatible store; unset, AWS itself.
            "endpoint_url": env_optional("AWS_S3_ENDPOINT_URL"),
            "region_name": env_optional("AWS_S3_REGION_NAME"),
            # The public host readers load files from, when it is not the
            # API's (R2's r2.dev or a custom domain, a CDN): "media.example.org".
            "custom_domain": env_optional("AWS_S3_CUSTOM_DOMAIN"),
            # "https:" as django-storages spells it; "https" means the same.
            "url_protocol": (env_optional("AWS_S3_URL_PROTOCOL") or "https").rstrip(":") + ":",
            "location": (env_optional("AWS_LOCATION") or "").strip("/"),
            # Stores without bucket policies make objects public per object
            # ("public-read"); otherwise the bucket's policy decides.
            "default_acl": env_optional("AWS_DEFAULT_ACL"),
            # Plain public URLs, never signed: pages are cached, and a signed
            # URL would expire while the page holding it is still served.
            "querystring_auth": False,
            # A name already taken gets another, as on disk: a replaced photo
            # must not overwrite the file django-cleanup then deletes, and a
            # changed file has a new URL, so no cache keeps the old one.
            "file_overwrite": False,
            # A store that hangs fails a request inside gunicorn's 30 s
            # timeout, twice (3 + 8) s and a second's backoff at most, with
            # the 503 page; botocore's defaults wait a minute, five times over.
            "client_config": Config(
                s3={"addressing_style": env_optional("AWS_S3_ADDRESSING_STYLE")},
                connect_timeout=3,
                read_timeout=8,
                retries={"mode": "standard", "max_attempts": 2},
            ),
        },
    }


def s3_media_url(options):
    """The address of the bucket's files as S3Storage.url() makes them, so
    that the CSP and the answers' image rule (markdown.py) allow it;
    checks.py compares the two."""
    location = f"{options['location']}/" if options["location"] else ""
    if options["custom_domain"]:
        return f"{options['url_protocol']}//{options['custom_domain']}/{location}"
    bucket = options["bucket_name"]
    style = options["client_config"].s3["addressing_style"]
    endpoint = options["endpoint_url"]
    if endpoint:
        if style == "virtual":
            parts = urlsplit(endpoint)
            return f"{parts.scheme}://{bucket}.{parts.netloc}/{location}"
        # botocore's "auto" addresses other stores' buckets by path.
        return f"{endpoint.rstrip('/')}/{bucket}/{location}"
    if style == "path":
        region = options["region_name"]
        return f"https://s3.{region + '.' if region else ''}amazonaws.com/{bucket}/{location}"
    return f"https://{bucket}.s3.amazonaws.com/{location}"


if MEDIA_STORAGE == "s3":
    if os.environ.get("DJANGO_MEDIA_URL"):
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_URL is for MEDIA_STORAGE=filesystem; a bucket's files are "
            "served from its own address, or from AWS_S3_CUSTOM_DOMAIN when set."
        )
    _media_storage = s3_storage()
    MEDIA_URL = s3_media_url(_media_storage["OPTIONS"])
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "media/")

STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# No inline scripts or styles anywhere (the admin needs none either); static
# files may come from a CDN and uploads from object storage once configured.
# The media origin is for images only: what is uploaded never runs as a
# script or a stylesheet.
_static_origins = [o for o in [origin(STATIC_URL)] if o]
_image_origins = sorted({o for o in (origin(STATIC_URL), origin(MEDIA_URL)) if o})
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, *_static_origins],
        "style-src": [SELF, *_static_origins],
        "img-src": [SELF, "data:", *_image_origins],
        "font-src": [SELF, *_static_origins],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}


# --- Email ------------------------------------------------------------------------------

# SMTP when a host is given; otherwise messages are written to the log stream,
# which is what development wants and keeps a half-configured production honest.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
# The worker's first wait before trying a failed message again; it doubles
# each time (interviews/models/mail.py).
EMAIL_RETRY_SECONDS = env_int("EMAIL_RETRY_SECONDS", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Applying ML <editors@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (interviews/tasks.py): every email, the dataset rebuild.
# The database backend keeps them in PostgreSQL, enqueued in the transaction
# of the change that causes them; `manage.py worker` runs them (make run
# starts one). TASKS_BACKEND=immediate runs each task as it is enqueued, in
# the same process: for one-off scripts, never for a web server.
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = os.environ.get("TASKS_BACKEND", "database")
if _tasks_backend not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)}, not {_tasks_backend!r}."
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[_tasks_backend]}}

# Who is told about editorial events (submitted interviews and edits, nominations).
EDITOR_EMAILS = env_list("EDITOR_EMAILS")


# --- Content ------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
# The site is written in English only. Without the translation machinery,
# every template variable and URL reversal skips a language lookup: a third
# of the time /lessons/ takes to render its 500 lessons (docs/performance.md).
USE_I18N = False
USE_TZ = True

# "MLOps" and "mlops" are one lesson; the Lesson model also enforces this
# with a case-insensitive unique constraint.
TAGGIT_CASE_INSENSITIVE = True

# Where absolute links in emails and commands point (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- The mentor's answer form and the nomination form.
MENTOR_MIN_ANSWERS = env_int("MENTOR_MIN_ANSWERS", 5)
MENTOR_ANSWER_MAX_LENGTH = env_int("MENTOR_ANSWER_MAX_LENGTH", 20000)
INVITATION_DAYS = 30
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 800  # pixels; larger photos are scaled down
# Requests bigger than this are refused with a friendly 413 before being read:
# a 5 MB photo plus sixteen long answers fits comfortably.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
NOMINATION_RATE_LIMIT = env_int("NOMINATION_RATE_LIMIT", 5)  # per address per hour
NOMINATION_MIN_SECONDS = 3  # faster than this is a bot (the follow form too)
# Requests to /api/ per client address per window, counted in the shared
# cache (interviews/ratelimit.py); 0 turns the limit off.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_RATE_WINDOW_SECONDS = 60
# Follow requests per email address per hour (and four times as many per client address).
FOLLOW_RATE_LIMIT = env_int("FOLLOW_RATE_LIMIT", 3)
# When the weekly digest goes out: this weekday (0 is Monday) from this hour, UTC.
FOLLOW_DIGEST_WEEKDAY = env_int("FOLLOW_DIGEST_WEEKDAY", 0)
FOLLOW_DIGEST_HOUR = env_int("FOLLOW_DIGEST_HOUR", 7)

SITE_NAME = "Applying ML"
SITE_TAGLINE = (
    "What experienced practitioners have learned about applying machine learning at work."
)

# How many answers a question or lesson page shows at once.
ANSWERS_PER_PAGE = 10
# How many search results a page shows. Each snippet is a ts_headline() over
# the answer's text, the costliest part of a search after ranking.
SEARCH_RESULTS_PER_PAGE = 10


# --- Logging and error reporting ----------------------------------------------------------

# JSON lines in production (one object per line, with the request id, and the
# traceback of errors in "traceback"), readable text in development. Both go
# to stderr.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "applyingml.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "applyingml.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own console handlers would print every record a second time.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # "Found credentials in environment variables.", once per thread.
        "botocore.credentials": {"level": "WARNING"},
    },
}

# Sentry only when a DSN is given; imported here, lazily, because init()
# installs its Django integration. No personal data is sent (mentors' emails
# are private).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", ENVIRONMENT),
        send_default_pii=False,
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )
