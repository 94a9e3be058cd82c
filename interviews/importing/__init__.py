"""Importing interviews from Markdown files (the `import_interviews` command and admin page).

- sources: paths, folders, uploads and zips -> (name, bytes) pairs
- frontmatter: the YAML keys this site and ApplyingML write
- parsing: a file's bytes -> ParsedInterview (front matter, intro, questions and answers)
- profile_links: "Learn more about Ada on her [site](…)" -> the mentor's profile links
- pasted: text pasted into the admin, cut where the editor says the interview starts and ends
- matching: a question's wording -> the standard question it asks, if any
- decisions: the editor's mappings of wordings the matcher cannot place
- applying: ParsedInterviews -> rows, compared before they are written
- report: what changed, file by file, for the command and the admin
"""

from .applying import ImportOptions, import_files
from .decisions import FOLLOW_UP, MappingError
from .frontmatter import ImportFileError, ImportSkipped
from .matching import QuestionMatcher, normalise
from .parsing import ParsedInterview, parse_interview
from .report import FileReport, ImportReport

__all__ = [
    "FOLLOW_UP",
    "FileReport",
    "ImportFileError",
    "ImportOptions",
    "ImportReport",
    "ImportSkipped",
    "MappingError",
    "ParsedInterview",
    "QuestionMatcher",
    "import_files",
    "normalise",
    "parse_interview",
]
