from django.urls import path

from . import feeds, sitemaps, views

app_name = "interviews"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("mentors/", views.MentorListView.as_view(), name="mentor-list"),
    path("mentors/<slug:slug>/", views.MentorDetailView.as_view(), name="mentor-detail"),
    path(
        "mentors/<slug:slug>/<slug:question_slug>/",
        views.AnswerDetailView.as_view(),
        name="answer-detail",
    ),
    path("questions/", views.QuestionListView.as_view(), name="question-list"),
    path("questions/<slug:slug>/", views.QuestionDetailView.as_view(), name="question-detail"),
    path("questions/<slug:slug>/feed/", feeds.QuestionFeed(), name="question-feed"),
    path("lessons/", views.LessonListView.as_view(), name="lesson-list"),
    path("lessons/<slug:slug>/", views.LessonDetailView.as_view(), name="lesson-detail"),
    path("lessons/<slug:slug>/feed/", feeds.LessonFeed(), name="lesson-feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestInterviewsFeed(), name="feed"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    # The mentor side. "thanks/" comes before "<token>/": it is not a token.
    path("submit/", views.nominate, name="nominate"),
    path("submit/thanks/", views.nominate_thanks, name="nominate-thanks"),
    path("submit/<str:token>/", views.submission, name="submission"),
    path("submit/<str:token>/autosave/", views.autosave, name="submission-autosave"),
    path("submit/<str:token>/thanks/", views.submission_thanks, name="submission-thanks"),
]
