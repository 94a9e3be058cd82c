"""The root URLconf: the admin at settings.ADMIN_PATH, the public API, then the interviews app."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from interviews.api import api

handler400 = "interviews.errors.bad_request"

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("interviews.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database outage raised outside a view still answers 503, not 500.
handler500 = "applyingml.errors.server_error"
