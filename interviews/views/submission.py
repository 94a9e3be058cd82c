"""The mentor's answer form behind a personal link: drafts, edits after
publication, autosave, preview, submit.

Nothing a mentor types is lost: invalid input re-renders everything typed;
a POST that cannot be saved (dead link, failed CSRF check, the database or
the photo storage down) answers with a page that still holds the text; and
the page's script keeps a browser copy until the server confirms a save.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from applyingml.errors import DATABASE_ERRORS, STORAGE_ERRORS

from .. import services
from ..forms import AnswersForm, ProfileForm
from ..markdown import (
    answer_anchor,
    outside_images,
    outside_images_message,
    preview_anchor,
    render_markdown,
)
from ..models import Interview, Invitation, Question, Revision, TamperedLink
from .rescue import link_problem, rescue_page, unavailable

logger = logging.getLogger(__name__)


def questions_for(interview):
    """The active standard questions, plus any others this interview already answers."""
    asked = list(Question.objects.asked())
    answered = Question.objects.filter(answers__interview=interview).exclude(
        pk__in=[q.pk for q in asked]
    )
    return sorted([*asked, *answered], key=lambda q: (not q.is_standard, q.position, q.pk))


def saved_message(when):
    when = timezone.localtime(when)
    return f"Saved at {date_format(when, 'H:i')} on {date_format(when, 'j F Y')}."


def resolve(request, token):
    """(invitation, None) for a usable link, or (None, the page to answer with)."""
    try:
        invitation = Invitation.objects.get_by_token(token)
    except TamperedLink:
        return None, link_problem(request, "tampered")
    except Invitation.DoesNotExist:
        return None, link_problem(request, None)
    if invitation.state != Invitation.State.ACTIVE:
        return None, link_problem(request, invitation.state, invitation)
    return invitation, None


def submission(request, token):
    """`/submit/<token>/`: the profile and answers form, or the read-only copy."""
    questions = []
    try:
        invitation, problem = resolve(request, token)
        if problem:
            return problem
        interview = invitation.interview
        questions = questions_for(interview)
        workspace = services.workspace_for(interview)
        if workspace is None:
            return read_only(request, invitation, questions)
        revisit = workspace.revisit_question_ids()
        # The questions the editors asked to revisit come first; the rest follow.
        questions.sort(key=lambda question: question.pk not in revisit)

        bodies = workspace.answer_bodies()
        initial = {AnswersForm.field_name(q): bodies.get(q.pk, "") for q in questions}
        initial["license"] = workspace.license
        profile_initial = workspace.profile_initial()
        if request.method != "POST":
            Invitation.objects.filter(pk=invitation.pk).update(last_opened_at=timezone.now())
            return form_page(
                request,
                invitation,
                workspace,
                ProfileForm(instance=interview.mentor, initial=profile_initial),
                AnswersForm(questions, initial=initial),
            )

        action = request.POST.get("action", "save")
        profile_form = ProfileForm(
            request.POST, request.FILES, instance=interview.mentor, initial=profile_initial
        )
        answers_form = AnswersForm(questions, request.POST, initial=initial)
        valid = profile_form.is_valid() & answers_form.is_valid()
        if valid and action == "submit":
            valid = (
                answers_form.require_minimum(settings.MENTOR_MIN_ANSWERS)
                & answers_form.require_license()
            )
        if not valid or action == "preview":
            previews = preview_of(answers_form) if action == "preview" and valid else None
            return form_page(
                request, invitation, workspace, profile_form, answers_form, previews=previews
            )

        workspace.save(profile_form, answers_form)
        if action == "submit":
            workspace.submit()
            return redirect("interviews:submission-thanks", token=token)
        what = "Your edits are saved" if workspace.is_revision else "Your draft is saved"
        messages.success(request, f"{what}. {saved_message(workspace.saved_at)}")
        return redirect("interviews:submission", token=token)
    except DATABASE_ERRORS as exc:
        # An outage, not a bug: one line, no traceback (as applyingml.errors does).
        logger.warning("Database unavailable on the answer form: %s", exc.__class__.__name__)
        return unavailable(
            rescue_page(
                request,
                "Your answers were not saved",
                "We could not reach our database just now, so nothing was saved. Everything you typed is "
                "below, and this browser keeps a copy too: please try again in a minute.",
                status=503,
                can_resend=True,
                questions=questions,
            )
        )
    except STORAGE_ERRORS as exc:
        # Only a new photo reaches the bucket; the save is one transaction, so
        # the text was rolled back with it.
        logger.warning("File storage unavailable on the answer form: %s", exc.__class__.__name__)
        return unavailable(
            rescue_page(
                request,
                "Your answers were not saved",
                "We could not store your photo just now, so nothing was saved. Everything you "
                "typed is below, and this browser keeps a copy too: please try again in a "
                "minute, choosing the photo again.",
                status=503,
                can_resend=True,
                questions=questions,
            )
        )


@require_POST
def autosave(request, token):
    """The form's script saves drafts here while the mentor types; JSON in, JSON out."""
    try:
        invitation, problem = resolve(request, token)
        if problem:
            return JsonResponse(
                {
                    "saved": False,
                    "error": "This link no longer works, so nothing was saved. "
                    "Your text is kept in this browser.",
                },
                status=problem.status_code,
            )
        interview = invitation.interview
        workspace = services.workspace_for(interview)
        if workspace is None:
            return JsonResponse(
                {
                    "saved": False,
                    "error": "This interview is with our editors, so it cannot be edited here now.",
                },
                status=409,
            )
        questions = questions_for(interview)
        profile_form = ProfileForm(request.POST, instance=interview.mentor)
        answers_form = AnswersForm(questions, request.POST)
        if not (profile_form.is_valid() & answers_form.is_valid()):
            errors = {**profile_form.errors.get_json_data(), **answers_form.errors.get_json_data()}
            return JsonResponse(
                {
                    "saved": False,
                    "error": "Not saved: please correct the marked fields.",
                    "errors": errors,
                },
                status=400,
            )
        workspace.save(profile_form, answers_form)
        return JsonResponse(
            {
                "saved": True,
                "saved_at": workspace.saved_at.isoformat(),
                "message": saved_message(workspace.saved_at),
            }
        )
    except DATABASE_ERRORS as exc:
        logger.warning("Database unavailable on autosave: %s", exc.__class__.__name__)
        return unavailable(
            JsonResponse(
                {
                    "saved": False,
                    "error": "Not saved: our database is not answering. Your text is kept in this browser.",
                },
                status=503,
            )
        )


