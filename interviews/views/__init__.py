"""Views, one module a topic; URLs import them from here.

- browse, answers, search: the public pages readers see
- resources: the resources mentors cite (and the short lists other pages show)
- crawlers: robots.txt, the favicon and the web app manifest
- data: the open dataset's page
- compare: two mentors side by side
- submission: the mentor's answer form behind a personal link
- following: following by email (the form, confirmation, manage, unsubscribe)
- nomination: people offering to share their lessons
- rescue: pages for posts that could not be saved, handing back the text
"""

from .answers import AnswerDetailView, AnswerVersionDetailView, AnswerVersionListView
from .browse import (
    HomeView,
    LessonDetailView,
    LessonListView,
    MentorDetailView,
    MentorListView,
    QuestionDetailView,
    QuestionListView,
)
from .compare import compare
from .crawlers import favicon, robots_txt, web_manifest
from .data import data_page
from .following import follow, follow_confirm, follow_manage, follow_sent, follow_unsubscribe
from .nomination import nominate, nominate_thanks
from .rescue import csrf_failure
from .resources import ResourceListView
from .search import SearchView, SuggestionsView
from .submission import autosave, live_preview, submission, submission_thanks

__all__ = [
    "AnswerDetailView",
    "AnswerVersionDetailView",
    "AnswerVersionListView",
    "HomeView",
    "LessonDetailView",
    "LessonListView",
    "MentorDetailView",
    "MentorListView",
    "QuestionDetailView",
    "QuestionListView",
    "ResourceListView",
    "SearchView",
    "SuggestionsView",
    "autosave",
    "compare",
    "csrf_failure",
    "data_page",
    "favicon",
    "follow",
    "follow_confirm",
    "follow_manage",
    "follow_sent",
    "follow_unsubscribe",
    "live_preview",
    "nominate",
    "nominate_thanks",
    "robots_txt",
    "submission",
    "submission_thanks",
    "web_manifest",
]
