"""Template context every page needs: the site's name, tagline and canonical origin."""

from django.conf import settings


def site(request):
    """The site's name and tagline, for the base layout."""
    return {"site_name": settings.SITE_NAME, "site_tagline": settings.SITE_TAGLINE}
