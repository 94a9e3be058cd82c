"""The editors' admin, by topic. Importing the modules registers the models
with the editors' admin site (interviews/admin_site.py, the default site)."""

from django.contrib import admin
from taggit.models import Tag

from . import collecting, content, following, interviews, lessons, mail  # noqa: F401

# Lessons are the project's tag model; taggit's own, unused Tag would only confuse.
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)
