"""`/sitemap.xml`: every public page with when it last changed.

`/sitemap.xml` is a sitemap index: one entry per page of each section
(`/sitemap-<section>.xml?p=N`, at most PAGE_URLS addresses each, well under
the protocol's 50,000), so no response grows with the content. Sections: the
home page and indexes, mentors, questions, lessons and answers, each built
from the `published()` QuerySet methods, a count and one query a page.

A page's `lastmod` is the latest change to what it shows: an answer's edit
or its interview's publication, and the mentor or question row itself. The
index gives every section the site's latest public change, found in one
query (the per-section maximum would mean reading every row of the
section), and counts each section without computing those dates.
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import F, Max, Q, Subquery, Sum
from django.db.models.functions import Greatest
from django.urls import reverse

from .models import Answer, Interview, Lesson, Question
from .views.paging import CountedPaginator

PAGE_URLS = 10_000
INDEX_PAGES = [
    "interviews:home",
    "interviews:mentor-list",
    "interviews:question-list",
    "interviews:lesson-list",
    "interviews:resource-list",
]


def latest_public_change():
    """When published content last changed, in one query."""

    def latest(queryset, field):
        return Subquery(queryset.order_by(F(field).desc()).values(field)[:1])

    published = Interview.objects.published()
    return published.aggregate(
        latest=Greatest(
            Max("published_at"),
            Max("updated_at"),
            latest(published, "mentor__updated_at"),
            # The newest edit of 160,000 answers, from the end of an index.
            latest(Answer.objects.published(), "updated_at"),
        )
    )["latest"]


class PublicSitemap(Sitemap):
    limit = PAGE_URLS

    def __init__(self, latest_change=None):
        self.latest_change = latest_change

    def get_latest_lastmod(self):
        return self.latest_change

    def count(self):
        """How many items(), without computing them."""
        raise NotImplementedError

    @property
    def paginator(self):
        return CountedPaginator(self.items(), self.limit, self.count)


class IndexSitemap(PublicSitemap):
    """The home page and the indexes change whenever published content does."""

    def count(self):
        return len(INDEX_PAGES)

    def items(self):
        latest = self.latest_change or latest_public_change()
        return [(name, latest) for name in INDEX_PAGES]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


class MentorSitemap(PublicSitemap):
    def count(self):
        return Interview.objects.published().count()

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


class QuestionSitemap(PublicSitemap):
    def count(self):
        return self.public().count()

    def public(self):
        return Question.objects.public()

    def items(self):
        public = Q(answers__published_at__isnull=False)
        return (
            self.public()
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


class LessonSitemap(PublicSitemap):
    def count(self):
        return Lesson.objects.public().count()

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


class AnswerSitemap(PublicSitemap):
    def count(self):
        # Every published answer is counted once on its question.
        return Question.objects.aggregate(n=Sum("published_answer_count"))["n"] or 0

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


def index(request):
    """`/sitemap.xml`: the sections' pages, each with the site's latest change."""
    latest = latest_public_change()
    sitemaps = {name: section(latest) for name, section in SITEMAPS.items()}
    return sitemap_views.index(request, sitemaps, sitemap_url_name="interviews:sitemap-section")


def section(request, section):
    """`/sitemap-<section>.xml?p=N`: one page of one section."""
    return sitemap_views.sitemap(request, SITEMAPS, section=section)
