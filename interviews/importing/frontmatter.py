"""A file's YAML front matter: the keys the importer reads, in the shapes sites write them.

Two vocabularies are read, and may be mixed:

- this site's own (what `export_interviews` writes): `name`, `slug`, `role`,
  `company`, `bio`, `date`, `status`, `links` (website/linkedin/github/x),
  `lessons` ({question: [lesson names]}), `follow_ups` (wordings an editor
  confirmed as questions of this interview only) and `license` (cc-by-4.0 or
  all-rights-reserved; a new interview without it is all rights reserved);
- ApplyingML's (`src/markdown/interviews/*.mdx` there, and
  `export_interviews --format applyingml` here): `slug` as the site path
  `/mentors/first-last/`, `role` as "Position @ Organization", `description`
  for the bio, `homepage` for the website, `type` ("mentor"; "template" for the
  file new interviews are written from, which is skipped), and dates that are
  not zero-padded ("2021-9-17").

Where both say the same thing, this site's key wins: `company` over the part
of `role` after "@", `bio` over `description`, `links.website` over
`homepage`. Other keys (title, url, weight...) are ignored.
"""

import datetime as dt
import re
from dataclasses import dataclass

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..models import Interview
from ..models.enums import License

LINK_FIELDS = ["website", "linkedin", "github", "x"]
WEB_URL = URLValidator(schemes=["http", "https"])  # no javascript:, data: or ftp: links
LESSON_NAME_MAX = 100  # taggit's name column
IMPORTABLE_STATUSES = {Interview.Status.DRAFT, Interview.Status.PUBLISHED}
SKIPPED_TYPES = {"template"}  # ApplyingML's template.mdx: questions with no answers
# "2021-07-28", and "2021-9-17" as some ApplyingML files write it.
LOOSE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class ImportFileError(Exception):
    """A file that cannot be imported; the message says why, for the report."""


class ImportSkipped(Exception):
    """A file that is not an interview (a placeholder, a template): reported, not failed."""


@dataclass
class FrontMatter:
    """What the front matter says; None means "not given" (leave it as it is)."""

    name: str = ""
    slug: str = ""
    role: str | None = None
    company: str | None = None
    bio: str | None = None
    date: dt.date | None = None
    status: str = ""
    kind: str = ""  # ApplyingML's `type`
    links: dict | None = None  # only the keys given; `links:` gives all four
    lessons: dict | None = None
    follow_ups: tuple[str, ...] = ()
    license: str | None = None


