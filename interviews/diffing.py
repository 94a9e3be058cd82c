"""Side-by-side word diffs of an answer's published and proposed text."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class Comparison:
    label: str
    old: str
    new: str
    old_html: str  # the old text with removed words in <del>
    new_html: str  # the new text with added words in <ins>

    @property
    def is_new(self):
        return not self.old

    @property
    def is_removed(self):
        return not self.new


def compare(label, old, new):
    """Compare word by word; both sides are escaped, only <del>/<ins> are markup."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    old_out, new_out = [], []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before = escape("".join(old_tokens[i1:i2]))
        after = escape("".join(new_tokens[j1:j2]))
        if op == "equal":
            old_out.append(before)
            new_out.append(after)
            continue
        if before:
            old_out.append(f"<del>{before}</del>")
        if after:
            new_out.append(f"<ins>{after}</ins>")
    return Comparison(label, old, new, mark_safe("".join(old_out)), mark_safe("".join(new_out)))
