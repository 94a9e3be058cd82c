"""What browsers and crawlers fetch by well-known names: `/robots.txt` (what
crawlers may fetch, and where the sitemap is), `/favicon.ico` and the web app
manifest."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control

# site.css's page background in the light theme (--bg), which the browser
# paints before the stylesheet arrives; tests/test_static.py keeps them equal.
BACKGROUND_COLOR = "#fdfcfa"
ICON_SIZES = [192, 512]


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


@cache_control(public=True, max_age=86400)
def favicon(request):
    """`/favicon.ico`, asked for by clients that read no <link rel="icon">
    (feed readers, bookmarks): the static file, under its hashed name in
    production. Not permanent, since that name changes with the file."""
    return redirect(static("icons/favicon.ico"))


@cache_control(public=True, max_age=86400)
def web_manifest(request):
    """`/manifest.webmanifest`: a view, not a static file, so the icons are
    named by their hashed URLs."""
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in ICON_SIZES
    ]
    icons.append({"src": static("icons/favicon.svg"), "sizes": "any", "type": "image/svg+xml"})
    manifest = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "description": settings.SITE_TAGLINE,
        "lang": "en",
        "start_url": reverse("interviews:home"),
        "scope": reverse("interviews:home"),
        "display": "standalone",
        "theme_color": BACKGROUND_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
    }
    return JsonResponse(manifest, content_type="application/manifest+json")
