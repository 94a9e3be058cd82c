"""Settings for applyingml, read from the environment in this one module.

Development needs no variables: DEBUG is on, a throwaway secret key is used and
the database is the project-local PostgreSQL that `make run` starts (its URL is
in `.data/database_url`). Production sets DJANGO_DEBUG=0 and must then provide
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; see `.env.example`.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

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
    "taggit",
    "interviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise right after SecurityMiddleware, so static files skip the rest.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body: oversized requests get a friendly 413.
    "interviews.middleware.RequestTooLargeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "applyingml.urls"
# A failed CSRF check on the mentor's form hands back what they typed.
CSRF_FAILURE_VIEW = "interviews.views.submission.csrf_failure"
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


def database_url():
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    local = BASE_DIR / ".data" / "database_url"
    if local.exists():
        return local.read_text().strip()
    raise ImproperlyConfigured(
        "No database: set DATABASE_URL, or run `make run` once to start the project-local PostgreSQL."
    )


DATABASES = {
    "default": dj_database_url.parse(
        database_url(),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# "MLOps" and "mlops" are one lesson; the Lesson model also enforces this
# with a case-insensitive unique constraint.
TAGGIT_CASE_INSENSITIVE = True

# Where absolute links in emails and commands point (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Email: the console in development, SMTP from the environment in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Applying ML <editors@applyingml.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Editors told about every submitted interview and nomination.
EDITOR_EMAILS = env_list("EDITOR_EMAILS")

# --- The mentor's answer form and the nomination form.
MENTOR_MIN_ANSWERS = int(os.environ.get("MENTOR_MIN_ANSWERS", "5"))
MENTOR_ANSWER_MAX_LENGTH = int(os.environ.get("MENTOR_ANSWER_MAX_LENGTH", "20000"))
INVITATION_DAYS = 30
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 800  # pixels; larger photos are scaled down
# Requests bigger than this are refused with a friendly 413 before being read:
# a 5 MB photo plus sixteen long answers fits comfortably.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
NOMINATION_RATE_LIMIT = int(os.environ.get("NOMINATION_RATE_LIMIT", "5"))  # per address per hour
NOMINATION_MIN_SECONDS = 3  # faster than this is a bot
# Proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

SITE_NAME = "Applying ML"
SITE_TAGLINE = (
    "What experienced practitioners have learned about applying machine learning at work."
)

# How many answers a question or lesson page shows at once.
ANSWERS_PER_PAGE = 10
# How many search results a page shows (snippets, so more than whole answers).
SEARCH_RESULTS_PER_PAGE = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
