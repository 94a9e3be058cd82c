"""`/search/?q=...`: published answers ranked by full-text search."""

from collections import Counter

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.views.generic import ListView, TemplateView

from .. import search
from ..meta import PageMetaMixin
from ..models import Answer, Question
from .browse import SLUG_RE, LessonFilterMixin
from .paging import IdPaginator


class SearchView(LessonFilterMixin, PageMetaMixin, ListView):
    """Ranked results with highlighted snippets, narrowable by question and lesson.

    Queries with results: the matches (ids, questions and lesson ids), the
    page (with headlines and lessons), the questions and the lessons most
    found among the results;
    plus the active question and lessons when filtering. A search that finds
    nothing asks PostgreSQL once more whether the words were all stop words,
    and one finding fewer than search.FEW_RESULTS looks for a "Did you mean".
    """

    template_name = "interviews/search.html"
    context_object_name = "results"
    canonical_params = ("q", "question", "tag")

    def get_paginate_by(self, queryset):
        return settings.SEARCH_RESULTS_PER_PAGE

    @cached_property
    def query(self):
        return search.clean_query(self.request.GET.get("q", ""))

    @cached_property
    def active_question(self):
        slug = self.request.GET.get("question")
        if not slug:
            return None
        if not SLUG_RE.match(slug):
            raise Http404("No such question.")
        return get_object_or_404(
            Question.objects.public().only("pk", "slug", "title", "text"), slug=slug
        )

    @cached_property
    def matches(self):
        """The matches (search.Match), best first (at most search.MAX_MATCHES):
        found once for the count, the pages and the facets."""
        if not self.query.has_words:
            return []
        return search.ranked_matches(
            self.query.text, question=self.active_question, lessons=self.active_lessons
        )

    def get_queryset(self):
        return Answer.objects.none()  # the paginator loads each page

    def get_paginator(self, queryset, per_page, **kwargs):
        text = self.query.text

        def load(ids):
            return search.results(ids, text)

        return IdPaginator([match.pk for match in self.matches], per_page, load, **kwargs)

    def question_facets(self):
        """Questions among the results, in the order they are asked, with `hits`."""
        hits = Counter(match.question_id for match in self.matches)
        questions = list(
            Question.objects.filter(pk__in=hits)
            .only("pk", "slug", "title", "position")
            .order_by("position", "pk")
        )
        for question in questions:
            question.hits = hits[question.pk]
        return questions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = context["paginator"].count
        active_question = self.active_question
        context.update(
            query=self.query,
            max_query_length=search.MAX_QUERY_LENGTH,
            # Only the newest MAX_MATCHES matches are ranked (search.ranked_matches).
            max_matches=search.MAX_MATCHES,
            only_stop_words=bool(
                self.query.has_words and not found and search.reduces_to_nothing(self.query.text)
            ),
            active_question=active_question,
            active_lessons=self.active_lessons,
            # Lesson filter links stay on this page and keep the search.
            filter_path=reverse("interviews:search"),
            filter_keep=[("q", self.query.text)]
            + ([("question", active_question.slug)] if active_question else []),
        )
        if self.query.has_words and found < search.FEW_RESULTS and not context["only_stop_words"]:
            context["suggestion"] = search.did_you_mean(self.query.text)
        if found:
            context["narrowing_lessons"] = self.narrowing_lessons(
                match.lesson_ids for match in self.matches
            )
            if not active_question:
                context["question_facets"] = self.question_facets()
        return context

    def page_meta(self, context):
        text = self.query.text
        return {
            "title": f"“{Truncator(text).chars(60)}” · Search" if text else "Search",
            "description": f"Search every published answer on {settings.SITE_NAME}.",
            # Result pages are for readers; crawlers get the sitemap instead.
            "noindex": True,
        }


SUGGESTION_KINDS = [("lessons", "Lessons"), ("mentors", "Mentors"), ("questions", "Questions")]


class SuggestionsView(TemplateView):
    """`/search/suggestions/?q=…`: what the search box offers while typing (htmx
    swaps it in under the box; the form works without it). Three queries."""

    template_name = "interviews/includes/search_suggestions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = search.suggestions(search.clean_query(self.request.GET.get("q", "")).text)
        context["suggestions"] = [
            (label, found[kind]) for kind, label in SUGGESTION_KINDS if found.get(kind)
        ]
        return context
