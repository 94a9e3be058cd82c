"""Pages for posts that could not be saved: they say why and hand back the text.

A dead link, a failed CSRF check, a database outage or a rate limit must
never cost a mentor (or a nominee) what they typed.
"""

from django.shortcuts import render
from django.urls import reverse

from applyingml.errors import RETRY_AFTER_SECONDS, mark_logged

from ..forms import AnswersForm
from ..models import Invitation

LINK_PROBLEMS = {
    "tampered": (
        404,
        "This link does not work",
        "This link is incomplete or has been changed. Please copy the whole link from your invitation email: some email programs break long links over two lines.",
    ),
    None: (
        404,
        "This link does not work",
        "This link is no longer valid, usually because a newer link was sent to you. Please use the link from your most recent email.",
    ),
    Invitation.State.EXPIRED: (
        410,
        "This link has expired",
        "Personal links work for a limited time, and this one has run out.",
    ),
    Invitation.State.REVOKED: (
        410,
        "This link has been withdrawn",
        "An editor has withdrawn this link, usually because a newer one was sent.",
    ),
}


def link_problem(request, state, invitation=None, questions=()):
    """The 404/410 page for a link that cannot be used, keeping any posted text."""
    status, title, message = LINK_PROBLEMS[state]
    return render(
        request,
        "submit/link_problem.html",
        {
            "title": title,
            "message": message,
            "invitation": invitation,
            "rescued": rescued_fields(request, questions),
            "nominate_url": reverse("interviews:nominate"),
        },
        status=status,
    )


def rescued_fields(request, questions=()):
    """(label, name, text) for every non-empty text field of a POST, to hand back.

    Labels come from `questions` when the view got that far, else from the
    field names, since the database may be the thing that failed.
    """
    if request.method != "POST":
        return []
    labels = {AnswersForm.field_name(q): q.text for q in questions}
    rescued = []
    for name, value in request.POST.items():
        if name in {"csrfmiddlewaretoken", "action", "started", "homepage"} or not value.strip():
            continue
        label = labels.get(name) or name.removeprefix("answer-").replace("-", " ").capitalize()
        rescued.append((label, name, value))
    return rescued


def rescue_page(request, title, message, status, can_resend=False, questions=()):
    """A page that explains why nothing was saved and hands back what was typed."""
    return render(
        request,
        "submit/rescue.html",
        {
            "title": title,
            "message": message,
            "rescued": rescued_fields(request, questions),
            "can_resend": can_resend,
        },
        status=status,
    )


def unavailable(response):
    """A 503 for an outage (the database, the file storage): retry soon, never cache,
    logged once as a warning."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return mark_logged(response)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: explain, hand the text back, and let the mentor send it again.

    Sending again is safe: nothing was saved, and the page carries a fresh token.
    """
    return rescue_page(
        request,
        "Your answers were not saved yet",
        "The form's security check failed, usually because the page was open for a long time or "
        "cookies were cleared. Everything you typed is below: press “Send again” to save it.",
        status=403,
        can_resend=request.path.startswith("/submit/"),
    )
