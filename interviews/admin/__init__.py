"""The editors' admin, by topic. Importing the modules registers the models
with the editors' admin site (interviews/admin_site.py, the default site)."""

from . import collecting, content, interviews, lessons  # noqa: F401
