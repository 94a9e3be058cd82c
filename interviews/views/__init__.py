"""Public pages, one module a topic; URLs import the views from here."""

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
    "robots_txt",
]
