"""The site's URLconf plus /media/ served from MEDIA_ROOT as it is at request
time, so a test can fetch a photo's address before and after a change
(production serves media from its own host or storage)."""

from django.conf import settings
from django.urls import include, path
from django.views.static import serve


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("media/<path:path>", media),
    path("", include("applyingml.urls")),
]
