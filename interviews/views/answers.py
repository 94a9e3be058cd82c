"""`/mentors/<slug>/<question-slug>/`: one answer on its own page, to link and share."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from .. import meta, search
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
