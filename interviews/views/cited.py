"""The resources some answers cite most, as the lists of /resources/ and the
short ones on question and lesson pages show them (with the counts of that
list and the addresses of the citing answers loaded with them)."""

from django.db.models import Count

from ..links import slug_url
from ..models import Answer, Citation, LessonResource, QuestionResource, Resource

TOP_RESOURCES = 5  # on a question or lesson page


def question_resources(question, limit=TOP_RESOURCES):
    """The resources published answers to `question` cite most (stored counts): 1 query."""
    rows = (
        QuestionResource.objects.filter(question=question)
        .select_related("resource")
        .order_by("-answer_count", "resource__url")[:limit]
    )
    return [counted(row.resource, row.answer_count, row.answer_count) for row in rows]


def lesson_resources(lessons, limit=TOP_RESOURCES):
    """The resources published answers carrying every one of `lessons` cite most: 1 query.

    One lesson (a lesson's own page) reads its stored counts; several are
    counted from the citations of the answers that carry them all.
    """
    if len(lessons) == 1:
        rows = (
            LessonResource.objects.filter(lesson=lessons[0])
            .select_related("resource")
            .order_by("-mentor_count", "-answer_count", "resource__url")[:limit]
        )
        return [counted(row.resource, row.answer_count, row.mentor_count) for row in rows]
    answers = Answer.objects.published().with_lessons(lessons)
    # Filtered before annotating: the counts count only these answers' citations.
    rows = (
        Resource.objects.filter(citations__answer__in=answers)
        .annotate(
            n=Count("citations"), mentors=Count("citations__answer__interview", distinct=True)
        )
        .order_by("-mentors", "-n", "url")[:limit]
    )
    return [counted(row, row.n, row.mentors) for row in rows]


def citation_totals(answers):
    """(resource id, host, citations, mentors) for the citations of `answers`, ranked."""
    return (
        Citation.objects.filter(answer__in=answers)
        .order_by()
        .values_list("resource_id", "resource__host")
        .annotate(
            n=Count("pk"),
            # One interview per mentor: distinct interviews are distinct mentors.
            mentors=Count("answer__interview", distinct=True),
        )
        .order_by("-mentors", "-n", "resource__url")
    )


def counted(resource, citations, mentors):
    """`resource` with the counts of the list it is shown in, and the address
    of each citing answer loaded with it (`citers`)."""
    resource.shown_citations, resource.shown_mentors = citations, mentors
    citers = getattr(resource, "citers", None) or []
    for citer in citers:
        citer["url"] = slug_url(
            "interviews:answer-detail", citer["mentor_slug"], citer["question_slug"]
        )
    resource.more_citations = max(citations - len(citers), 0)
    return resource
