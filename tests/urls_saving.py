"""A URLconf with a view that fails to save with the database down, so the
tests can show what every saving view inherits from the project's error
handling (the 503 page, JSON for fetch()), whatever the view."""

from django.db import OperationalError
from django.urls import include, path


def save_draft(request):
    raise OperationalError("connection to server failed: Connection refused")


urlpatterns = [
    path("drafts/save/", save_draft),
    path("", include("interviews.urls")),
]
