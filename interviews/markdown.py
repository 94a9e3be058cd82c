"""Markdown to safe HTML, used once on save for every stored HTML field.

Mentors write Markdown as GitHub taught them: CommonMark (lists nested by two
spaces), tables, ~~strikethrough~~, footnotes, definition lists, pasted URLs
that become links, and some raw HTML. It is parsed by markdown-it-py, then
cleaned by nh3 against an allowlist: no scripts, no event handlers or style
attributes, links only to http, https and mailto, and the few attributes the
renderer itself adds (footnote ids, the keyboard access to wide content).
Templates print the stored result and never render Markdown themselves.

`render_markdown` is pure (no database), so the migration that re-renders
stored answers calls the same function the models do.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core.linkify import linkify
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "aria-label"},
    "abbr": {"title"},
    "div": {"aria-label", "class"},
    "img": {"src", "alt", "title", "width", "height"},
    "li": {"id"},
    "ol": {"start", "class"},
    "td": {"class"},
    "th": {"class"},
}
# Attributes with one allowed value: the scrolling box around a table (a
# keyboard must reach what only scrolls into view; axe's scrollable-region-focusable).
ALLOWED_VALUES = {"div": {"role": {"region"}, "tabindex": {"0"}}}
# The classes the renderer gives (nh3's allowed_classes would leave `class=""`).
# A column's alignment is a class: the CSP refuses style attributes, and HTML
# has made `align` obsolete.
ALLOWED_CLASSES = {
    "div": {"table-scroll"},
    "ol": {"footnotes"},
    "td": {"align-left", "align-center", "align-right"},
    "th": {"align-left", "align-center", "align-right"},
}
# Every code block scrolls sideways rather than breaking its lines, so every
# one can take the keyboard's focus, raw HTML ones included.
FORCED_VALUES = {"pre": {"tabindex": "0"}}
URL_SCHEMES = {"http", "https", "mailto"}
TABLE_LABEL_LENGTH = 80
# A footnote's way back to its reference (U+FE0E: as text, not as an emoji on iOS).
BACKREF = "\u21a9\ufe0e"


# C0 control characters other than tab and newlines: invisible, and XML 1.0
# cannot carry them, so a stray one pasted into an answer would break the feeds.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Python-Markdown's SmartyPants did dashes and ellipses; markdown-it's own
# `replacements` would also turn "(c)" into "©", which breaks "(a), (b), (c)".
DASHES_AND_ELLIPSES = [
    (re.compile(r"(^|[^-])---(?=[^-]|$)", re.MULTILINE), "\\1\u2014"),
    (re.compile(r"(^|\s)--(?=\s|$)", re.MULTILINE), "\\1\u2013"),
    (re.compile(r"(^|[^-\s])--(?=[^-\s]|$)", re.MULTILINE), "\\1\u2013"),
    (re.compile(r"(?<!\.)\.\.\.(?!\.)"), "\u2026"),
]


def _dashes_and_ellipses(state):
    for token in state.tokens:
        if token.type != "inline":
            continue
        in_autolink = 0
        for child in token.children or ():
            if child.type == "link_open" and child.info == "auto":
                in_autolink += 1
            elif child.type == "link_close" and in_autolink:
                in_autolink -= 1
            elif (
                child.type == "text"
                and not in_autolink
                and ("--" in child.content or "..." in child.content)
            ):
                for pattern, replacement in DASHES_AND_ELLIPSES:
                    child.content = pattern.sub(replacement, child.content)


def _column_alignment(state):
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and (style := token.attrGet("style")):
            token.attrs.pop("style")
            token.attrSet("class", "align-" + style.removeprefix("text-align:"))


def _table_open(self, tokens, idx, options, env):
    """A table inside a box that scrolls sideways, reachable and named for a keyboard.

    The name comes from the header cells, so two tables on one page (axe's
    landmark-unique) differ as much as their columns do.
    """
    headers = []
    for token in tokens[idx + 1 :]:
        if token.type in ("thead_close", "tbody_open", "table_close"):
            break
        if token.type == "inline":
            headers.append(
                " ".join(child.content for child in token.children or () if child.content)
            )
    names = ", ".join(header for header in headers if header.strip())
    if len(names) > TABLE_LABEL_LENGTH:
        names = names[: TABLE_LABEL_LENGTH - 1].rstrip(", ") + "\u2026"
    label = f"Table: {names}" if names else "Table"
    return (
        f'<div class="table-scroll" tabindex="0" role="region" '
        f'aria-label="{escapeHtml(label)}">\n' + self.renderToken(tokens, idx, options, env)
    )


def _table_close(self, tokens, idx, options, env):
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _footnote_block_open(self, tokens, idx, options, env):
    # No <section>: a list is enough, and it needs no heading of its own.
    return '<hr>\n<ol class="footnotes">\n'


def _footnote_block_close(self, tokens, idx, options, env):
    return "</ol>\n"


def _footnote_anchor(self, tokens, idx, options, env):
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    number = ident.rsplit("-", 1)[-1]
    if tokens[idx].meta["subId"] > 0:
        ident += ":" + str(tokens[idx].meta["subId"])
    return f' <a href="#fnref{ident}" aria-label="Back to reference {number}">{BACKREF}</a>'


def _linkify(state):
    # linkify-it's own pretest is a slow regex; most answers hold no URL at all.
    # (With fuzzy links off, a link needs "://" or an email address's "@".)
    if "://" in state.src or "@" in state.src:
        linkify(state)


def _parser():
    md = MarkdownIt("commonmark", {"typographer": True, "html": True, "linkify": True})
    md.enable(["table", "strikethrough", "linkify", "smartquotes"])
    # Pasted URLs with a scheme and email addresses become links, as on GitHub;
    # a bare "example.com" stays text (it is as often a name as an address).
    md.linkify.set({"fuzzy_link": False})
    md.use(footnote_plugin, inline=False).use(deflist_plugin)
    md.core.ruler.at("linkify", _linkify)
    md.core.ruler.after("smartquotes", "dashes_and_ellipses", _dashes_and_ellipses)
    md.core.ruler.push("column_alignment", _column_alignment)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    md.add_render_rule("footnote_block_open", _footnote_block_open)
    md.add_render_rule("footnote_block_close", _footnote_block_close)
    md.add_render_rule("footnote_anchor", _footnote_anchor)
    md.add_render_rule("image", _image)
    return md


def site_image_origins():
    """Where an image may come from: this site and its media origin (the CSP's img-src)."""
    origins = set()
    for url in (settings.SITE_URL, settings.MEDIA_URL):
        parts = urlsplit(url)
        if parts.scheme and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def is_site_image(src, origins):
    """True for an image the Content-Security-Policy lets a reader's browser load."""
    parts = urlsplit(src.strip())
    if not parts.scheme and not parts.netloc:
        return bool(parts.path)  # a path on this site
    return f"{parts.scheme}://{parts.netloc}".lower() in origins


def _image(self, tokens, idx, options, env):
    """An image from another site becomes a link to it: the browser would block it.

    Forms refuse such images with a message (`outside_images`); this keeps
    what was saved anyway (imports, older answers) from showing a broken image.
    """
    token = tokens[idx]
    src = token.attrGet("src") or ""
    if is_site_image(src, env["image_origins"]):
        return self.image(tokens, idx, options, env)
    alt = self.renderInlineAsText(token.children or [], options, env)
    text = escapeHtml(f"Image: {alt}" if alt.strip() else "Image")
    return f'<a href="{escapeHtml(src)}">{text}</a>'


MARKDOWN = _parser()
# The same parser for reading a file's block structure (the importer): the
# rules that only change words (quotes, dashes, links found in text) are off.
STRUCTURE = _parser().disable(["linkify", "smartquotes", "dashes_and_ellipses"])


FOOTNOTE_ID = re.compile(r"fn(?:ref)?-(.+)-\d+(?::\d+)?")


def _attribute_filter(anchor):
    """Keep an id only when this render made it: footnotes, namespaced by `anchor`."""

    def keep(tag, attribute, value):
        if attribute == "id":
            own = FOOTNOTE_ID.fullmatch(value)
            return value if own and own.group(1) == anchor else None
        if attribute == "class":
            return value if value in ALLOWED_CLASSES.get(tag, ()) else None
        if attribute == "aria-label" and tag == "div":
            return value if value.startswith("Table") else None
        return value

    return keep


def answer_anchor(interview_id, question_id):
    """The footnote namespace of an answer: one per interview and question, so
    unique on any page, however many answers it shows."""
    return f"a{interview_id}-{question_id}"


def intro_anchor(mentor_id):
    """The footnote namespace of an interview's introduction (one per mentor on a page)."""
    return f"m{mentor_id}"


def render_markdown(text, anchor="md", image_origins=None):
    """Return sanitized HTML for Markdown `text` ("" for empty input).

    `anchor` namespaces the footnote ids: each caller passes one unique among
    everything shown on one page (an answer's interview and question), so
    `#fn-<anchor>-1` leads to this text's own footnote. `image_origins`:
    where images may come from, this site's by default.
    """
    text = CONTROL_CHARACTERS.sub("", text or "")
    if not text.strip():
        return ""
    if image_origins is None:
        image_origins = site_image_origins()
    html = MARKDOWN.render(text, {"docId": anchor, "image_origins": image_origins})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter(anchor),
        tag_attribute_values=ALLOWED_VALUES,
        set_tag_attribute_values=FORCED_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    ).strip()


