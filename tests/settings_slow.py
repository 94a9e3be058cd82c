"""The site's settings with tests/urls_slow.py as the URLconf, for a gunicorn
a test starts (DJANGO_SETTINGS_MODULE=tests.settings_slow)."""

from applyingml.settings import *  # noqa: F403

ROOT_URLCONF = "tests.urls_slow"
