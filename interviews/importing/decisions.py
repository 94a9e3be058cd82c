"""The editor's decisions about questions the matcher cannot place.

A wording that matches no standard question is never made a follow-up on
the importer's own say: the file is held until the editor maps the wording to
a standard question or confirms it as a follow-up. Decisions are keyed by the
normalised wording, so one decision covers every file that asks it, and come
from the command line (`--map "WORDING=question-slug"`, `--map-file FILE`,
`--follow-ups` for all of them) or the admin's import preview.

A file records its own follow-ups in its front matter (`follow_ups:`, which
the exporter writes), and a follow-up an interview already has is decided
too, so importing a file again asks nothing twice.
"""

from .matching import normalise

FOLLOW_UP = "follow-up"  # the decision "keep it as a question of this interview only"


class MappingError(ValueError):
    """A decision that names no standard question; the message says which."""


def parse_decision(text, where="--map"):
    """(wording, question slug or FOLLOW_UP) from 'WORDING=question-slug'."""
    wording, sep, target = text.rpartition("=")
    wording, target = " ".join(wording.split()), target.strip()
    if not sep or not wording or not target:
        raise MappingError(f"{where}: '{text.strip()}' is not WORDING=question-slug")
    return wording, target


def read_map_file(path):
    """[(wording, target)] from a file of WORDING=question-slug lines (# starts a comment)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: cannot read it ({exc})") from None
    decisions = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            decisions.append(parse_decision(line, where=f"{path}, line {number}"))
    return decisions


def resolve(decisions, questions):
    """{normalised wording: Question or FOLLOW_UP} for [(wording, slug or FOLLOW_UP)].

    `questions` are the standard questions the matcher holds, so a mapped
    question is the same object the matcher learns the wording for.
    """
    by_slug = {question.slug: question for question in questions}
    resolved = {}
    for wording, target in decisions:
        if target != FOLLOW_UP and target not in by_slug:
            raise MappingError(
                f"'{target}' is not a standard question (use a slug such as "
                f"{', '.join(list(by_slug)[:3])}…, or {FOLLOW_UP})"
            )
        resolved[normalise(wording)] = FOLLOW_UP if target == FOLLOW_UP else by_slug[target]
    return resolved
