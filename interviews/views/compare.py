"""`/compare/?mentor=a&mentor=b`: two mentors' answers, question by question.

Mentors are named by slug (the interview page's "Compare with…" form sends
its own slug and whatever the reader typed): a typed name that matches one
published mentor is taken as that mentor; anything else re-renders the
chooser with what was typed and, where some names contain it, links to them.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify

from ..markdown import CONTROL_CHARACTERS
from ..meta import PageMeta
from ..models import Answer, Interview

SUGGESTIONS = 8
MAX_TYPED = 120


def compare(request):
    typed = [
        CONTROL_CHARACTERS.sub("", value).strip()[:MAX_TYPED]
        for value in request.GET.getlist("mentor")[:2]
    ]
    typed += [""] * (2 - len(typed))
    chosen, problems, suggestions = [], [], []
    for text in typed:
        if not text:
            continue
        interview = find_interview(text)
        if interview is None:
            problems.append(f"No published mentor is called “{text}”.")
            suggestions += similar_interviews(text)
        elif any(c.pk == interview.pk for c in chosen):
            problems.append("Choose two different mentors.")
        else:
            chosen.append(interview)
    rows = side_by_side(chosen) if len(chosen) == 2 and not problems else []
    names = " and ".join(i.mentor.name for i in chosen)
    return render(
        request,
        "interviews/compare.html",
        {
            "meta": PageMeta(
                title=f"Compare {names}" if rows else "Compare two mentors",
                description=f"{names}, answer by answer."
                if rows
                else "Two mentors' answers to the same questions, side by side.",
                canonical_url=request.build_absolute_uri(reverse("interviews:compare")),
            ),
            "typed": typed,
            "chosen": chosen if rows else [],
            "rows": rows,
            "problems": problems,
            "suggestions": suggestions[:SUGGESTIONS],
        },
        status=400 if problems else 200,
    )


def published_interviews():
    return Interview.objects.published().select_related("mentor")


def find_interview(text):
    """The published interview of the mentor whose slug is `text`, or whose
    name it is (any case); None when none or several are."""
    interview = published_interviews().filter(mentor__slug=slugify(text)).first()
    if interview is not None and (
        text == interview.mentor.slug or text.casefold() == interview.mentor.name.casefold()
    ):
        return interview
    named = list(published_interviews().filter(mentor__name__iexact=text)[:2])
    return named[0] if len(named) == 1 else None


def similar_interviews(text):
    return list(
        published_interviews()
        .filter(mentor__name__icontains=text)
        .order_by("mentor__name")[:SUGGESTIONS]
    )


def side_by_side(interviews):
    """(question, first mentor's answer or None, second's) in question order: 1 query."""
    answers = (
        Answer.objects.published()
        .filter(interview__in=interviews)
        .select_related("question")
        .defer("body", "search_vector")
        .with_lesson_chips()
        .order_by("question__position", "question__pk")
    )
    by_question = {}
    for answer in answers:
        slot = by_question.setdefault(answer.question_id, [answer.question, None, None])
        slot[1 if answer.interview_id == interviews[0].pk else 2] = answer
    return [tuple(slot) for slot in by_question.values()]
