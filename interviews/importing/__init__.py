"""Importing interviews from Markdown files (the `import_interviews` command and admin page).

- parsing: a file's bytes -> ParsedInterview (front matter, intro, questions and answers)
- matching: a question's wording -> the standard question it asks, if any
- applying: ParsedInterviews -> rows, compared before they are written
- report: what changed, file by file, for the command and the admin
"""

from .applying import ImportOptions, import_files
from .matching import QuestionMatcher, normalise
from .parsing import ImportFileError, ParsedInterview, parse_interview
from .report import FileReport, ImportReport

__all__ = [
    "FileReport",
    "ImportFileError",
    "ImportOptions",
    "ImportReport",
    "ParsedInterview",
    "QuestionMatcher",
    "import_files",
    "normalise",
    "parse_interview",
]
