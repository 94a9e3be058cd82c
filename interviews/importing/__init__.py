"""Importing interviews from Markdown files.

- parsing: a file's bytes -> ParsedInterview (front matter, intro, questions and answers)
- matching: a question's wording -> the standard question it asks, if any
"""

from .matching import QuestionMatcher, normalise
from .parsing import ImportFileError, ParsedInterview, parse_interview

__all__ = [
    "ImportFileError",
    "ParsedInterview",
    "QuestionMatcher",
    "normalise",
    "parse_interview",
]
