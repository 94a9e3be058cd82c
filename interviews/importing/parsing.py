"""Reading one interview file: front matter, intro, and (question, answer) pairs.

Nothing here touches the database. A file is UTF-8 Markdown with optional
YAML front matter. Its questions are marked in one of three ways:

- headings: `### Question?` (any level; `### *Question?*` too);
- lines that are wholly bold or emphasised: `**Question?**`, `**_Question?_**`,
  `___Question?___`;
- nothing at all, as in text pasted from a blog post or an email: a line of its
  own ending in "?".

A file uses one marking throughout: the marking found on the most lines that
end in "?" is the file's, and only lines marked that way are questions, so a
bold "**Why?**" inside an answer to a `###` question stays in the answer. A
marked line that does not end in "?" is a question too when it is a sentence
(five words or more): some sites end a question with a full stop. Plain-text
mode is the fallback only for files with no headings and no bold lines at
all, because guessing is risky: a question line must follow a blank line,
have at least three words, and not be in a code block, an HTML block, a list
item or a quote, so a question inside an answer's paragraph stays there.
"""

import re
from dataclasses import dataclass, field

from ..markdown import CONTROL_CHARACTERS
from .frontmatter import (
    LINK_FIELDS,
    FrontMatter,
    ImportFileError,
    ImportSkipped,
    read_front_matter,
    split_front_matter,
)
from .profile_links import take_links