@require_POST
def live_preview(request, token):
    """One answer as it will be published, for the form's preview while typing.

    POST `text` (CSRF-checked like every form post); JSON {"html": ...} back,
    rendered and sanitized exactly as on save. Nothing is stored, and text over
    the answer limit is refused, so this is no way round it.
    """
    _, problem = resolve(request, token)
    if problem:
        return JsonResponse(
            {"error": "This link no longer works, so there is no preview."},
            status=problem.status_code,
        )
    text = request.POST.get("text", "")
    limit = settings.MENTOR_ANSWER_MAX_LENGTH
    if len(text) > limit:
        return JsonResponse(
            {
                "error": f"This answer is longer than the limit of {limit:,} characters "
                f"(it has {len(text):,}), so there is no preview."
            },
            status=400,
        )
    anchor = preview_anchor(request.POST.get("answer", ""))
    # Shown above the preview: what saving would refuse (the form says it again then).
    warning = outside_images_message(outside_images(text))
    return JsonResponse({"html": render_markdown(text, anchor), "warning": warning})


def preview_of(answers_form):
    """(question, sanitized HTML) for each answer, rendered like the public pages."""
    return [
        (q, render_markdown(text, preview_anchor(q.slug)))
        for q, text in answers_form.answers().items()
        if text
    ]


def form_page(request, invitation, workspace, profile_form, answers_form, previews=None):
    return render(
        request,
        "submit/form.html",
        {
            "invitation": invitation,
            "interview": invitation.interview,
            "workspace": workspace,
            "profile_form": profile_form,
            "answers_form": answers_form,
            "previews": previews,
            "min_answers": settings.MENTOR_MIN_ANSWERS,
            "max_length": settings.MENTOR_ANSWER_MAX_LENGTH,
            "saved_message": saved_message(workspace.saved_at) if workspace.saved_at else "",
            "revisit": workspace.revisit_question_ids(),
        },
        status=200 if not (profile_form.errors or answers_form.errors) else 400,
    )


def read_only(request, invitation, questions):
    """What the mentor sent, when it is with the editors or no longer editable."""
    interview = invitation.interview
    revision = interview.revisions.filter(status=Revision.Status.SUBMITTED).first()
    if revision is not None:
        bodies = revision.bodies()
        answered = [
            (q, render_markdown(bodies[q.pk], answer_anchor(interview.pk, q.pk)))
            for q in questions
            if q.pk in bodies
        ]
    else:
        answers = {a.question_id: a.body_html for a in interview.answers.all()}
        answered = [(q, answers[q.pk]) for q in questions if q.pk in answers]
    return render(
        request,
        "submit/read_only.html",
        {
            "invitation": invitation,
            "interview": interview,
            "mentor": interview.mentor,
            "revision": revision,
            "answered": answered,
        },
    )


def submission_thanks(request, token):
    invitation, problem = resolve(request, token)
    if problem:
        return problem
    interview = invitation.interview
    revision = interview.revisions.filter(status=Revision.Status.SUBMITTED).first()
    if interview.status != Interview.Status.SUBMITTED and revision is None:
        return redirect("interviews:submission", token=token)
    return render(
        request,
        "submit/thanks.html",
        {
            "invitation": invitation,
            "interview": interview,
            "revision": revision,
            "link": invitation.link,
        },
    )
