"""Word diffs of an answer's text: the admin's review of a mentor's edits
(published and proposed side by side) and readers' pages of an answer's
earlier versions (one text, removals and additions marked in place).

The markup is one template, `interviews/includes/word_diff.html`, for both:
`<del>`/`<ins>` with words a screen reader says ("removed", "added"), so a
change is never told by colour or strike-through alone.
"""

import difflib
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.functional import cached_property

TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
EQUAL, REMOVED, ADDED = "equal", "removed", "added"


@dataclass
class Comparison:
    label: str
    old: str
    new: str
    segments: list  # (EQUAL, REMOVED or ADDED, text), in reading order

    @property
    def is_new(self):
        return not self.old

    @property
    def is_removed(self):
        return not self.new

    @cached_property
    def old_html(self):
        """The old text with removed words in <del>."""
        return render_diff([s for s in self.segments if s[0] != ADDED])

    @cached_property
    def new_html(self):
        """The new text with added words in <ins>."""
        return render_diff([s for s in self.segments if s[0] != REMOVED])

    @cached_property
    def html(self):
        """One text: what stayed, what was removed and what was added, in place."""
        return render_diff(self.segments)


def render_diff(segments):
    # The template escapes every word; only <del>/<ins> and their labels are markup.
    return render_to_string("interviews/includes/word_diff.html", {"segments": segments})


def compare(label, old, new):
    """Compare word by word: the segments of text kept, removed and added."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    segments = []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if op == "equal":
            segments.append((EQUAL, before))
            continue
        if before:
            segments.append((REMOVED, before))
        if after:
            segments.append((ADDED, after))
    return Comparison(label, old, new, segments)