def split_front_matter(text):
    """(front matter mapping, body lines, file line number of the first body line)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return {}, lines, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        raise ImportFileError("bad front matter: no closing '---' line")
    try:
        meta = yaml.safe_load("\n".join(lines[1:index]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # The mark counts from the YAML's first line, which is the file's second.
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ImportFileError(f"bad front matter{where}: {problem}") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # PyYAML's constructors raise these for values they cannot build
        # ("date: 2021-02-30", "!!int 0x").
        raise ImportFileError(f"bad front matter: a value YAML cannot read ({exc})") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ImportFileError("bad front matter: not a mapping of keys to values")
    return meta, lines[index + 1 :], index + 2


def read_front_matter(meta, notes):
    """A FrontMatter from the mapping; notes collects what was read differently than written."""
    role, company = _text(meta, "role"), _text(meta, "company")
    if role and "@" in role:
        # ApplyingML's "Senior Applied Scientist @ Amazon".
        role, _, organization = (part.strip() for part in role.partition("@"))
        company = organization if company is None else company
    bio = _text(meta, "bio")
    if bio is None:
        # ApplyingML writes `description: ""` in every file: empty is "not given".
        bio = _text(meta, "description") or None
    kind = (_text(meta, "type") or "").lower()
    if kind in SKIPPED_TYPES:
        raise ImportSkipped(f"type: {kind}")
    front = FrontMatter(
        name=_text(meta, "name") or "",
        slug=_slug(meta),
        role=role,
        company=company,
        bio=bio,
        date=_date(meta),
        kind=kind,
        links=_links(meta),
        lessons=_lessons(meta),
        follow_ups=_follow_ups(meta),
        license=_license(meta),
    )
    status = (_text(meta, "status") or "").lower()
    if status and status not in Interview.Status.values:
        choices = ", ".join(Interview.Status.values)
        raise ImportFileError(f"bad front matter: status '{status}' is not one of {choices}")
    if status and status not in IMPORTABLE_STATUSES:
        notes.append(f"status '{status}' is imported as a draft")
        status = Interview.Status.DRAFT
    front.status = status
    return front


def _text(meta, key):
    if key not in meta or meta[key] is None:
        return None
    value = meta[key]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ImportFileError(f"bad front matter: '{key}' should be text")
    return str(value).strip()


def _slug(meta):
    """The slug, or the last part of a site path: "/mentors/first-last/" -> "first-last".

    Whether what is left is a valid slug is the Mentor model's to say (its
    validation error names the field), so that rule lives in one place.
    """
    slug = _text(meta, "slug") or ""
    if "/" in slug:
        parts = [part for part in slug.split("/") if part]
        slug = parts[-1] if parts else ""
    return slug


# How files spell the two licences, lowercased with runs of spaces, dashes and
# underscores made one dash.
LICENSE_SPELLINGS = {
    "cc-by-4.0": License.CC_BY,
    "cc-by-4": License.CC_BY,
    "cc-by": License.CC_BY,
    "all-rights-reserved": License.ALL_RIGHTS_RESERVED,
}


def _license(meta):
    text = _text(meta, "license")
    if text is None:
        text = _text(meta, "licence")
    if not text:
        return None
    spelled = re.sub(r"[\s_-]+", "-", text.strip().lower())
    if spelled not in LICENSE_SPELLINGS:
        raise ImportFileError(
            f"bad front matter: license '{text}' is not one of {', '.join(License.values)}"
        )
    return LICENSE_SPELLINGS[spelled].value


def _date(meta):
    value = meta.get("date")
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = LOOSE_DATE.match(text)
    try:
        if not match:
            raise ValueError
        return dt.date(*map(int, match.groups()))
    except ValueError:
        raise ImportFileError(f"bad front matter: date '{value}' is not YYYY-MM-DD") from None


def web_url(key, url, where="links: "):
    """The URL if it is an http(s) address, else an ImportFileError naming the key."""
    try:
        WEB_URL(url)
    except ValidationError:
        raise ImportFileError(
            f"bad front matter: {where}{key} '{url}' is not an http(s) address"
        ) from None
    return url


def _links(meta):
    links = None
    value = meta.get("links")
    if value is not None:
        if not isinstance(value, dict):
            raise ImportFileError(
                "bad front matter: 'links' should map website/linkedin/github/x to URLs"
            )
        unknown = sorted(str(key) for key in value if key not in LINK_FIELDS)
        if unknown:
            raise ImportFileError(
                f"bad front matter: unknown link {', '.join(unknown)} (use {', '.join(LINK_FIELDS)})"
            )
        links = {}
        for key in LINK_FIELDS:
            url = _text(value, key) or ""
            links[key] = web_url(key, url) if url else ""
    homepage = _text(meta, "homepage")
    if homepage and not (links and links["website"]):
        links = {**(links or {}), "website": web_url("homepage", homepage, where="")}
    return links


def _lessons(meta):
    """{question slug or wording: [lesson names]}; a single name may be given as text."""
    value = meta.get("lessons")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ImportFileError(
            "bad front matter: 'lessons' should map questions to lists of lessons"
        )
    lessons = {}
    for key, names in value.items():
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise ImportFileError(
                f"bad front matter: lessons for '{key}' should be a list of names"
            )
        too_long = [n for n in names if len(n.strip()) > LESSON_NAME_MAX]
        if too_long:
            raise ImportFileError(
                f"bad front matter: a lesson name is longer than {LESSON_NAME_MAX} characters "
                f"({too_long[0][:40]}…)"
            )
        lessons[str(key)] = [name.strip() for name in names]
    return lessons


def _follow_ups(meta):
    value = meta.get("follow_ups")
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ImportFileError("bad front matter: 'follow_ups' should be a list of questions")
    return tuple(" ".join(v.split()) for v in value)
