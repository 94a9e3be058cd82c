"""Share images: each public answer and interview has a link-preview card
(sharecard.py draws it) in the default storage, its name on the row.

Made in the background, never in a request: upkeep.py calls `changed()`
after a save readers could see (a publish, an approved edit, an editor's
edit of an answer, a mentor's name or role, a question's wording, a
withdrawal), which enqueues `refresh` once the transaction commits. A refresh
is idempotent: it builds the card from the row as it is now and compares
its digest with the stored name, so it redraws only what changed, removes
the image of what is no longer public, and running it twice does nothing.

Files live at `share/answers/<id>/<digest>.png` (interviews likewise): a
changed card is a new URL, so no cache anywhere keeps the old picture, and
the row's folder holds only its current file (older ones are deleted after
the new name commits). `manage.py make_share_images` makes the missing ones
in bulk (content published before this existed, seed_scale's bulk load).
"""

import logging
import threading

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import pluralize
from django_tasks import task

from . import pagecache, sharecard
from .markdown import html_to_text
from .models import Answer, Interview

logger = logging.getLogger(__name__)

BATCH = 200  # rows per task: several workers share a big refresh
QUOTE_CHARS = 600  # more than three lines ever hold; the layout cuts at a word

# Ids waiting for the current transaction to commit (see `changed`).
_pending = threading.local()


# --- The cards -------------------------------------------------------------------------


def answer_card(answer):
    """An answer's card: its question, the start of the answer, who wrote it."""
    mentor = answer.interview.mentor
    return sharecard.Card(
        heading=answer.question.text,
        quote=answer.body_text[:QUOTE_CHARS],
        name=mentor.name,
        role=mentor.headline,
    )


def interview_card(interview, answers):
    """An interview's card: how many answers, its introduction (else its first answer)."""
    mentor = interview.mentor
    quote = html_to_text(interview.intro_html) or (answers[0].body_text if answers else "")
    return sharecard.Card(
        heading=interview_heading(len(answers)),
        quote=quote[:QUOTE_CHARS],
        name=mentor.name,
        role=mentor.headline,
    )


def interview_heading(count):
    return f"{count} answer{pluralize(count)} on applying machine learning at work"


# --- Keeping them ------------------------------------------------------------------------


class Kind:
    """Where one model's images live; subclasses say how its rows and card are read
    (`rows(ids)`, `is_public(row)`, `card(row)`)."""

    def __init__(self, model, folder):
        self.model = model
        self.folder = folder

    def name(self, pk, card):
        return f"{self.folder}/{pk}/{card.digest}.png"


class Answers(Kind):
    def rows(self, ids):
        return (
            Answer.objects.filter(pk__in=ids)
            .select_related("question", "interview__mentor")
            .only(
                "share_image",
                "published_at",
                "body_text",
                "question__text",
                "interview__mentor__name",
                "interview__mentor__role",
                "interview__mentor__company",
            )
        )

    def is_public(self, row):
        return row.published_at is not None

    def card(self, row):
        return answer_card(row)


class Interviews(Kind):
    def rows(self, ids):
        return Interview.objects.filter(pk__in=ids).select_related("mentor")

    def is_public(self, row):
        return row.is_public

    def card(self, row):
        answers = list(
            row.answers.published()
            .only("body_text", "interview_id")
            .order_by("question__position", "question__pk")
        )
        return interview_card(row, answers)


ANSWERS = Answers(Answer, "share/answers")
INTERVIEWS = Interviews(Interview, "share/interviews")


def refresh_rows(kind, ids):
    """Bring the images of these rows up to date. How many changed."""
    changed = 0
    for row in kind.rows(ids):
        wanted = kind.name(row.pk, kind.card(row)) if kind.is_public(row) else ""
        if row.share_image.name != wanted:
            changed += _replace(kind, row.pk)
    if changed:
        pagecache.invalidate()  # pages now point at the new image
    return changed


def _replace(kind, pk):
    """Redraw (or remove) one row's image with the row locked, reading it again:
    a slower refresh of older content waits and then sees the newer one."""
    with transaction.atomic():
        row = kind.rows([pk]).select_for_update(of=("self",)).first()
        if row is None:  # deleted meanwhile (django-cleanup removed its file)
            return False
        name = ""
        if kind.is_public(row):
            card = kind.card(row)
            name = kind.name(pk, card)
            if not default_storage.exists(name):
                png, _blocks = sharecard.render(card)
                name = default_storage.save(name, ContentFile(png))
        if row.share_image.name == name:
            return False
        kind.model.objects.filter(pk=pk).update(share_image=name)
        transaction.on_commit(lambda: _delete_others(f"{kind.folder}/{pk}", keep=name))
    return True


def _delete_others(folder, keep):
    """Every file in `folder` but `keep` (the row's current name; "" keeps none)."""
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        path = f"{folder}/{file}"
        if path != keep:
            default_storage.delete(path)


@task()
def refresh(answer_ids=(), interview_ids=()):
    """Draw, replace or remove the images of these answers and interviews."""
    refresh_rows(ANSWERS, answer_ids)
    refresh_rows(INTERVIEWS, interview_ids)


def changed(*, answers=(), interviews=()):
    """These answers' and interviews' cards may have changed: refresh them once
    the transaction commits (not before: the task must read the new content).

    Ids gather until the first commit hook runs, so a transaction that saves
    sixteen answers enqueues one refresh, not sixteen. Ids left by a rolled
    back transaction go out with the next commit, which is harmless: a
    refresh of an unchanged row does nothing.
    """
    pending = _pending_ids()
    pending["answers"].update(answers)
    pending["interviews"].update(interviews)
    transaction.on_commit(_enqueue_pending)


def _pending_ids():
    if not hasattr(_pending, "ids"):
        _pending.ids = {"answers": set(), "interviews": set()}
    return _pending.ids


def _enqueue_pending():
    pending = _pending_ids()
    answer_ids, interview_ids = sorted(pending["answers"]), sorted(pending["interviews"])
    pending["answers"].clear()
    pending["interviews"].clear()
    enqueue(answer_ids, interview_ids)


def enqueue(answer_ids, interview_ids):
    for start in range(0, len(answer_ids), BATCH):
        refresh.enqueue(answer_ids=answer_ids[start : start + BATCH])
    for start in range(0, len(interview_ids), BATCH):
        refresh.enqueue(interview_ids=interview_ids[start : start + BATCH])


# --- In bulk -------------------------------------------------------------------------------


def out_of_date(kind, everything=False):
    """Ids of rows whose image is missing (public, none stored) or left over
    (not public, one stored); with `everything`, every public row too (a new
    design, site name or colours: the digest tells which to redraw)."""
    public = kind.model.objects.published()
    missing = public if everything else public.filter(share_image="")
    left_over = kind.model.objects.exclude(pk__in=public.values("pk")).exclude(share_image="")
    return sorted({*missing.values_list("pk", flat=True), *left_over.values_list("pk", flat=True)})


def refresh_all(everything=False, progress=None):
    """Make every missing image now, in this process (`make_share_images`).
    {"answers": changed, "interviews": changed}."""
    done = {}
    for label, kind in (("answers", ANSWERS), ("interviews", INTERVIEWS)):
        ids = out_of_date(kind, everything)
        done[label] = 0
        for start in range(0, len(ids), BATCH):
            done[label] += refresh_rows(kind, ids[start : start + BATCH])
            if progress:
                progress(label, min(start + BATCH, len(ids)), len(ids))
    return done
