"""Content URLs, reversed once per URL pattern instead of once per link.

A list page links hundreds of mentors, answers and lessons, and Django's
`reverse()` walks the URLconf on every call (its cost on /lessons/ is in
docs/performance.md).
`slug_url()` reverses a name once with placeholder slugs, keeps the result
(per URLconf and script prefix, so tests overriding either are safe) and
fills the real slugs in.
"""

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=64)
def _pattern(name, arity, urlconf, prefix):
    return reverse(name, urlconf=urlconf, args=[f"slug{n}slug" for n in range(arity)])


def _current_pattern(name, arity):
    # Per URLconf and script prefix, so tests overriding either are safe.
    return _pattern(name, arity, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def slug_url_maker(name):
    """A function slug -> slug_url(name, slug), for long lists of one kind of link."""
    url = _current_pattern(name, 1)
    return lambda slug: url.replace("slug0slug", quote(slug, safe=""), 1)


def slug_url(name, *slugs):
    """reverse(name, args=slugs) for URLs whose arguments are all slugs."""
    url = _current_pattern(name, len(slugs))
    for n, slug in enumerate(slugs):
        url = url.replace(f"slug{n}slug", quote(slug, safe=""), 1)
    return url
