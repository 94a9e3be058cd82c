"""`/resources/`: the resources mentors cite most, and the short lists of them
that question and lesson pages show.

Unfiltered, the list reads the resources' stored counts (`Resource.objects
.cited().ranked()`, a partial index). Filtered by a question it reads that
question's stored counts (QuestionResource); by lessons (the same AND filter
as every page: `AnswerQuerySet.with_lessons`), with or without a question,
it counts the citations of the matching published answers in one aggregate,
once, and pages through the result (paging.IdPaginator). Either way each
row brings the latest answers citing it, in its own query's subquery.
"""

import re

from django.core.paginator import InvalidPage
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from ..meta import PageMeta, PageMetaMixin
from ..models import Answer, Lesson, Question, QuestionResource, Resource
from .browse import LessonFilterMixin
from .cited import citation_totals, counted
from .paging import IdPaginator, LoadingPaginator

RESOURCES_PER_PAGE = 20
HOSTS_SHOWN = 12
LESSONS_OFFERED = 24
TITLE = "Resources mentors recommend"
DESCRIPTION = (
    "The papers, books, tools and posts mentors link to in their answers, the most cited first."
)
HOST_RE = re.compile(r"^[a-z0-9.-]{1,255}(:\d{1,5})?$")


class BadFilter(Exception):
    """A filter that names nothing: answered with the page and why, as a 404."""


class ResourceListView(LessonFilterMixin, PageMetaMixin, TemplateView):
    """`/resources/?question=slug&tag=a&tag=b&host=arxiv.org&page=N`.

    Queries: unfiltered, the page (with its citing answers), the count, the
    sites and the lessons and questions to filter by (5); a question adds
    itself, lessons add themselves, and a filter's totals replace the count
    and the sites.
    """

    template_name = "interviews/resource_list.html"
    canonical_params = ("question", "tag", "host")

    def get(self, request, *args, **kwargs):
        try:
            context = self.get_context_data(**kwargs)
        except (BadFilter, Http404) as problem:
            return self.render_to_response(self.problem_context(str(problem)), status=404)
        return self.render_to_response(context)

    @cached_property
    def question(self):
        slug = self.request.GET.get("question", "")
        if not slug:
            return None
        found = Question.objects.public().filter(slug=slug).first()
        if found is None:
            raise BadFilter(f"No question has the address “{slug[:100]}”.")
        return found

    @cached_property
    def host(self):
        host = self.request.GET.get("host", "").strip().lower()
        if host and not HOST_RE.match(host):
            raise BadFilter("That is not the name of a site.")
        return host.removeprefix("www.")

    def answers(self):
        """The published answers whose citations count, or None for all of them."""
        if not self.active_lessons:
            return None
        answers = Answer.objects.published()
        if self.question is not None:
            return answers.answering_with_lessons(self.question, self.active_lessons)
        return answers.with_lessons(self.active_lessons)

    def get_context_data(self, **kwargs):
        question, host, answers = self.question, self.host, self.answers()
        if answers is None and question is None:
            ranked = Resource.objects.cited().ranked()
            if host:
                ranked = ranked.filter(host=host)

            def load_ranked(ids):
                return Resource.objects.filter(pk__in=ids).ranked().with_citers()

            paginator = LoadingPaginator(ranked.values("pk"), RESOURCES_PER_PAGE, load_ranked)
            page = page_of(paginator, self.request)
            for resource in page.object_list:
                counted(resource, resource.citation_count, resource.mentor_count)
            hosts = list(
                Resource.objects.cited()
                .order_by()
                .values_list("host")
                .annotate(n=Count("pk"))
                .order_by("-n", "host")[:HOSTS_SHOWN]
            )
        else:
            if answers is None:  # a question alone: its stored counts
                answers = Answer.objects.published().filter(question=question)
                totals = (
                    QuestionResource.objects.filter(question=question)
                    .order_by("-answer_count", "resource__url")
                    .values_list("resource_id", "resource__host", "answer_count", "answer_count")
                )
            else:
                totals = citation_totals(answers)
            totals = list(totals)
            hosts = site_totals(totals)[:HOSTS_SHOWN]
            shown = {
                pk: (n, mentors)
                for pk, row_host, n, mentors in totals
                if not host or row_host == host
            }

            def load(ids):
                rows = Resource.objects.filter(pk__in=ids).with_citers(answers)
                return [counted(row, *shown[row.pk]) for row in rows]

            paginator = IdPaginator(list(shown), RESOURCES_PER_PAGE, load)
            page = page_of(paginator, self.request)
        filter_keep = [("question", question.slug)] if question else []
        if host:
            filter_keep.append(("host", host))
        offered = [
            lesson
            for lesson in Lesson.objects.in_use()[:LESSONS_OFFERED]
            if lesson not in self.active_lessons
        ]
        return super().get_context_data(
            paginator=paginator,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            resources=page.object_list,
            question=question,
            host=host,
            hosts=hosts,
            questions=Question.objects.standard().public(),
            active_lessons=self.active_lessons,
            narrowing_lessons=offered,
            filter_path=reverse("interviews:resource-list"),
            filter_keep=filter_keep,
            **kwargs,
        )

    def page_meta(self, context):
        about = []
        if context["question"]:
            about.append(f"answers to “{context['question'].title}”")
        if context["active_lessons"]:
            names = " and ".join(lesson.name for lesson in context["active_lessons"])
            about.append(f"answers on {names}")
        if context["host"]:
            about.append(context["host"])
        return {
            "title": f"{TITLE} ({', '.join(about)})" if about else TITLE,
            "description": DESCRIPTION,
        }

    def problem_context(self, problem):
        return {
            "problem": problem,
            "meta": PageMeta(
                title=TITLE,
                description=DESCRIPTION,
                canonical_url=self.request.build_absolute_uri(reverse("interviews:resource-list")),
                noindex=True,
            ),
        }


def page_of(paginator, request):
    """The page `?page=` asks for; one past the end (or not a number) is a BadFilter."""
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except InvalidPage:
        pages = paginator.num_pages
        raise BadFilter(
            f"There is no page {str(number)[:20]} of this list: it has "
            f"{pages} page{'' if pages == 1 else 's'}."
        ) from None


def site_totals(totals):
    """[(host, resources)] from a filter's totals, most resources first."""
    counts = {}
    for _, host, _, _ in totals:
        counts[host] = counts.get(host, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
