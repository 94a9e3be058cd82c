"""Matching a question's wording in a file to the standard question set.

Two steps, and the report says which one matched:

1. **Same wording.** Both sides are normalised (`normalise`): Unicode NFKC,
   curly quotes made straight, every dash a hyphen, Markdown emphasis markers
   and link targets dropped, whitespace collapsed, lowercase, no numbering
   ("3.", "Q3:") and no trailing punctuation. Equal to the current wording or to one of the question's
   `alternative_texts` is a match.
2. **Similar wording.** Otherwise each side becomes a set of content words
   (`content_words`: stop words dropped, lightly stemmed so "models" and
   "model", "helped" and "helping" agree) and the sets are compared with the
   Dice coefficient, 2·|A∩B| / (|A|+|B|): the share of words the two wordings
   have in common, counted from both sides, so a phrasing is not favoured for
   being short or long. The best standard question scoring at least
   SIMILARITY_THRESHOLD and sharing at least MIN_SHARED_WORDS words wins.

Why 0.5 (the scores are pinned in tests/test_importing_matching.py): an
older, shorter phrasing that keeps one of a question's two sentences ("How do
you quantify the impact of your work?" for question 11) shares 3 of 3 and 5
content words, 0.75; a longer one that adds a clause ("How do you spend your
time day-to-day at work, and how has that changed?") still scores 0.75 for
question 3. No two standard questions score above 0.38 against each other,
so a standard wording can never be taken for another question. Of the 41
questions in the shared sample interviews (other sites' sets), all score 0.43
or less except two that are question 3 word for word and one that does ask
question 16 ("What are some resources... you've learned from? Who are your
role models in the field?", 0.62). One shared word is never enough: "What do
you do all day?" is not question 3.
What the threshold misses, a short wording of a long question ("How do you
monitor your models in production?" scores 0.40 for question 12), is the
editor's decision: the import holds the file and lists the nearest standard
questions with their scores (`nearest`), and the editor maps the wording to
one of them or confirms it as a follow-up. A mapping is stored in the
question's alternative wordings, so it matches exactly from then on.

Each standard question is matched at most once per file: the best-scoring
pairs are taken first, and a file question whose best match is taken tries
its next best.
"""

import re
import unicodedata
from dataclasses import dataclass

SIMILARITY_THRESHOLD = 0.5
MIN_SHARED_WORDS = 2

QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
}  # fmt: skip
DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
TYPOGRAPHY = str.maketrans({**QUOTES, **DASHES})
INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
REFERENCE_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")

# Words that carry the grammar of a question, not its subject.
STOP_WORDS = frozenset((
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "anything", "are", "as", "at",
    "be", "been", "before", "being", "but", "by", "can", "could", "did", "didnt", "do", "does",
    "doesnt", "doing", "dont", "during", "each", "eg", "either", "etc", "for", "from", "had",
    "has", "have", "having", "how", "i", "ie", "if", "im", "in", "into", "is", "isnt", "it",
    "its", "ive", "just", "me", "more", "most", "my", "no", "not", "of", "on", "only", "or",
    "other", "our", "out", "over", "own", "please", "so", "some", "such", "than", "that", "thats",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too", "up",
    "us", "very", "via", "was", "we", "were", "what", "whats", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "would", "you", "youd", "youll", "your", "youre",
    "yours", "yourself", "youve",
))  # fmt: skip


def normalise(text):
    """The wording with typography, emphasis and spacing differences removed."""
    text = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHY)
    text = INLINE_LINK.sub(r"\1", text)
    text = REFERENCE_LINK.sub(r"\1", text)
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"\s*-+\s*", "-", text)  # "teams — what" and "teams—what" agree
    text = " ".join(text.split()).lower()
    text = re.sub(r"^(?:q(?:uestion)?\s*\d*\s*[.:)]|\d{1,2}\s*[.:)])\s*", "", text)  # "Q3:", "3."
    return re.sub(r"[\s?.!:;,]+$", "", text)


def stem(word):
    """A light stemmer: enough for plurals, -ed, -ing, -ly and a silent final e."""
    for suffix, replacement in (
        ("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"),
        ("xes", "x"), ("ations", "ate"), ("ation", "ate"), ("ings", ""), ("ing", ""),
        ("ed", ""), ("ly", ""), ("s", ""),
    ):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= (5 if suffix == "ly" else 3):
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            word = word[: -len(suffix)] + replacement
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def content_words(text):
    text = normalise(text).replace("'", "")
    # The site's subject, in nearly every question: one word, however it is spelled.
    text = re.sub(r"\bmachine learning\b", "ml", text)
    words = re.findall(r"[a-z0-9]+", text)
    return frozenset(stem(word) for word in words if len(word) > 1 and word not in STOP_WORDS)


def dice(a, b):
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@dataclass
class Match:
    question: object  # a standard Question
    score: float  # 1.0 for the same wording
    how: str  # "same wording", "an alternative wording" or "similar wording (0.67)"


class QuestionMatcher:
    """Matches the questions of one file against the standard set."""

    def __init__(self, questions):
        self.questions = list(questions)
        self.wordings = {
            question.pk: [question.text, *question.alternative_texts] for question in self.questions
        }

    def score(self, text, question, min_shared=MIN_SHARED_WORDS):
        """(score, how) for one file question against one standard question."""
        wordings = self.wordings[question.pk]
        normalised = normalise(text)
        if normalised == normalise(wordings[0]):
            return 1.0, "same wording"
        if any(normalised == normalise(wording) for wording in wordings[1:]):
            return 1.0, "an alternative wording"
        words = content_words(text)
        best = 0.0
        for wording in wordings:
            other = content_words(wording)
            if len(words & other) >= min_shared:
                best = max(best, dice(words, other))
        return best, f"similar wording ({best:.2f})"

    def match_all(self, texts, exclude=()):
        """A Match or None for each text, each standard question used at most once.

        `exclude` holds the pks of standard questions the file already answers
        another way (an editor's mapping).
        """
        pairs = []
        for index, text in enumerate(texts):
            for question in self.questions:
                if question.pk in exclude:
                    continue
                score, how = self.score(text, question)
                if score >= SIMILARITY_THRESHOLD:
                    pairs.append((score, index, question.position, question, how))
        # Best scores first; ties go to the earlier file question, then the earlier standard one.
        pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
        matches = [None] * len(texts)
        taken = set(exclude)
        for score, index, _, question, how in pairs:
            if matches[index] is None and question.pk not in taken:
                matches[index] = Match(question, score, how)
                taken.add(question.pk)
        return matches

    def nearest(self, text, count=3):
        """[(question, score)]: the standard questions closest to `text`, best first,
        however low, for an editor deciding where an unmatched question belongs."""
        # One shared word is no match, but it is a hint worth showing.
        scored = [(self.score(text, q, min_shared=1)[0], q) for q in self.questions]
        scored.sort(key=lambda item: (-item[0], item[1].position))
        return [(question, score) for score, question in scored[:count] if score > 0]

    def knows(self, question, text):
        """Whether `text` is already one of the question's wordings."""
        return normalise(text) in {normalise(w) for w in self.wordings[question.pk]}

    def learn(self, question, text):
        """Match `text` to `question` from now on (an editor mapped it)."""
        if not self.knows(question, text):
            self.wordings[question.pk].append(text)
