"""The public pages, feeds, sitemaps and the mentor's form, by URL."""

from django.urls import path

from . import feeds, sitemaps, views
from .pagecache import public_page

app_name = "interviews"

# Pages marked public_page are the same for every reader, so anonymous
# requests for them may be answered from the page cache (see pagecache.py).

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("mentors/", public_page(views.MentorListView.as_view()), name="mentor-list"),
    path(
        "mentors/<slug:slug>/", public_page(views.MentorDetailView.as_view()), name="mentor-detail"
    ),
    # Before the answer pages: "feed" is not a question's slug.
    path("mentors/<slug:slug>/feed/", public_page(feeds.MentorFeed()), name="mentor-feed"),
    path(
        "mentors/<slug:slug>/<slug:question_slug>/",
        public_page(views.AnswerDetailView.as_view()),
        name="answer-detail",
    ),
    path(
        "mentors/<slug:slug>/<slug:question_slug>/versions/",
        public_page(views.AnswerVersionListView.as_view()),
        name="answer-versions",
    ),
    path(
        "mentors/<slug:slug>/<slug:question_slug>/versions/<int:number>/",
        public_page(views.AnswerVersionDetailView.as_view()),
        name="answer-version",
    ),
    path("questions/", public_page(views.QuestionListView.as_view()), name="question-list"),
    path(
        "questions/<slug:slug>/",
        public_page(views.QuestionDetailView.as_view()),
        name="question-detail",
    ),
    path("questions/<slug:slug>/feed/", public_page(feeds.QuestionFeed()), name="question-feed"),
    path("lessons/", public_page(views.LessonListView.as_view()), name="lesson-list"),
    path(
        "lessons/<slug:slug>/", public_page(views.LessonDetailView.as_view()), name="lesson-detail"
    ),
    path("lessons/<slug:slug>/feed/", public_page(feeds.LessonFeed()), name="lesson-feed"),
    path("resources/", public_page(views.ResourceListView.as_view()), name="resource-list"),
    path("search/", public_page(views.SearchView.as_view()), name="search"),
    path(
        "search/suggestions/",
        public_page(views.SuggestionsView.as_view()),
        name="search-suggestions",
    ),
    path("compare/", public_page(views.compare), name="compare"),
    path("feed/", public_page(feeds.LatestInterviewsFeed()), name="feed"),
    path("sitemap.xml", public_page(sitemaps.index), name="sitemap"),
    path("sitemap-<slug:section>.xml", public_page(sitemaps.section), name="sitemap-section"),
    path("robots.txt", public_page(views.robots_txt), name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", views.web_manifest, name="web-manifest"),
    # Not a public_page: it reads the files' state, which changes after a
    # rebuild in the worker, not with the content's cache generation.
    path("data/", views.data_page, name="data"),
    # Following by email: never cached pages (a CSRF token, or a personal link).
    path("follow/", views.follow, name="follow"),
    path("follow/sent/", views.follow_sent, name="follow-sent"),
    path("follow/confirm/<str:token>/", views.follow_confirm, name="follow-confirm"),
    path("follow/manage/<str:token>/", views.follow_manage, name="follow-manage"),
    path("follow/unsubscribe/<str:token>/", views.follow_unsubscribe, name="follow-unsubscribe"),
    # The mentor side. "thanks/" comes before "<token>/": it is not a token.
    path("submit/", views.nominate, name="nominate"),
    path("submit/thanks/", views.nominate_thanks, name="nominate-thanks"),
    path("submit/<str:token>/", views.submission, name="submission"),
    path("submit/<str:token>/autosave/", views.autosave, name="submission-autosave"),
    path("submit/<str:token>/preview/", views.live_preview, name="submission-preview"),
    path("submit/<str:token>/thanks/", views.submission_thanks, name="submission-thanks"),
]
