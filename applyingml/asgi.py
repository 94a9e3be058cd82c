"""The ASGI entry point (production settings unless DJANGO_ENV says otherwise)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "applyingml.settings")
# As in wsgi.py: served means production unless told otherwise.
os.environ.setdefault("DJANGO_ENV", "production")
application = get_asgi_application()
