"""A mentor's links written as a sentence: "Learn more about Ada on her [site](…) and [X](…)."

ApplyingML opens every interview with such a sentence, in many variations
("on his/her/their", "at [LinkedIn](…) and [Twitter](…)", extra links). Its
links belong in the mentor's profile fields, sorted by where they point
(`field_for`), and the sentence is dropped from the intro, because the page
shows the profile links anyway. When a link has no field to go to (a second
website, a community page, a mailto:), the sentence stays in the intro so that
nothing the file says is lost; the rest of the paragraph stays either way.

`sentence()` writes the sentence back for `export_interviews --format applyingml`.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from .frontmatter import LINK_FIELDS, WEB_URL

OPENING = re.compile(r"^\s*learn more about\b", re.IGNORECASE)
# `[text](url)`, `[text](<url>)`, `[text](url "title")`; a URL may hold balanced
# parentheses, as Wikipedia's do.
LINK = re.compile(r"\[([^\]]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+\"[^\"]*\")?\s*\)")
SENTENCE_END = re.compile(r"[.!](?=\s|$)")
HOSTS = {
    "x": ("twitter.com", "x.com"),
    "linkedin": ("linkedin.com",),
    "github": ("github.com",),
}
LABELS = {"website": "site", "x": "X", "linkedin": "LinkedIn", "github": "GitHub"}


def field_for(url):
    """The profile field a URL belongs in: x, linkedin, github, or website for the rest."""
    host = (urlsplit(url).hostname or "").lower()
    for field, hosts in HOSTS.items():
        if any(host == h or host.endswith("." + h) for h in hosts):
            return field
    return "website"


def same_url(a, b):
    def key(url):
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        return host, parts.path.rstrip("/"), parts.query

    return key(a) == key(b)


def take_links(intro, known=None):
    """(intro without the sentence, {field: url}, notes) for an intro that opens with one.

    `known` holds links the front matter already gave (`homepage`): a link to
    the same place fits, another one for that field does not.
    """
    known = dict(known or {})
    paragraphs = intro.split("\n\n", 1)
    first = paragraphs[0]
    if not OPENING.match(first):
        return intro, {}, []
    # The sentence names its links: one without them ("Learn more about her
    # work below.") is the intro's own text. It ends at the first full stop
    # after its first link, outside the links, whose URLs have dots too; a
    # stop before it belongs to a name ("J. R. Smith").
    link = LINK.search(first)
    if link is None:
        return intro, {}, []
    masked = LINK.sub(lambda m: "x" * len(m.group(0)), first)
    end = SENTENCE_END.search(masked, link.end())
    stop = end.end() if end else len(first)
    sentence, rest = first[:stop], first[stop:].strip()

    links, homeless = {}, []
    for _label, url in LINK.findall(sentence):
        field = field_for(url) if is_web_url(url) else None
        if field and field in known and same_url(known[field], url):
            continue
        if field is None or field in known or field in links:
            homeless.append(url)
        else:
            links[field] = url
    if homeless:
        note = (
            "the 'Learn more about' sentence stays in the intro: no profile field for "
            + ", ".join(homeless)
        )
        return intro, links, [note]
    remaining = "\n\n".join(part for part in (rest, *paragraphs[1:]) if part.strip())
    return remaining.strip(), links, []


def is_web_url(url):
    try:
        WEB_URL(url)
    except ValidationError:
        return False
    return True


def sentence(name, links):
    """The sentence for {field: url} (empty values left out), or "" when there are none."""
    parts = [f"[{LABELS[field]}]({links[field]})" for field in LINK_FIELDS if links.get(field)]
    if not parts:
        return ""
    if len(parts) == 1:
        listed = parts[0]
    elif len(parts) == 2:
        listed = " and ".join(parts)
    else:
        listed = ", ".join(parts[:-1]) + ", and " + parts[-1]
    return f"Learn more about {name} on their {listed}."
