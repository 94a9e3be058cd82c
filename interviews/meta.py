"""What a page says about itself to search engines and link previews.

Each public view puts a `PageMeta` in its context as `meta` (through
`PageMetaMixin`); `templates/includes/page_meta.html` turns it into the
title, description, canonical URL, OpenGraph and Twitter card tags and
schema.org JSON-LD. Titles and descriptions live here, once, rather than in
several template blocks.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from . import sharecard

DESCRIPTION_CHARS = 200

# Inside <script>, "</script>" or "<!--" in a string would end or change the
# element; escaped as JSON \u sequences they are the same text to a parser.
# The escapes of Django's json_script, applied with str.replace rather than
# str.translate: a page's JSON-LD carries ten answers' text, which translate
# walks a character at a time (the measurement is in docs/performance.md).
_JSON_LD_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


@dataclass(frozen=True)
class PageMeta:
    title: str  # the page's own title; templates add the site name ("" on the home page)
    description: str
    canonical_url: str
    og_type: str = "website"
    image: str = ""  # absolute URL
    image_alt: str = ""
    image_size: tuple | None = None  # (width, height) of a page's own share image
    json_ld: dict | None = field(default=None)
    noindex: bool = False

    @property
    def full_title(self):
        return f"{self.title} · {settings.SITE_NAME}" if self.title else settings.SITE_NAME


class PageMetaMixin:
    """Adds `meta` to the context from `page_meta(context)`, a dict of PageMeta fields.

    The canonical URL is the page's path with only `canonical_params` kept
    (filters that make it a different page), plus the page number past one.
    """

    canonical_params = ()

    def page_meta(self, context):
        raise NotImplementedError

    def canonical_url(self, context):
        params = [
            (name, value)
            for name in self.canonical_params
            for value in self.request.GET.getlist(name)
        ]
        page = context.get("page_obj")
        if page is not None and page.number > 1:
            params.append(("page", page.number))
        query = f"?{urlencode(params)}" if params else ""
        return self.request.build_absolute_uri(f"{self.request.path}{query}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meta"] = PageMeta(
            canonical_url=self.canonical_url(context), **self.page_meta(context)
        )
        return context


def describe(text, limit=DESCRIPTION_CHARS):
    """`text` on one line, cut at a word boundary to suit a meta description."""
    return Truncator(" ".join((text or "").split())).chars(limit)


def json_ld_script(data):
    """A <script type="application/ld+json"> element, safe inside HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for char, escaped in _JSON_LD_ESCAPES:
        text = text.replace(char, escaped)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def absolute(request, url):
    return request.build_absolute_uri(url) if url else ""


def share_image(request, row, alt, fallback=""):
    """The PageMeta image fields of a page about `row` (an Answer or Interview):
    its share image (share.py) with its size and `alt`, else the `fallback`
    URL (a photo) until the worker has drawn one."""
    if not row.share_image:
        return {"image": absolute(request, fallback)}
    return {
        "image": absolute(request, row.share_image.url),
        "image_alt": alt,
        "image_size": (sharecard.WIDTH, sharecard.HEIGHT),
    }


def website_json_ld(request):
    """The site, with its search, for the home page."""
    home = absolute(request, reverse("interviews:home"))
    search = absolute(request, reverse("interviews:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "description": settings.SITE_TAGLINE,
        "url": home,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_terms}}"},
            "query-input": "required name=search_terms",
        },
    }


def person_json_ld(request, mentor):
    person = {
        "@type": "Person",
        "name": mentor.name,
        "url": absolute(request, mentor.get_absolute_url()),
    }
    if mentor.role:
        person["jobTitle"] = mentor.role
    if mentor.company:
        person["worksFor"] = {"@type": "Organization", "name": mentor.company}
    if mentor.bio:
        person["description"] = mentor.bio
    if mentor.photo:
        person["image"] = absolute(request, mentor.photo.url)
    same_as = [url for _label, url in mentor.links()]
    if same_as:
        person["sameAs"] = same_as
    return person


def profile_page_json_ld(request, interview, canonical_url):
    """A mentor's page: a ProfilePage about the Person."""
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": canonical_url,
        "datePublished": interview.published_at,
        "dateModified": max(interview.updated_at, interview.mentor.updated_at),
        "license": interview.reuse_license.url,
        "mainEntity": person_json_ld(request, interview.mentor),
    }


def answer_json_ld(request, answer):
    mentor = answer.interview.mentor
    return {
        "@type": "Answer",
        "text": answer.body_text,
        "url": absolute(request, answer.get_absolute_url()),
        "datePublished": answer.interview.published_at,
        "dateModified": max(answer.updated_at, answer.interview.published_at),
        "license": answer.interview.reuse_license.url,
        "author": {
            "@type": "Person",
            "name": mentor.name,
            "url": absolute(request, mentor.get_absolute_url()),
        },
    }


def qa_page_json_ld(request, question, answers, answer_count, canonical_url):
    """A question page: the Question with the answers shown on this page."""
    return {
        "@context": "https://schema.org",
        "@type": "QAPage",
        "url": canonical_url,
        "mainEntity": {
            "@type": "Question",
            "name": question.title,
            "text": question.text,
            "url": absolute(request, question.get_absolute_url()),
            "datePublished": question.created_at,
            "author": {
                "@type": "Organization",
                "name": settings.SITE_NAME,
                "url": absolute(request, reverse("interviews:home")),
            },
            "answerCount": answer_count,
            "suggestedAnswer": [answer_json_ld(request, answer) for answer in answers],
        },
    }
