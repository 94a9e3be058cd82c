"""Markdown to safe HTML, used once on save for every stored HTML field.

Mentors and imports supply Markdown that may contain raw HTML. It is rendered
with Python-Markdown, then cleaned by nh3 against an allowlist: no scripts,
no event handlers or style attributes, and links only to http, https and
mailto. Templates print the stored result and never render Markdown
themselves.
"""

import re
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists", "smarty"]


# C0 control characters other than tab and newlines: invisible, and XML 1.0
# cannot carry them, so a stray one pasted into an answer would break the feeds.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render_markdown(text):
    """Return sanitized HTML for Markdown `text` ("" for empty input)."""
    text = CONTROL_CHARACTERS.sub("", text or "")
    if not text.strip():
        return ""
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


# Search highlights are marked with these two private-use characters and turned
# into <mark> only after escaping (see interviews/search.py); stored text never
# contains them, so a mentor cannot forge a highlight.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"


# Tags that separate words; inline ones (em, a, code...) sit inside a word's flow.
BLOCK_TAGS = {
    "blockquote", "br", "dd", "dl", "dt", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li",
    "ol", "p", "pre", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, a space where a block began or ended."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.parts.append(" ")


def html_to_text(html):
    """The words of sanitized `html` as plain text, whitespace collapsed.

    Search indexes and highlights this copy rather than the HTML, so a
    highlight can never cut a tag in half.
    """
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    text = "".join(extractor.parts).replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, "")
    return " ".join(text.split())
