"""Browsing pages: home, mentors, questions, lessons.

Each view states the queries it makes; tests pin the counts.

Everything readers see comes through the `published()` QuerySet methods.
"""

import re
from collections import Counter
from itertools import chain
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView

from .. import meta, share
from ..meta import PageMetaMixin, describe
from ..models import Answer, AnswerVersion, Interview, Lesson, Question
from .cited import lesson_resources
from .paging import CountedPaginator, IdPaginator
from .practice import state_of_practice

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_LESSON_FILTERS = 8


class LessonFilterMixin:
    """Narrow answers to those carrying every lesson in `?tag=a&tag=b`.

    Unknown, malformed or unpublished lessons answer 404 rather than an empty
    page, so a mistyped link is noticed; duplicates are ignored. A lesson
    renamed or merged away is a 404 here that MovedOrGoneMiddleware turns
    into a 301 to the lesson it became.
    """

    def requested_lesson_slugs(self):
        slugs = list(dict.fromkeys(self.request.GET.getlist("tag")))
        if len(slugs) > MAX_LESSON_FILTERS or not all(SLUG_RE.match(s) for s in slugs):
            raise Http404("No such lessons.")
        return slugs

    @cached_property
    def active_lessons(self):
        """The Lesson rows being filtered on, in the order they were asked for."""
        slugs = self.requested_lesson_slugs()
        if not slugs:
            return []
        found = {lesson.slug: lesson for lesson in Lesson.objects.public().filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise Http404(f"No lesson called {missing[0]!r}.")
        return [found[slug] for slug in slugs]

    def filter_by_lessons(self, answers):
        return answers.with_lessons(self.active_lessons)

    def narrowing_lessons(self, lesson_ids, limit=24):
        """Lessons found among some answers, most frequent first, to narrow further.

        `lesson_ids` holds each answer's `Answer.lesson_ids`, read with the
        answers' ids: counting them here is one small query for the names
        instead of joining every tagging row of thousands of answers.
        """
        counts = Counter(chain.from_iterable(lesson_ids))
        for lesson in self.active_lessons:
            counts.pop(lesson.pk, None)
        if not counts:
            return []
        # Lessons as frequent as the last one shown are ordered by name, so
        # all of those are read.
        least = sorted(counts.values(), reverse=True)[:limit][-1]
        lessons = list(
            Lesson.objects.filter(pk__in=[pk for pk, n in counts.items() if n >= least])
            .only("pk", "name", "slug")
            .order_by("name")
        )
        # Stable: lessons used as often keep the database's order by name.
        lessons.sort(key=lambda lesson: -counts[lesson.pk])
        for lesson in lessons[:limit]:
            lesson.answer_count = counts[lesson.pk]
        return lessons[:limit]


class FilteredAnswersMixin:
    """While filtering by lessons, find the matching answers' ids (and their
    lesson ids) once, in page order: the count, the page and the lessons to
    narrow by then read only those (see paging.py). Views set
    `answer_ordering` and `base_answers()`."""

    answer_ordering = ()

    @cached_property
    def filtered(self):
        """(id, lesson ids) of every matching answer, in page order."""
        answers = self.filter_by_lessons(self.base_answers()).order_by(*self.answer_ordering)
        return list(answers.values_list("pk", "lesson_ids"))

    @property
    def filtered_lesson_ids(self):
        return (lesson_ids for _, lesson_ids in self.filtered)

    def get_paginator(self, queryset, per_page, **kwargs):
        if not self.active_lessons:
            return self.unfiltered_paginator(queryset, per_page, **kwargs)
        ordering = self.answer_ordering

        def load(ids):
            return Answer.objects.with_ids(ids).for_display().order_by(*ordering)

        return IdPaginator([pk for pk, _ in self.filtered], per_page, load, **kwargs)

    def unfiltered_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(queryset, per_page, **kwargs)


class HomeView(PageMetaMixin, TemplateView):
    """Latest interviews, the questions and the most-used lessons: 3 queries."""

    template_name = "interviews/home.html"

    def page_meta(self, context):
        return {
            "title": "",
            "description": settings.SITE_TAGLINE,
            "json_ld": meta.website_json_ld(self.request),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest_interviews=Interview.objects.published()
            .select_related("mentor")
            .newest_first()[:6],
            questions=Question.objects.asked().with_answer_counts(),
            lessons=Lesson.objects.in_use()[:20],
            **kwargs,
        )


class MentorListView(PageMetaMixin, ListView):
    """Mentors with a published interview, newest first: 2 queries (count, page)."""

    template_name = "interviews/mentor_list.html"
    context_object_name = "interviews"
    paginate_by = 50

    def page_meta(self, context):
        return {
            "title": "Mentors",
            "description": "Every practitioner who has shared their lessons on "
            f"{settings.SITE_NAME}, newest first.",
        }

    def get_queryset(self):
        return Interview.objects.published().select_related("mentor").newest_first()


class MentorDetailView(PageMetaMixin, DetailView):
    """One interview: 3 queries (interview and mentor, answers with their lessons,
    the earlier versions its updates replaced)."""

    template_name = "interviews/mentor_detail.html"
    context_object_name = "interview"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Interview.objects.published().select_related("mentor"),
            mentor__slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        answers = (
            self.object.answers.select_related("question")
            .defer("body", "search_vector")
            .with_lesson_chips()
            .order_by("question__position", "question__pk")
        )
        return super().get_context_data(
            mentor=self.object.mentor, answers=answers, updates=self.updates(), **kwargs
        )

    def updates(self):
        """The versions each approved update replaced, newest update first: the
        template groups them by when they were replaced (one update each)."""
        return list(
            AnswerVersion.objects.filter(answer__interview=self.object)
            .select_related("answer__question")
            .only(
                "number",
                "public_until",
                "answer__question__slug",
                "answer__question__title",
            )
            .order_by("-public_until", "answer__question__position", "answer__question__pk")
        )

    def page_meta(self, context):
        mentor = context["mentor"]
        count = len(context["answers"])
        summary = (
            f"{mentor.name} on applying machine learning at work: {count} answer{pluralize(count)}."
        )
        return {
            "title": f"{mentor.name}, {mentor.headline}" if mentor.headline else mentor.name,
            "description": describe(f"{summary} {mentor.bio}"),
            "og_type": "profile",
            **meta.share_image(
                self.request,
                self.object,
                f"{mentor.name}: {share.interview_heading(count)}.",
                fallback=mentor.photo.url if mentor.photo else "",
            ),
            "json_ld": meta.profile_page_json_ld(
                self.request, self.object, self.canonical_url(context)
            ),
        }


class QuestionListView(PageMetaMixin, ListView):
    """The questions in order with their published answer counts: 1 query."""

    template_name = "interviews/question_list.html"
    context_object_name = "questions"

    def page_meta(self, context):
        return {
            "title": "Questions",
            "description": "The questions every mentor answers, each with every published "
            "answer side by side.",
        }

    def get_queryset(self):
        # Retired standard questions stay listed while published answers use them.
        return Question.objects.standard().public().with_answer_counts()


class QuestionDetailView(FilteredAnswersMixin, LessonFilterMixin, PageMetaMixin, ListView):
    """Every published answer to one question, paginated, optionally by lesson.

    Queries: the questions asked (for previous/next, and usually this one:
    a follow-up is one more), the page with its answers' lessons, the
    question's lessons (to filter by, and for its state of practice), its
    most cited resources and its answers by year (practice.py); when
    filtering, also the active lessons, the matching ids (the count otherwise
    comes from the question's stored count) and the lessons to narrow by.
    """

    template_name = "interviews/question_detail.html"
    context_object_name = "answers"
    canonical_params = ("tag",)
    answer_ordering = ("-published_at", "pk")

    def get_paginate_by(self, queryset):
        return settings.ANSWERS_PER_PAGE

    @cached_property
    def sequence(self):
        """The questions asked today, in order: for previous/next, and usually this one."""
        return list(Question.objects.asked())

    @cached_property
    def question(self):
        slug = self.kwargs["slug"]
        found = next((question for question in self.sequence if question.slug == slug), None)
        # A follow-up or retired question is not in the sequence.
        return found or get_object_or_404(Question, slug=slug)

    def base_answers(self):
        return Answer.objects.published().filter(question=self.question)

    def filter_by_lessons(self, answers):
        return answers.answering_with_lessons(self.question, self.active_lessons)

    def get_queryset(self):
        if self.active_lessons:
            return Answer.objects.none()  # the paginator loads each page (FilteredAnswersMixin)
        return self.base_answers().for_display().order_by(*self.answer_ordering)

    def unfiltered_paginator(self, queryset, per_page, **kwargs):
        # Every published answer to the question: counted already (counts.py).
        count = self.question.published_answer_count
        return CountedPaginator(queryset, per_page, count, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sequence = self.sequence
        previous_question = next_question = None
        if self.question in sequence:
            index = sequence.index(self.question)
            previous_question = sequence[index - 1] if index > 0 else None
            next_question = sequence[index + 1] if index + 1 < len(sequence) else None
        if not self.question.has_page:
            raise Http404("No such question.")
        lessons = list(self.question_lessons())
        context.update(
            question=self.question,
            number=sequence.index(self.question) + 1 if self.question in sequence else None,
            previous_question=previous_question,
            next_question=next_question,
            active_lessons=self.active_lessons,
            filter_path=self.request.path,
            narrowing_lessons=self.narrowing_lessons(self.filtered_lesson_ids)
            if self.active_lessons
            else lessons,
            practice=state_of_practice(self.question, lessons),
        )
        return context

    def question_lessons(self, limit=24):
        """The question's lessons, most used first: read from the stored counts,
        as every answer to the question would have to be read to count them."""
        return (
            Lesson.objects.filter(uses__question=self.question)
            .annotate(answer_count=F("uses__answer_count"))
            .order_by("-answer_count", "name")[:limit]
        )

    def page_meta(self, context):
        lessons = ", ".join(lesson.name for lesson in self.active_lessons)
        return {
            "title": f"{self.question.title} ({lessons})" if lessons else self.question.title,
            "description": describe(f"Every mentor's answer to: {self.question.text}"),
            "json_ld": meta.qa_page_json_ld(
                self.request,
                self.question,
                context["answers"],
                context["paginator"].count,
                self.canonical_url(context),
            ),
        }


class LessonListView(FilteredAnswersMixin, LessonFilterMixin, PageMetaMixin, ListView):
    """`/lessons/`: every lesson in use with counts; with `?tag=`, the answers and
    the resources they cite most (one more query)."""

    context_object_name = "answers"
    canonical_params = ("tag",)
    answer_ordering = ("question__position", "-published_at", "pk")

    def get_paginate_by(self, queryset):
        return settings.ANSWERS_PER_PAGE if self.active_lessons else None

    def get_template_names(self):
        if self.active_lessons:
            return ["interviews/lesson_detail.html"]
        return ["interviews/lesson_list.html"]

    def base_answers(self):
        return Answer.objects.published()

    def get_queryset(self):
        # With lessons, the paginator loads each page (LessonFilterMixin).
        return Answer.objects.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_lessons"] = self.active_lessons
        context["filter_path"] = reverse("interviews:lesson-list")
        if self.active_lessons:
            context["narrowing_lessons"] = self.narrowing_lessons(self.filtered_lesson_ids)
            context["top_resources"] = lesson_resources(self.active_lessons)
            context["resource_query"] = "?" + urlencode(
                [("tag", lesson.slug) for lesson in self.active_lessons]
            )
        else:
            # Plain values: hundreds of rows, shown as text (lesson_index_items).
            context["lessons"] = Lesson.objects.in_use().values("name", "slug", "answer_count")
        return context

    def page_meta(self, context):
        if not self.active_lessons:
            return {
                "title": "Lessons",
                "description": "The lessons mentors' answers are tagged with, with how many "
                "answers carry each.",
            }
        names = [lesson.name for lesson in self.active_lessons]
        return {
            "title": f"{' + '.join(names)} · Lessons",
            "description": describe(f"Answers from mentors about {' and '.join(names)}."),
        }


class LessonDetailView(LessonListView):
    """`/lessons/<slug>/`: the same as `/lessons/?tag=<slug>`, narrowable further."""

    def requested_lesson_slugs(self):
        slugs = super().requested_lesson_slugs()
        return [self.kwargs["slug"], *(s for s in slugs if s != self.kwargs["slug"])]