MAX_FILE_BYTES = 1_000_000  # a long interview is 50 kB; anything this big is the wrong file
MIN_WORDS_WITHOUT_QUESTION_MARK = 5  # a marked line that is a sentence, not a label
MIN_WORDS_PLAIN = 3  # "Why?" on its own line is rhetoric, not an interview question
# A file with no questions and no more words than this ("Coming soon!") is a
# placeholder for an interview to come: skipped, not failed.
PLACEHOLDER_WORDS = 40
NO_QUESTION_MARKS = "no line ends in '?'"
CLOSING_QUOTES = "\"'\u201d\u2019\u00bb"  # a pasted question may sit in quotes

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# A line wholly wrapped in emphasis: `**Q?**`, `**_Q?_**`, `___Q?___`, `**Q**?`.
EMPHASIS = re.compile(r"^ {0,3}([*_]{1,3})([^\s*_](?:.*?\S)?)([*_]{1,3})([?.:]?)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
HTML_BLOCK_START = re.compile(r"^ {0,3}<(?:[A-Za-z/]|!--)")
LINK_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*\S")
# `[text][label]`, `[label][]` and the shortcut `[label]` (not followed by `(`, `[` or `:`).
FULL_REFERENCE = re.compile(r"\[([^\]]*)\]\[([^\]]*)\]")
SHORTCUT_REFERENCE = re.compile(r"(?<![\]\\])\[([^\]]+)\](?![(\[:])")


@dataclass
class ParsedQuestion:
    text: str  # as written, without its marker
    answer: str  # Markdown
    line: int  # where the question is in the file, for the report


@dataclass
class ParsedInterview:
    front: FrontMatter
    intro: str
    questions: list[ParsedQuestion]
    marking: str  # how the questions were recognised, for the report
    notes: list[str] = field(default_factory=list)


def decode(data):
    """The text of a file's bytes, with Unix newlines and without a byte-order mark."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        raise ImportFileError(f"not UTF-8 text (byte 0x{byte:02x} at offset {exc.start})") from None
    if "\x00" in text:
        offset = len(text[: text.index("\x00")].encode())
        raise ImportFileError(f"not a text file (a NUL byte at offset {offset})")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # Other control characters (form feeds, escapes from a terminal paste) carry
    # nothing readable and PostgreSQL or feeds may refuse them.
    return CONTROL_CHARACTERS.sub("", text)


def parse_interview(data):
    """Parse a file's bytes into a ParsedInterview, or raise ImportFileError or ImportSkipped."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"too large to be an interview (over {MAX_FILE_BYTES:,} bytes)")
    text = decode(data)
    if not text.strip():
        raise ImportFileError("the file is empty")
    meta, body_lines, first_line = split_front_matter(text)
    notes = []
    front = read_front_matter(meta, notes)
    questions, marking = find_questions(body_lines)
    definitions = link_definitions(body_lines)
    intro_end = questions[0][0] if questions else len(body_lines)
    intro = read_profile_links(front, section_text(body_lines[:intro_end], definitions), notes)
    if not questions:
        if marking == NO_QUESTION_MARKS and len(re.findall(r"\w+", intro)) <= PLACEHOLDER_WORDS:
            raise ImportSkipped("no questions: placeholder")
        raise ImportFileError(f"no questions found ({marking})")
    parsed = []
    for index, (line_index, question_text) in enumerate(questions):
        end = questions[index + 1][0] if index + 1 < len(questions) else len(body_lines)
        answer = section_text(body_lines[line_index + 1 : end], definitions)
        parsed.append(ParsedQuestion(question_text, answer, first_line + line_index))
    return ParsedInterview(front, intro, parsed, marking, notes)


def read_profile_links(front, intro, notes):
    """The intro without a "Learn more about…" sentence, whose links go to `front.links`.

    The sentence lists every link the mentor gave, so the fields it leaves out
    are emptied; links from the front matter (`links:`, `homepage`) come first.
    """
    given = {key: url for key, url in (front.links or {}).items() if url}
    intro, links, link_notes = take_links(intro, known=given)
    notes.extend(link_notes)
    if links:
        front.links = {**dict.fromkeys(LINK_FIELDS, ""), **(front.links or {}), **links, **given}
    return intro


# --- Questions --------------------------------------------------------------------


@dataclass
class Candidate:
    index: int  # in the body's lines
    key: str  # the marking: "h3" for `###`, "e2" for `**`, "e3" for `**_` or `___`
    text: str


def find_questions(lines):
    """([(line index, question text)], a description of the marking)."""
    eligible = list(eligible_lines(lines))
    candidates = [c for index, line in eligible if (c := marked_line(index, line))]
    asking = {}
    for candidate in candidates:
        if candidate.text.endswith("?"):
            asking[candidate.key] = asking.get(candidate.key, 0) + 1
    if asking:
        # Most lines ending in "?"; on a tie, headings before emphasis, then the first seen.
        order = [c.key for c in candidates]
        key = max(asking, key=lambda k: (asking[k], k.startswith("h"), -order.index(k)))
        questions = [
            (c.index, c.text)
            for c in candidates
            if c.key == key
            and (c.text.endswith("?") or len(c.text.split()) >= MIN_WORDS_WITHOUT_QUESTION_MARK)
        ]
        return questions, describe(key)
    if any(c.key.startswith("h") or c.key in ("e2", "e3") for c in candidates):
        return [], "its headings and bold lines do not end in '?'"
    questions = [
        (index, unquote(line))
        for index, line in eligible
        if (index == 0 or not lines[index - 1].strip())
        and unquote(line).endswith("?")
        and len(line.split()) >= MIN_WORDS_PLAIN
        and not LIST_ITEM.match(line)
        and not line.lstrip().startswith((">", "|"))
    ]
    return questions, "plain lines ending in '?'" if questions else NO_QUESTION_MARKS


def describe(key):
    if key.startswith("h"):
        return f"{'#' * int(key[1])} headings"
    return {"e1": "emphasised lines", "e2": "bold lines", "e3": "bold emphasised lines"}[key]


def eligible_lines(lines):
    """(index, line) for lines that could be a question: outside code and HTML blocks."""
    fence = None
    in_html = False
    for index, line in enumerate(lines):
        blank = not line.strip()
        if fence:
            if re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
                fence = None
        elif in_html:
            in_html = not blank  # an HTML block runs to the next blank line
        elif opening := FENCE.match(line):
            fence = opening.group(1)
        elif HTML_BLOCK_START.match(line):
            in_html = True
        elif not blank and not line.startswith(("    ", "\t")):
            # Lines indented four or more are code or a list item's paragraphs.
            yield index, line


def marked_line(index, line):
    """A Candidate when the line is a heading or wholly emphasised, else None."""
    if heading := HEADING.match(line):
        text = heading.group(2).strip()
        if not text:
            return None
        return Candidate(index, f"h{len(heading.group(1))}", unwrap_emphasis(text))
    if LINK_DEFINITION.match(line):
        return None
    emphasis = EMPHASIS.match(line)
    if not emphasis:
        return None
    opening, text, closing, after = emphasis.groups()
    # `**Bold** and **more**` is not one emphasised line: its markers close inside.
    if closing != opening[::-1] or f" {opening}" in text or f"{closing} " in text:
        return None
    return Candidate(index, f"e{len(opening)}", collapse(text + after))


def unwrap_emphasis(text):
    """`*Question?*` -> `Question?`, for headings that are also emphasised."""
    emphasis = EMPHASIS.match(text)
    if emphasis:
        opening, inner, closing, after = emphasis.groups()
        if closing == opening[::-1] and f" {opening}" not in inner and f"{closing} " not in inner:
            return collapse(inner + after)
    return collapse(text)


def unquote(line):
    """A plain question line without the quotes a blog may put around it."""
    text = line.strip()
    if text[-1:] in CLOSING_QUOTES and text.rstrip(CLOSING_QUOTES).endswith("?"):
        text = text.rstrip(CLOSING_QUOTES).lstrip("\"'\u201c\u2018\u00ab").strip()
    return collapse(text)


def collapse(text):
    return " ".join(text.split())


# --- Sections ---------------------------------------------------------------------


def link_definitions(lines):
    """{label: definition line} for reference-style links anywhere in the body.

    Blogs put every definition at the end of the post, so the last answer would
    hold them all and earlier answers would lose their links; `section_text`
    copies what a section uses into it. The first definition of a label wins.
    """
    definitions = {}
    for _, line in eligible_lines(lines):
        if match := LINK_DEFINITION.match(line):
            definitions.setdefault(link_label(match.group(1)), line.strip())
    return definitions


def link_label(label):
    return " ".join(label.lower().split())


def section_text(lines, definitions):
    """A section's Markdown, trimmed, with the link definitions it uses but lacks."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    text = "\n".join(lines).rstrip()
    own = {
        link_label(match.group(1))
        for _, line in eligible_lines(lines)
        if (match := LINK_DEFINITION.match(line))
    }
    used = []
    for _, line in eligible_lines(lines):
        if LINK_DEFINITION.match(line):
            continue
        # `[text][label]`, or `[label][]` whose link text is its label.
        labels = [m.group(2) or m.group(1) for m in FULL_REFERENCE.finditer(line)]
        labels += [m.group(1) for m in SHORTCUT_REFERENCE.finditer(FULL_REFERENCE.sub("", line))]
        for label in map(link_label, labels):
            if label and label in definitions and label not in own and label not in used:
                used.append(label)
    if used:
        text += "\n\n" + "\n".join(definitions[label] for label in used)
    return text
