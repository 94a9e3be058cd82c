"""Views, one module a topic; URLs import them from here.

- browse, answers, search, crawlers: the public pages readers see
- submission: the mentor's answer form behind a personal link, and nominations
"""

from .answers import AnswerDetailView
from .browse import (
    HomeView,
    LessonDetailView,
    LessonListView,
    MentorDetailView,
    MentorListView,
    QuestionDetailView,
    QuestionListView,
)
from .crawlers import robots_txt
from .search import SearchView
from .submission import (
    autosave,
    csrf_failure,
    live_preview,
    nominate,
    nominate_thanks,
    submission,
    submission_thanks,
)

__all__ = [
    "AnswerDetailView",
    "HomeView",
    "LessonDetailView",
    "LessonListView",
    "MentorDetailView",
    "MentorListView",
    "QuestionDetailView",
    "QuestionListView",
    "SearchView",
    "autosave",
    "csrf_failure",
    "live_preview",
    "nominate",
    "nominate_thanks",
    "robots_txt",
    "submission",
    "submission_thanks",
]
