"""`/sitemap.xml`: every public page with when it last changed.

Sections: the home page and indexes, mentors, questions, lessons and
answers, each built from the `published()` QuerySet methods in one query.
A page's `lastmod` is the latest change to what it shows: an answer's edit
or its interview's publication, and the mentor or question row itself.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse

from .models import Answer, Interview, Lesson, Question

INDEX_PAGES = [
    "interviews:home",
    "interviews:mentor-list",
    "interviews:question-list",
    "interviews:lesson-list",
]


class IndexSitemap(Sitemap):
    """The home page and the three indexes change whenever published content does."""

    def items(self):
        latest = Interview.objects.published().aggregate(
            latest=Greatest(
                Max("published_at"),
                Max("updated_at"),
                Max("mentor__updated_at"),
                Max("answers__updated_at"),
            )
        )["latest"]
        return [(name, latest) for name in INDEX_PAGES]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


class MentorSitemap(Sitemap):
    def items(self):
        return (
            Interview.objects.published()
            .select_related("mentor")
            .only("mentor__slug")
            .annotate(
                last_change=Greatest(
                    "published_at", "updated_at", "mentor__updated_at", Max("answers__updated_at")
                )
            )
            .order_by("pk")
        )

    def location(self, interview):
        return interview.mentor.get_absolute_url()

    def lastmod(self, interview):
        return interview.last_change


class QuestionSitemap(Sitemap):
    def items(self):
        public = Q(answers__published_at__isnull=False)
        # The pages the question index links: questions asked today, and any
        # other with published answers (retired ones, one mentor's follow-up).
        return (
            Question.objects.filter(
                Q(is_standard=True, is_active=True) | Q(published_answer_count__gt=0)
            )
            .annotate(
                last_change=Greatest(
                    "updated_at",
                    Max("answers__updated_at", filter=public),
                    Max("answers__published_at", filter=public),
                )
            )
            .only("slug", "updated_at")
            .order_by("position", "pk")
        )

    def lastmod(self, question):
        return question.last_change


class LessonSitemap(Sitemap):
    def items(self):
        public = Q(tagged_answers__content_object__published_at__isnull=False)
        return Lesson.objects.in_use().annotate(
            last_change=Greatest(
                Max("tagged_answers__content_object__updated_at", filter=public),
                Max("tagged_answers__content_object__published_at", filter=public),
            )
        )

    def lastmod(self, lesson):
        return lesson.last_change


class AnswerSitemap(Sitemap):
    def items(self):
        return (
            Answer.objects.published()
            .select_related("interview__mentor", "question")
            .only("updated_at", "published_at", "interview__mentor__slug", "question__slug")
            .annotate(last_change=Greatest("updated_at", "published_at"))
            .order_by("pk")
        )

    def lastmod(self, answer):
        return answer.last_change


SITEMAPS = {
    "pages": IndexSitemap,
    "mentors": MentorSitemap,
    "questions": QuestionSitemap,
    "lessons": LessonSitemap,
    "answers": AnswerSitemap,
}
