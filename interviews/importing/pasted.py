"""An interview pasted into the admin: which text goes where, and where it starts and ends.

Text copied from a blog post that cross-posted an interview carries the
post's own lead-in before the first question and the blog's footer after
the last answer ("More articles about …", an affiliate disclosure). The
editor sees the text as paragraphs, each labelled with where it would go,
and chooses the paragraph the interview starts at and the one it ends
with; what lies outside is left out. The defaults start at the first
question and end before the first paragraph after the last question that
reads like a footer.
"""

import re
from dataclasses import dataclass

from .parsing import decode, find_questions

NAME = "pasted text"
# First lines of the paragraphs blogs put after a post, not part of any answer.
FOOTER = re.compile(
    r"^\W*(?:more (?:articles|posts|stories|interviews) (?:about|on|from|like|by)\b"
    r"|related (?:posts|articles|reading)\b|you might also like\b"
    r"|share this (?:post|article|interview)\b|subscribe to (?:our|the|my)\b"
    r"|sign up for (?:our|the|my)\b|filed under\b|posted in\b|tags?:|categories:"
    r"|leave a (?:comment|reply)\b|about the author\b|disclosure:"
    r"|this (?:post|article|page) (?:may )?contains? affiliate\b|as an amazon associate\b"
    r"|©|copyright (?:©|\(c\)|\d{4}))",
    re.IGNORECASE,
)
FOOTER_WORDS = 40  # a footer's paragraphs are short; an answer's may start the same way


@dataclass
class Block:
    """One paragraph of the pasted text (lines up to a blank line)."""

    number: int  # from 1, as the editor sees it
    first: int  # index of its first line
    last: int  # index of its last line
    text: str
    role: str = ""

    @property
    def excerpt(self):
        words = " ".join(self.text.split())
        return words if len(words) <= 120 else words[:119].rsplit(" ", 1)[0] + "…"


class Paste:
    """The pasted text, cut at the editor's start and end paragraphs (numbers from 1)."""

    def __init__(self, text, start=None, end=None):
        self.text = decode(text.encode("utf-8"))
        self.lines = self.text.split("\n")
        self.blocks = list(self._blocks())
        questions, _ = find_questions(self.lines)
        self.question_lines = [question.index for question in questions]
        first, last = self.default_range()
        count = len(self.blocks)
        self.start = start if start and 1 <= start <= count else first
        self.end = end if end and self.start <= end <= count else max(last, self.start)
        self._label()

    def _blocks(self):
        first, number = None, 0
        for index, line in enumerate([*self.lines, ""]):
            if line.strip() and first is None:
                first = index
            elif not line.strip() and first is not None:
                number += 1
                yield Block(number, first, index - 1, "\n".join(self.lines[first:index]))
                first = None

    def block_of(self, line):
        return next(block for block in self.blocks if block.first <= line <= block.last)

    def default_range(self):
        """(start, end): from the first question to the last paragraph before the footer.

        The footer is the run of short paragraphs at the end of the text whose
        first one reads like a footer ("More articles about …").
        """
        if not self.blocks:
            return 1, 1
        if not self.question_lines:
            return 1, len(self.blocks)
        start = self.block_of(self.question_lines[0]).number
        after = self.block_of(self.question_lines[-1]).number
        for block in self.blocks[after:]:
            rest = self.blocks[block.number - 1 :]
            if FOOTER.match(block.text) and all(len(b.text.split()) <= FOOTER_WORDS for b in rest):
                return start, max(block.number - 1, after)
        return start, len(self.blocks)

    def _label(self):
        """Each paragraph's role, read from the text as it will be imported."""
        first = self.blocks[self.start - 1].first if self.blocks else 0
        last = self.blocks[self.end - 1].last if self.blocks else -1
        questions, _ = find_questions(self.lines[first : last + 1])
        asked = {}  # paragraph number -> the numbers of the questions it holds
        for number, question in enumerate(questions, 1):
            asked.setdefault(self.block_of(first + question.index).number, []).append(number)
        current = None
        for block in self.blocks:
            if block.number < self.start:
                block.role = "left out: before the start"
            elif block.number > self.end:
                block.role = "left out: after the end"
            elif block.number in asked:
                numbers = asked[block.number]
                current = numbers[-1]
                block.role = ", ".join(f"question {n}" for n in numbers)
            elif current is None:
                block.role = "intro"
            else:
                block.role = f"answer to question {current}"

    def cut(self):
        """The text from the start paragraph to the end paragraph, as it was pasted."""
        if not self.blocks:
            return ""
        first = self.blocks[self.start - 1].first
        last = self.blocks[self.end - 1].last
        return "\n".join(self.lines[first : last + 1]) + "\n"

    def source(self):
        return NAME, self.cut().encode("utf-8")
