"""The WSGI entry point gunicorn serves (production settings unless DJANGO_ENV says otherwise)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "applyingml.settings")
# Whatever serves the site through this module (gunicorn) is production unless
# told otherwise, so a missing variable can never mean DEBUG on a public server.
os.environ.setdefault("DJANGO_ENV", "production")
application = get_wsgi_application()
