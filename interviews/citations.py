"""The links in an answer: read from its stored, sanitized HTML and normalised.

Links are read from `Answer.body_html`, never from the Markdown: whatever
renders it (markdown.py), the stored HTML is what readers click. One
resource is one normalised URL, so the same paper linked as
`http://www.arxiv.org/abs/1706.03762/?utm_source=x#intro` and
`https://arxiv.org/abs/1706.03762` counts once:

- the scheme and host in lower case, `http` made `https`, `www.` dropped,
  the default port and any user name dropped;
- the fragment dropped, and a trailing slash;
- tracking parameters (`utm_*`, `mc_*`, `fbclid`, `gclid`, `ref`, ...)
  removed, the remaining query kept, sorted.

Links that are not resources are skipped: mailto and other schemes,
relative links and links to this site (SITE_URL's host and ALLOWED_HOSTS).
"""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings

MAX_URL = 2000  # longer is no address a reader would cite (and keeps the unique index small)
MAX_TEXT = 300
QUOTES = "\"'\u201c\u201d\u2018\u2019"  # straight and curly, as SmartyPants writes them

TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs")
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mkt_tok", "ref", "ref_src", "ref_url", "_ga", "_gl",
}  # fmt: skip

# Link texts that say nothing about what they link to, so never a title:
# "here", "this one", or the address itself. A PostgreSQL regular expression
# (case-insensitive, `~*`), matched where the title is chosen (models/resources.py).
NOT_A_TITLE = (
    r"^\s*("
    r"|https?://\S*|www\.\S*|\S+\.[a-z]{2,}(/\S*)?"
    r"|here|this|this one|that|link|this link|source|click here|read more|more|post|this post"
    r"|paper|this paper|article|this article|blog|blog post|video|talk|slides|repo|code"
    r")\s*$"
)


def site_hosts():
    """The hosts that are this site: SITE_URL's and ALLOWED_HOSTS (`www.` dropped)."""
    hosts = {urlsplit(settings.SITE_URL).hostname or ""}
    hosts.update(host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*")
    return {_bare(host.lower().strip("[]")) for host in hosts if host}


def _bare(host):
    return host.removeprefix("www.")


def normalise_url(href, own_hosts=frozenset()):
    """(normalised URL, host) for a link to a resource, or None when it is not one."""
    try:
        parts = urlsplit((href or "").strip())
        host = parts.hostname
        port = parts.port
    except ValueError:  # a malformed address (a bad port, an unclosed "[")
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = _bare(host.rstrip("."))
    if not host or host in own_hosts or any(host.endswith(f".{own}") for own in own_hosts):
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking(key)
    )
    url = f"https://{netloc}{path}" + (f"?{urlencode(query)}" if query else "")
    return (url, host) if len(url) <= MAX_URL else None


def is_tracking(parameter):
    name = parameter.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


class _LinkReader(HTMLParser):
    """Collects (href, text) for each <a href> of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self._open = None  # [href, text parts] of the link being read

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            self._open = [href, []] if href else None
        elif tag == "img" and self._open is not None:
            self._open[1].append(dict(attrs).get("alt") or "")

    def handle_data(self, data):
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            href, parts = self._open
            # Quotes around a title ("“Hidden Technical Debt…”") are not part of it.
            text = " ".join("".join(parts).split()).strip(QUOTES)
            self.links.append((href, text))
            self._open = None


def cited_links(html, own_hosts=None):
    """{normalised URL: (host, link text)} for the resources `html` links to, in
    order; a resource linked twice keeps its first link's text."""
    if not html or "<a" not in html:
        return {}
    if own_hosts is None:
        own_hosts = site_hosts()
    reader = _LinkReader()
    reader.feed(html)
    reader.close()
    found = {}
    for href, text in reader.links:
        normal = normalise_url(href, own_hosts)
        if normal is not None and normal[0] not in found:
            found[normal[0]] = (normal[1], text[:MAX_TEXT])
    return found
