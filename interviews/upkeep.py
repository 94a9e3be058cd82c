"""What follows a change readers could see: the answers' search fields and
public dates, the links they cite, the stored counts, the share images, and the
cached pages.

One caller: signals.py, for every save and delete whoever makes it (a view,
the admin, the importer, a shell). Models' save() keep their own row
consistent and no more; the use cases (services.py) send emails and leave
this to the signals. Bulk updates send no signals, so the code that makes
them calls the function here that fits (`lessons_merged` after a merge;
seed_scale refreshes search fields itself, as a bulk load).

The page cache is invalidated after the transaction commits
(`pagecache.invalidate`), once however many calls ask in one transaction;
share images are redrawn in the background after it commits
(`share.changed`, one task for every id a transaction gathered).
"""

from . import pagecache, share
from .models import (
    Answer,
    Citation,
    Interview,
    record_citations,
    refresh_counts,
    refresh_resource_counts,
)


def answer_saved(answer, created):
    Answer.objects.filter(pk=answer.pk).update_search_fields()
    # Recorded for drafts too, so publishing only has to count them.
    cited = record_citations(answer)
    if answer.published_at is not None:
        if created:
            refresh_counts([answer.question_id])
        refresh_resource_counts(cited)
        pagecache.invalidate()
        # The interview's card counts its answers and may quote this one.
        share.changed(answers=[answer.pk], interviews=[answer.interview_id])


def answer_deleting(answer):
    """Before the cascade removes its citations: which resources to recount."""
    if answer.published_at is not None:
        answer._cited_resources = set(answer.citations.values_list("resource_id", flat=True))


def answer_deleted(answer):
    # Its image file goes with the row (django-cleanup); its interview's card may change.
    if answer.published_at is not None:
        refresh_counts([answer.question_id])
        refresh_resource_counts(getattr(answer, "_cited_resources", ()))
        pagecache.invalidate()
        share.changed(interviews=[answer.interview_id])


def mentor_saved(mentor, created):
    """Name, role and company are in every answer's search document and on its pages."""
    if created:
        return
    Answer.objects.filter(interview__mentor=mentor).update_search_fields()
    interviews = list(
        Interview.objects.published().filter(mentor=mentor).values_list("pk", flat=True)
    )
    if interviews:
        pagecache.invalidate()
        # Name and role are on every card.
        answers = Answer.objects.published().filter(interview__mentor=mentor)
        share.changed(answers=answers.values_list("pk", flat=True), interviews=interviews)


def question_saved(question, created, update_fields):
    """The wording is in its answers' search documents; it is on pages either way."""
    if not created and (update_fields is None or "text" in update_fields):
        Answer.objects.filter(question=question).update_search_fields()
        # The wording heads its answers' cards (a refresh redraws only those it changed).
        answers = Answer.objects.published().filter(question=question)
        share.changed(answers=answers.values_list("pk", flat=True))
    pagecache.invalidate()


def interview_saved(interview, created):
    """Published, withdrawn, republished or redated: the answers' copy of the
    public date follows, and so do the counts (answers by year among them); the
    resources' counts and the share images when it became or stopped being public."""
    stored = getattr(interview, "_stored_public_state", None)
    state = interview._public_state()
    interview._stored_public_state = state
    if created or state == stored:
        if interview.is_public:
            pagecache.invalidate()  # the intro or the date readers see changed
            share.changed(interviews=[interview.pk])  # the intro is on its card
        return
    interview.answers.all().update_published_at()
    was_public = stored is None or stored[0] == Interview.Status.PUBLISHED
    if was_public or interview.is_public:
        refresh_counts(set(interview.answers.values_list("question_id", flat=True)))
        if stored is None or was_public != interview.is_public:
            refresh_resource_counts(cited_by(interview.answers.all()))
            # Published: every card is made; withdrawn: every image removed.
            answers = interview.answers.values_list("pk", flat=True)
            share.changed(answers=answers, interviews=[interview.pk])
        pagecache.invalidate()


def interview_deleted(interview):
    # Its answers went first (a cascade), each refreshing its question's counts.
    if interview.is_public:
        pagecache.invalidate()


def lessons_changed(answer_ids):
    """Answers gained or lost lessons: their search fields, their questions'
    counts, the per-lesson counts of the resources they cite."""
    answers = Answer.objects.filter(pk__in=answer_ids)
    answers.update_search_fields()
    questions = set(answers.published().values_list("question_id", flat=True))
    if questions:
        refresh_counts(questions)
        refresh_resource_counts(cited_by(answers.published()))
        pagecache.invalidate()


def cited_by(answers):
    """The ids of the resources `answers` cite."""
    return set(Citation.objects.filter(answer__in=answers).values_list("resource_id", flat=True))


def lesson_saved(lesson, created):
    """A renamed lesson is found under its new name; a new one is on no page yet."""
    if created:
        return
    Answer.objects.filter(tags=lesson).update_search_fields()
    pagecache.invalidate()


def wording_deleted(instance):
    """A question or a lesson is gone from the pages that showed it."""
    pagecache.invalidate()


def lessons_merged(survivor):
    """After Lesson.merge(), whose row moves send no signals."""
    Answer.objects.filter(tags=survivor).update_search_fields()
    refresh_counts()
    refresh_resource_counts(cited_by(Answer.objects.filter(tags=survivor)))
    pagecache.invalidate()
