"""Every email the site sends, rendered from templates/emails/.

Sending never breaks the request that triggered it: a mail server that is
down is logged, and the editors still find the item in the admin.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def _send(template, context, recipients):
    recipients = [r for r in recipients if r]
    if not recipients:
        return False
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject, _, body = render_to_string(f"emails/{template}.txt", context).partition("\n")
    try:
        send_mail(subject.strip(), body.lstrip("\n"), None, recipients)
    except Exception:  # any transport failure; the caller's work is already saved
        logger.exception("Could not send the %s email to %s", template, ", ".join(recipients))
        return False
    return True


def send_invitation(invitation):
    mentor = invitation.interview.mentor
    sent = _send(
        "invitation",
        {
            "mentor": mentor,
            "invitation": invitation,
            "link": invitation.link,
            "questions_url": absolute(reverse("interviews:question-list")),
        },
        [invitation.email],
    )
    if sent:
        invitation.mark_sent()
    return sent


def send_submitted(interview):
    """Tell the editors there is an interview to review, and thank the mentor."""
    admin_link = absolute(reverse("admin:interviews_interview_change", args=[interview.pk]))
    context = {"interview": interview, "mentor": interview.mentor, "admin_link": admin_link}
    _send("submitted_editors", context, settings.EDITOR_EMAILS)
    _send(
        "submitted_mentor",
        {**context, "link": interview.invitation.link},
        [_mentor_address(interview)],
    )


def send_nomination_received(nomination):
    admin_link = absolute(reverse("admin:interviews_nomination_change", args=[nomination.pk]))
    _send(
        "nomination_editors",
        {"nomination": nomination, "admin_link": admin_link},
        settings.EDITOR_EMAILS,
    )


def send_published(interview):
    mentor = interview.mentor
    invitation = getattr(interview, "invitation", None)
    _send(
        "published",
        {
            "mentor": mentor,
            "interview": interview,
            "link": absolute(mentor.get_absolute_url()),
            "edit_link": invitation.link if invitation else "",
        },
        [_mentor_address(interview)],
    )


def send_changes_requested(interview, message):
    invitation = getattr(interview, "invitation", None)
    _send(
        "changes_requested",
        {
            "mentor": interview.mentor,
            "message": message,
            "link": invitation.link if invitation else "",
            "expires_at": invitation.expires_at if invitation else None,
        },
        [_mentor_address(interview)],
    )


def send_rejected(interview, note):
    _send("rejected", {"mentor": interview.mentor, "note": note}, [_mentor_address(interview)])


def _mentor_address(interview):
    invitation = getattr(interview, "invitation", None)
    return (invitation.email if invitation else "") or interview.mentor.email


def send_revision_submitted(interview):
    """Tell the editors a mentor has edited their published interview."""
    admin_link = absolute(reverse("admin:interviews_interview_change", args=[interview.pk]))
    _send(
        "revision_editors",
        {"interview": interview, "mentor": interview.mentor, "admin_link": admin_link},
        settings.EDITOR_EMAILS,
    )


def send_revision_decided(revision):
    interview = revision.interview
    _send(
        "revision_decided",
        {
            "mentor": interview.mentor,
            "revision": revision,
            "approved": revision.status == revision.Status.APPROVED,
            "link": absolute(interview.mentor.get_absolute_url()),
        },
        [_mentor_address(interview)],
    )
