from django.urls import path

from . import views, views_submission

app_name = "interviews"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("mentors/", views.MentorListView.as_view(), name="mentor-list"),
    path("mentors/<slug:slug>/", views.MentorDetailView.as_view(), name="mentor-detail"),
    path("questions/", views.QuestionListView.as_view(), name="question-list"),
    path("questions/<slug:slug>/", views.QuestionDetailView.as_view(), name="question-detail"),
    path("lessons/", views.LessonListView.as_view(), name="lesson-list"),
    path("lessons/<slug:slug>/", views.LessonDetailView.as_view(), name="lesson-detail"),
    # The mentor side. "thanks/" comes before "<token>/": it is not a token.
    path("submit/", views_submission.nominate, name="nominate"),
    path("submit/thanks/", views_submission.nominate_thanks, name="nominate-thanks"),
    path("submit/<str:token>/", views_submission.submission, name="submission"),
    path("submit/<str:token>/autosave/", views_submission.autosave, name="submission-autosave"),
    path(
        "submit/<str:token>/thanks/", views_submission.submission_thanks, name="submission-thanks"
    ),
]
