"""`/robots.txt`: what crawlers may fetch, and where the sitemap is."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse


def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {
            # A custom admin path stays unnamed: robots.txt is public reading.
            "admin_path": reverse("admin:index") if settings.ADMIN_PATH == "admin/" else "",
            "sitemap_url": request.build_absolute_uri(reverse("interviews:sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )
