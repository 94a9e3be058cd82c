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

The file's block structure (headings, paragraphs and their lines, lists,
quotes, code and HTML blocks, link and footnote definitions) is read by the
same markdown-it parser that renders answers (`interviews.markdown`), so the
importer and the page agree on what is a heading, a list or a code block.
"""

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..markdown import CONTROL_CHARACTERS, STRUCTURE
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

# A heading wholly wrapped in emphasis: `### *Q?*`, `### **_Q?_**`, `### **Q**?`.
EMPHASIS = re.compile(r"^([*_]{1,3})([^\s*_](?:.*?\S)?)([*_]{1,3})([?.:]?)$")
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
    blocks = Blocks(body_lines)
    questions, marking = find_questions(body_lines, blocks)
    intro_end = questions[0].index if questions else len(body_lines)
    intro = read_profile_links(front, blocks.section_text(0, intro_end), notes)
    if not questions:
        if marking == NO_QUESTION_MARKS and len(re.findall(r"\w+", intro)) <= PLACEHOLDER_WORDS:
            raise ImportSkipped("no questions: placeholder")
        raise ImportFileError(f"no questions found ({marking})")
    parsed = []
    for number, question in enumerate(questions):
        end = questions[number + 1].index if number + 1 < len(questions) else len(body_lines)
        answer = blocks.section_text(question.after, end)
        parsed.append(ParsedQuestion(question.text, answer, first_line + question.index))
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


# --- The block structure ---------------------------------------------------------


class Line(NamedTuple):
    index: int  # in the body's lines
    text: str  # the line as written
    first: bool  # the first line of its paragraph
    inline: list  # its inline tokens (markdown-it), between line breaks


class Heading(NamedTuple):
    index: int
    after: int  # the first line after it (a setext heading's underline is its own)
    level: int
    text: str  # its inline source, without the #s


class Blocks:
    """What markdown-it reads in the body: top-level headings and paragraph lines
    (nothing in a list, a quote, a table, a code or HTML block), link and
    footnote definitions, and each paragraph's or heading's inline source."""

    def __init__(self, lines):
        self.lines = lines
        env = {"docId": "import", "image_origins": set()}
        tokens = STRUCTURE.parse("\n".join(lines), env)
        self.headings = []
        self.paragraph_lines = []
        self.inline = []  # (first line, inline source) of every paragraph, heading and cell
        for position, token in enumerate(tokens):
            if token.type == "inline" and token.map:
                self.inline.append((token.map[0], token.content))
            if token.level != 0 or not token.map:
                continue
            if token.type == "heading_open":
                inline = tokens[position + 1]
                self.headings.append(
                    Heading(token.map[0], token.map[1], int(token.tag[1]), inline.content)
                )
            elif token.type == "paragraph_open":
                self.paragraph_lines.extend(self._lines(token.map[0], tokens[position + 1]))
        # {label: (first line, end)}; the first definition of a label wins, as in Markdown.
        self.definitions = {
            link_label(label): tuple(ref["map"])
            for label, ref in env.get("references", {}).items()
            if ref.get("map")
        }
        for label, span in footnote_spans(tokens):
            self.definitions.setdefault(f"^{link_label(label)}", span)

    def _lines(self, first, inline):
        """The paragraph's lines, each with its own inline tokens."""
        parts = [[]]
        for child in inline.children or ():
            if child.type in ("softbreak", "hardbreak"):
                parts.append([])
            else:
                parts[-1].append(child)
        for offset, children in enumerate(parts):
            index = first + offset
            if index < len(self.lines):
                yield Line(index, self.lines[index], offset == 0, children)

    def section_text(self, start, end):
        """Lines start..end as Markdown, trimmed, with the definitions they use but lack.

        Blogs put every definition at the end of the post, so the last answer
        would hold them all and earlier answers would lose their links; the
        definitions a section uses are copied into it.
        """
        lines = self.lines[start:end]
        while lines and not lines[0].strip():
            lines, start = lines[1:], start + 1
        text = "\n".join(lines).rstrip()
        own = {label for label, (first, _) in self.definitions.items() if start <= first < end}
        # Answers often each define their own [^1]: read over the whole file, the
        # parser keeps one of them, so the section's own are read from it alone.
        env = {"docId": "import", "image_origins": set()}
        own |= {f"^{link_label(label)}" for label, _ in footnote_spans(STRUCTURE.parse(text, env))}
        used = []
        for first, source in self.inline:
            if not start <= first < end:
                continue
            # `[text][label]`, or `[label][]` whose link text is its label.
            labels = [m.group(2) or m.group(1) for m in FULL_REFERENCE.finditer(source)]
            labels += [
                m.group(1) for m in SHORTCUT_REFERENCE.finditer(FULL_REFERENCE.sub("", source))
            ]
            for label in map(link_label, labels):
                if label in self.definitions and label not in own and label not in used:
                    used.append(label)
        if used:
            copied = [
                "\n".join(self.lines[slice(*self.definitions[label])]).strip() for label in used
            ]
            text += "\n\n" + "\n".join(copied)
        return text


def footnote_spans(tokens):
    """(label, (first line, end)) of each footnote definition, from its content's lines."""
    label, lines = None, []
    for token in tokens:
        if token.type == "footnote_open":
            label, lines = token.meta["label"], []
        elif token.type == "footnote_close" and label is not None:
            if lines:
                yield label, (min(lines), max(lines))
            label = None
        elif label is not None and token.map:
            lines.extend(token.map)


def link_label(label):
    return " ".join(label.lower().split())


# --- Questions --------------------------------------------------------------------


@dataclass
class Candidate:
    index: int  # in the body's lines
    after: int  # where its answer starts
    key: str  # the marking: "h3" for `###`, "e2" for `**`, "e3" for `**_` or `___`
    text: str


class Found(NamedTuple):
    index: int  # the question's line in the lines given
    text: str
    after: int  # the line its answer starts on


def find_questions(lines, blocks=None):
    """([Found], a description of the marking)."""
    blocks = blocks or Blocks(lines)
    candidates = [
        Candidate(h.index, h.after, f"h{h.level}", unwrap_emphasis(h.text))
        for h in blocks.headings
        if h.text.strip()
    ]
    candidates += [c for line in blocks.paragraph_lines if (c := emphasised_line(line))]
    candidates.sort(key=lambda c: c.index)
    asking = {}
    for candidate in candidates:
        if candidate.text.endswith("?"):
            asking[candidate.key] = asking.get(candidate.key, 0) + 1
    if asking:
        # Most lines ending in "?"; on a tie, headings before emphasis, then the first seen.
        order = [c.key for c in candidates]
        key = max(asking, key=lambda k: (asking[k], k.startswith("h"), -order.index(k)))
        questions = [
            Found(c.index, c.text, c.after)
            for c in candidates
            if c.key == key
            and (c.text.endswith("?") or len(c.text.split()) >= MIN_WORDS_WITHOUT_QUESTION_MARK)
        ]
        return questions, describe(key)
    if any(c.key.startswith("h") or c.key in ("e2", "e3") for c in candidates):
        return [], "its headings and bold lines do not end in '?'"
    questions = [
        Found(line.index, unquote(line.text), line.index + 1)
        for line in blocks.paragraph_lines
        if line.first
        and (line.index == 0 or not lines[line.index - 1].strip())
        and unquote(line.text).endswith("?")
        and len(line.text.split()) >= MIN_WORDS_PLAIN
        and not line.text.lstrip().startswith("|")
    ]
    return questions, "plain lines ending in '?'" if questions else NO_QUESTION_MARKS


def describe(key):
    if key.startswith("h"):
        return f"{'#' * int(key[1])} headings"
    return {"e1": "emphasised lines", "e2": "bold lines", "e3": "bold emphasised lines"}[key]


OPENING = {"em_open", "strong_open"}
CLOSING = {"em_close", "strong_close"}


def emphasised_line(line):
    """A Candidate when a paragraph's line is wholly emphasised (`**Q?**`), else None.

    markdown-it decides what is emphasis, so `**Bold** and **more**` (whose
    emphasis closes before the end) and `2*3*4` are not.
    """
    if line.text.startswith(("    ", "\t")):
        return None  # a lazy continuation indented like code: never a question line
    children = [c for c in line.inline if not (c.type == "text" and not c.content)]
    after = ""
    if children and children[-1].type == "text" and children[-1].content.strip() in ("?", ".", ":"):
        after = children.pop().content.strip()
    opens = []
    for child in children:
        if child.type not in OPENING:
            break
        opens.append(child)
    if not opens or len(children) < 2 * len(opens) + 1:
        return None
    closes = children[-len(opens) :]
    if [c.type for c in closes] != [o.type.replace("open", "close") for o in reversed(opens)]:
        return None
    depth = 0
    for child in children[:-1]:  # the outermost emphasis must not close before the end
        depth += (child.type in OPENING) - (child.type in CLOSING)
        if depth == 0:
            return None
    prefix = "".join(o.markup for o in opens)
    suffix = "".join(c.markup for c in closes)
    raw = line.text.strip()
    if after:
        raw = raw[: -len(after)].rstrip()
    if not (raw.startswith(prefix) and raw.endswith(suffix)) or len(raw) <= len(prefix) + len(
        suffix
    ):
        return None
    strength = min(3, sum(2 if o.type == "strong_open" else 1 for o in opens))
    inner = raw[len(prefix) : len(raw) - len(suffix)]
    return Candidate(line.index, line.index + 1, f"e{strength}", collapse(inner + after))


def unwrap_emphasis(text):
    """`*Question?*` -> `Question?`, for headings that are also emphasised."""
    emphasis = EMPHASIS.match(text.strip())
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
