"""A URLconf with a view that saves, standing in for forms still to be built
(the mentor's draft form), to show what they inherit when the database fails."""

from django.db import OperationalError
from django.urls import include, path


def save_draft(request):
    raise OperationalError("connection to server failed: Connection refused")


urlpatterns = [
    path("drafts/save/", save_draft),
    path("", include("interviews.urls")),
]
