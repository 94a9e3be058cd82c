"""Settings from the environment: development needs nothing, production
refuses to start without its secrets and passes Django's deployment checks.

Each case runs in a fresh process, since settings are read once at start.
"""

import json
import subprocess
import sys

import pytest

from tests.servers import ROOT, production_env

PRODUCTION = {
    "DATABASE_URL": "postgresql://app:secret@db.internal:5432/applyingml",
    "CACHE_URL": "redis://redis.internal:6379/0",
}

SHOW = """
import json, django, sys
from django.conf import settings
django.setup()
from django.urls import reverse
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENVIRONMENT": settings.ENVIRONMENT,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "page_cache_seconds": settings.PAGE_CACHE_SECONDS,
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "conn_health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "server_side_cursors": [
        not config["DISABLE_SERVER_SIDE_CURSORS"] for config in settings.DATABASES.values()
    ],
    "prepare_threshold": [
        config["OPTIONS"].get("prepare_threshold") for config in settings.DATABASES.values()
    ],
    "databases": sorted(settings.DATABASES),
    "replica_test": settings.DATABASES.get("replica", {}).get("TEST"),
    "routers": settings.DATABASE_ROUTERS,
    "admin": reverse("admin:index"),
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "hsts": settings.SECURE_HSTS_SECONDS,
    "log_format": settings.LOGGING["handlers"]["console"]["formatter"],
    "email": settings.EMAIL_BACKEND,
    "editors": settings.EDITOR_EMAILS,
    "sentry_imported": "sentry_sdk" in sys.modules,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "boto3_imported": "boto3" in sys.modules,
}))
"""


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def show(env):
    result = run(["-c", SHOW], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def development_env(**overrides):
    env = production_env(**overrides)
    for name in ("DJANGO_ENV", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        env.pop(name)
    env.setdefault("DATABASE_URL", PRODUCTION["DATABASE_URL"])
    return env


def test_development_needs_no_variables():
    values = show(development_env())
    assert values["DEBUG"] is True and values["ENVIRONMENT"] == "development"
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]
    assert values["cache"].endswith("LocMemCache")
    assert values["ssl_redirect"] is False and values["log_format"] == "text"
    assert values["email"].endswith("console.EmailBackend")
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"
    # Templates being worked on show at once: no page cache, no kept connections.
    assert values["page_cache_seconds"] == 0 and values["conn_max_age"] == 0


def test_production_caches_pages_and_keeps_its_connections():
    values = show(production_env(**PRODUCTION))
    assert values["page_cache_seconds"] == 600
    assert values["conn_max_age"] == 60 and values["conn_health_checks"] is True
    values = show(production_env(**PRODUCTION, DJANGO_PAGE_CACHE_SECONDS="0"))
    assert values["page_cache_seconds"] == 0


def test_a_cache_url_of_another_kind_names_the_ones_there_are():
    result = run(
        ["-c", SHOW], production_env(**{**PRODUCTION, "CACHE_URL": "memcached://mc:11211"})
    )
    assert result.returncode != 0
    assert "CACHE_URL must start with redis://, rediss://, locmem:// or dummy://" in result.stderr


def test_manage_py_works_for_developers_with_no_variables():
    result = run(
        ["manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        development_env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_production_is_hardened_with_debug_off_by_default():
    values = show(production_env(**PRODUCTION, EDITOR_EMAILS="a@example.com, b@example.com"))
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["testserver.example", "127.0.0.1"]
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["ssl_redirect"] is True and values["secure_cookies"] == [True, True]
    assert values["hsts"] == 31_536_000
    assert values["log_format"] == "json"
    assert values["editors"] == ["a@example.com", "b@example.com"]
    assert values["sentry_imported"] is False
    assert values["admin"] == "/admin/"
    # Files stay on this host's disk (the compose file's volume) until a bucket is named.
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"
    assert values["boto3_imported"] is False


def test_served_through_wsgi_the_default_is_production():
    env = development_env(**PRODUCTION)  # no DJANGO_ENV, no secret key
    result = run(["-c", "import applyingml.wsgi"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = production_env(**PRODUCTION)
    env.pop(missing)
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_off_in_development_needs_a_secret_key_too():
    result = run(["manage.py", "check"], development_env(DJANGO_DEBUG="0"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_passes_with_production_settings():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(**PRODUCTION)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_a_shared_cache_or_with_a_weak_key():
    env = production_env(DATABASE_URL=PRODUCTION["DATABASE_URL"])  # no CACHE_URL
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "applyingml.W001" in result.stderr

    env = production_env(**PRODUCTION, DJANGO_SECRET_KEY="short")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_the_admin_path_is_configurable():
    values = show(production_env(**PRODUCTION, DJANGO_ADMIN_PATH="editors-desk/"))
    assert values["admin"] == "/editors-desk/"
    result = run(["manage.py", "check"], production_env(**PRODUCTION, DJANGO_ADMIN_PATH="/oops"))
    assert result.returncode != 0 and "DJANGO_ADMIN_PATH" in result.stderr


def test_a_replica_url_adds_a_mirrored_replica_and_the_router():
    values = show(
        production_env(
            **PRODUCTION, DATABASE_REPLICA_URL="postgresql://ro@replica.internal/applyingml"
        )
    )
    assert values["databases"] == ["default", "replica"]
    assert values["replica_test"]["MIRROR"] == "default"
    assert values["routers"] == ["applyingml.dbrouter.PrimaryReplicaRouter"]


def test_behind_pgbouncer_nothing_outlives_a_transaction_on_the_server():
    """Transaction pooling: no server-side cursors, and no prepared statements
    (Django's own default with psycopg 3, which a setting must not turn back on)."""
    replica = {"DATABASE_REPLICA_URL": "postgresql://ro@replica.internal/applyingml"}
    values = show(production_env(**PRODUCTION, **replica))
    assert values["server_side_cursors"] == [True, True]
    values = show(production_env(**PRODUCTION, **replica, DATABASE_TRANSACTION_POOLING="1"))
    assert values["server_side_cursors"] == [False, False]
    assert values["prepare_threshold"] == [None, None]


def test_sentry_is_initialised_only_with_a_dsn():
    code = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().dsn)"
    dsn = "http://public@127.0.0.1:9/1"
    result = run(["-c", code], production_env(**PRODUCTION, SENTRY_DSN=dsn))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == dsn


def test_email_uses_smtp_when_a_host_is_given():
    values = show(production_env(**PRODUCTION, EMAIL_HOST="smtp.example.com"))
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MENTOR_MIN_ANSWERS", "five", "MENTOR_MIN_ANSWERS must be a whole number, not 'five'."),
        ("NOMINATION_RATE_LIMIT", "5/h", "NOMINATION_RATE_LIMIT must be a whole number"),
        ("SENTRY_TRACES_SAMPLE_RATE", "some", "SENTRY_TRACES_SAMPLE_RATE must be a number"),
        (
            "DATABASE_STATEMENT_TIMEOUT",
            "5s",
            "DATABASE_STATEMENT_TIMEOUT must be a number of seconds, not '5s'.",
        ),
        (
            "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT",
            "-1",
            "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT must be 0 or more seconds, not -1.",
        ),
    ],
)
def test_a_bad_number_names_the_variable(name, value, message):
    env = production_env(**PRODUCTION, **{name: value, "SENTRY_DSN": "https://k@sentry.example/1"})
    result = run(["-c", SHOW], env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "ImproperlyConfigured" in result.stderr and "invalid literal" not in result.stderr
