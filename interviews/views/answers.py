"""`/mentors/<slug>/<question-slug>/`: one answer on its own page, to link and
share; `…/versions/` and `…/versions/<n>/`: its earlier versions, each with a
word diff against the one that replaced it."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import DetailView

from .. import meta, search
from ..diffing import compare
from ..meta import PageMetaMixin, describe
from ..models import Answer


class AnswerDetailView(PageMetaMixin, DetailView):
    """The answer, its question and mentor, the way onward and related reading.

    Queries: the answer (with question, interview, mentor and lessons), the
    interview's answers for previous/next, related answers (with theirs).
    """

    template_name = "interviews/answer_detail.html"
    context_object_name = "answer"

    def get_object(self, queryset=None):
        return get_object_or_404(
            # The whole mentor: the page shows their biography, photo and links.
            Answer.objects.published()
            .select_related("question", "interview__mentor")
            .defer("body", "search_vector", "interview__intro", "interview__intro_html")
            .with_lesson_chips(),
            interview__mentor__slug=self.kwargs["slug"],
            question__slug=self.kwargs["question_slug"],
        )

    def get_context_data(self, **kwargs):
        answer = self.object
        siblings = list(
            Answer.objects.filter(interview_id=answer.interview_id)
            .select_related("question")
            .only("pk", "interview_id", "question__slug", "question__title")
            .order_by("question__position", "question__pk")
        )
        index = [sibling.pk for sibling in siblings].index(answer.pk)
        return super().get_context_data(
            mentor=answer.interview.mentor,
            question=answer.question,
            previous_answer=siblings[index - 1] if index > 0 else None,
            next_answer=siblings[index + 1] if index + 1 < len(siblings) else None,
            related_answers=search.related_answers(answer),
            **kwargs,
        )

    def page_meta(self, context):
        answer, mentor = self.object, context["mentor"]
        alt = f"{answer.question.text} A quote from the answer by {mentor.name}."
        photo = mentor.photo.url if mentor.photo else ""
        return {
            "title": f"{mentor.name} on {answer.question.title.lower()}",
            "description": describe(f"{mentor.name}: {answer.body_text}"),
            "og_type": "article",
            **meta.share_image(self.request, answer, alt, fallback=photo),
        }


class AnswerHistoryMixin(PageMetaMixin):
    """An updated answer's earlier versions: pages for readers who want to see
    what changed, kept out of search engines (noindex) and pointing them at
    the current answer (its canonical URL). 404 for an answer never updated."""

    context_object_name = "answer"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Answer.objects.published()
            .filter(revised_at__isnull=False)
            .select_related("question", "interview__mentor")
            .only(
                "interview",
                "question",
                "interview__mentor",
                "body",
                "body_text",
                "revised_at",
                "interview__published_at",
                "interview__mentor__name",
                "interview__mentor__slug",
                "interview__mentor__role",
                "interview__mentor__company",
                "question__slug",
                "question__text",
                "question__title",
                "question__is_standard",
            ),
            interview__mentor__slug=self.kwargs["slug"],
            question__slug=self.kwargs["question_slug"],
        )

    def canonical_url(self, context):
        return self.request.build_absolute_uri(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        answer = self.object
        return super().get_context_data(
            mentor=answer.interview.mentor, question=answer.question, **kwargs
        )

    def versions(self):
        return self.object.versions.only(
            "answer_id", "number", "body", "body_html", "public_from", "public_until"
        )


class AnswerVersionListView(AnswerHistoryMixin, DetailView):
    """Every earlier version of an answer, newest first: 2 queries (the answer, its versions)."""

    template_name = "interviews/answer_versions.html"

    def get_context_data(self, **kwargs):
        versions = list(self.versions().defer("body", "body_html").order_by("-number"))
        return super().get_context_data(versions=versions, **kwargs)

    def page_meta(self, context):
        mentor, question = context["mentor"], context["question"]
        return {
            "title": f"Earlier versions of {mentor.name}'s answer on {question.title.lower()}",
            "description": describe(
                f"How {mentor.name}'s answer to “{question.text}” changed over time."
            ),
            "noindex": True,
        }


class AnswerVersionDetailView(AnswerHistoryMixin, DetailView):
    """One earlier version, with a word diff against the text that replaced it
    (the next version, or the current answer): 2 queries (the answer, the
    version and the next)."""

    template_name = "interviews/answer_version.html"

    def get_context_data(self, **kwargs):
        answer, number = self.object, self.kwargs["number"]
        versions = {v.number: v for v in self.versions().filter(number__in=[number, number + 1])}
        if number not in versions:
            raise Http404("No such version of this answer.")
        version, later = versions[number], versions.get(number + 1)
        return super().get_context_data(
            version=version,
            later_version=later,
            changes=compare(answer.question.text, version.body, (later or answer).body),
            **kwargs,
        )

    def page_meta(self, context):
        mentor, question, version = context["mentor"], context["question"], context["version"]
        return {
            "title": f"{mentor.name} on {question.title.lower()}: version {version.number}",
            "description": describe(
                f"{mentor.name}'s answer as it read until "
                f"{date_format(timezone.localtime(version.public_until), 'j F Y')}, "
                "and what changed then."
            ),
            "noindex": True,
        }