def outside_images(text, image_origins=None):
    """The addresses of images in `text` that come from another site, in order.

    A reader's browser would refuse to load them (the Content-Security-Policy
    allows this site's images only), so the forms refuse them with this list.
    """
    if image_origins is None:
        image_origins = site_image_origins()
    found = []
    for token in MARKDOWN.parse(CONTROL_CHARACTERS.sub("", text or "")):
        for child in token.children or ():
            src = child.attrGet("src") if child.type == "image" else None
            if src is not None and not is_site_image(src, image_origins) and src not in found:
                found.append(src)
    return found


def outside_images_message(urls):
    """What a mentor is told about images from other sites, or "" when there are none."""
    if not urls:
        return ""
    listed = ", ".join(urls[:3]) + (f" and {len(urls) - 3} more" if len(urls) > 3 else "")
    return (
        f"Images from other sites cannot be shown here ({listed}): readers' browsers "
        "would block them. Please link to the image instead, e.g. [my chart](https://…)."
    )


def validate_site_images(text):
    """The forms' check (mentor's and editors'): refuse images from other sites, saying why."""
    if message := outside_images_message(outside_images(text)):
        raise ValidationError(message, code="outside_image")


def preview_anchor(slug):
    """The footnote namespace of one answer's preview on the mentor's form."""
    return "preview-" + re.sub(r"[^a-z0-9-]", "", str(slug).lower())[:60]


# Search highlights are marked with these two private-use characters and turned
# into <mark> only after escaping (see interviews/search.py); stored text never
# contains them, so a mentor cannot forge a highlight.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"


# Tags that separate words; inline ones (em, a, code...) sit inside a word's flow.
BLOCK_TAGS = {
    "blockquote", "br", "dd", "div", "dl", "dt", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
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
    # A footnote's arrow back is a link, not a word a snippet should show.
    return " ".join(text.replace(BACKREF, "").split())
