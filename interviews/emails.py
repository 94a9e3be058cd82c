"""Every email the site sends, rendered from templates/emails/ into the outbox.

`queue()` is what the use cases (services.py) and tasks call: it renders the
message now, stores it as an OutgoingEmail and enqueues its delivery in the
current transaction, so the request that caused it never waits for a mail
server, and nothing is sent for a change that rolls back. Delivery, retries
and the admin's view of failures: tasks.py and the OutgoingEmail admin.

A template `emails/<kind>.txt` has the subject on its first line and the
plain-text body below. `emails/<kind>.html`, when it exists, is the HTML
part; otherwise the HTML part is the text's paragraphs with links made
clickable (emails/base.html).
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timesince import timesince

from . import tasks
from .models import Lesson, Mentor, OutgoingEmail, Question, Subscriber
from .models.following import CONFIRMATION_DAYS


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def render(kind, context):
    """(subject, text, html) of the `kind` message for `context`."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject, _, text = render_to_string(f"emails/{kind}.txt", context).partition("\n")
    text = text.strip("\n") + "\n"
    try:
        html = render_to_string(f"emails/{kind}.html", context)
    except TemplateDoesNotExist:
        html = render_to_string("emails/base.html", {**context, "subject": subject, "text": text})
    return subject.strip(), text, html


def build(kind, to, context, *, key, headers=None, invitation=None):
    """An unsaved OutgoingEmail: for callers that create many at once (bulk_create)."""
    subject, text, html = render(kind, context)
    return OutgoingEmail(
        key=key[:200],
        kind=kind,
        to=to,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        headers=headers or {},
        invitation=invitation,
    )


def queue(kind, to, context, *, key=None, headers=None, invitation=None):
    """Store the message and enqueue its delivery, in the current transaction.

    `key` is the idempotency key (a new one when None): queueing the same key
    again returns the stored message and sends nothing more. None when `to`
    is empty (a mentor without an address, no editors configured).
    """
    if not to:
        return None
    key = key or f"{kind}:{uuid.uuid4().hex}"
    with transaction.atomic():
        email, created = OutgoingEmail.objects.get_or_create(
            key=key[:200],
            defaults={
                field: getattr(build(kind, to, context, key=key, headers=headers), field)
                for field in ("kind", "to", "subject", "body_text", "body_html", "headers")
            }
            | {"invitation": invitation},
        )
        if created:
            tasks.deliver.enqueue(email.pk)
    return email


def queue_to_editors(kind, context, *, key):
    return [
        queue(kind, address, context, key=f"{key}:{address}") for address in settings.EDITOR_EMAILS
    ]


def send_invitation(invitation):
    """Queue the invitation email with the link (stamped as sent once delivered)."""
    mentor = invitation.interview.mentor
    return queue(
        "invitation",
        invitation.email,
        {
            "mentor": mentor,
            "invitation": invitation,
            "link": invitation.link,
            "questions_url": absolute(reverse("interviews:question-list")),
        },
        # One message per link: a renewed link is a new message.
        key=f"invitation:{invitation.pk}:{invitation.nonce}:{invitation.expires_at:%Y%m%d%H%M%S}",
        invitation=invitation,
    )


def send_revisit(revision, invitation, questions):
    """Ask a published mentor to revisit `questions`, with their link."""
    interview = revision.interview
    return queue(
        "revisit",
        invitation.email,
        {
            "mentor": interview.mentor,
            "interview": interview,
            "invitation": invitation,
            "revision": revision,
            "questions": sorted(questions, key=lambda q: (q.position, q.pk)),
            "link": invitation.link,
            "interview_url": absolute(interview.mentor.get_absolute_url()),
            # "2 years": the subject's "2 years on: would you answer differently?"
            "since": timesince(interview.published_at, revision.asked_at, depth=1).replace(
                "\xa0", " "
            ),
        },
        key=f"revisit:{revision.pk}",
        invitation=invitation,
    )


def send_submitted(interview, event):
    """Tell the editors there is an interview to review, and thank the mentor."""
    admin_link = absolute(reverse("admin:interviews_interview_change", args=[interview.pk]))
    context = {"interview": interview, "mentor": interview.mentor, "admin_link": admin_link}
    queue_to_editors("submitted_editors", context, key=f"event:{event.pk}:editors")
    queue(
        "submitted_mentor",
        _mentor_address(interview),
        {**context, "link": interview.invitation.link},
        key=f"event:{event.pk}:mentor",
    )


def send_nomination_received(nomination):
    admin_link = absolute(reverse("admin:interviews_nomination_change", args=[nomination.pk]))
    queue_to_editors(
        "nomination_editors",
        {"nomination": nomination, "admin_link": admin_link},
        key=f"nomination:{nomination.pk}",
    )


def send_published(interview, event):
    mentor = interview.mentor
    invitation = getattr(interview, "invitation", None)
    queue(
        "published",
        _mentor_address(interview),
        {
            "mentor": mentor,
            "interview": interview,
            "link": absolute(mentor.get_absolute_url()),
            "edit_link": invitation.link if invitation else "",
        },
        key=f"event:{event.pk}:mentor",
    )


def send_changes_requested(interview, event):
    invitation = getattr(interview, "invitation", None)
    queue(
        "changes_requested",
        _mentor_address(interview),
        {
            "mentor": interview.mentor,
            "message": event.note,
            "link": invitation.link if invitation else "",
            "expires_at": invitation.expires_at if invitation else None,
        },
        key=f"event:{event.pk}:mentor",
    )


def send_rejected(interview, event):
    queue(
        "rejected",
        _mentor_address(interview),
        {"mentor": interview.mentor, "note": event.note},
        key=f"event:{event.pk}:mentor",
    )


def _mentor_address(interview):
    invitation = getattr(interview, "invitation", None)
    return (invitation.email if invitation else "") or interview.mentor.email


def send_revision_submitted(revision):
    """Tell the editors a mentor has edited their published interview."""
    interview = revision.interview
    admin_link = absolute(reverse("admin:interviews_interview_change", args=[interview.pk]))
    queue_to_editors(
        "revision_editors",
        {"interview": interview, "mentor": interview.mentor, "admin_link": admin_link},
        key=f"revision:{revision.pk}:submitted",
    )


def send_revision_decided(revision):
    interview = revision.interview
    queue(
        "revision_decided",
        _mentor_address(interview),
        {
            "mentor": interview.mentor,
            "revision": revision,
            "approved": revision.status == revision.Status.APPROVED,
            "link": absolute(interview.mentor.get_absolute_url()),
        },
        key=f"revision:{revision.pk}:{revision.status}",
    )


def send_follow_confirmation(subscriber):
    """The one message an address gets before its owner confirms: what was
    asked for, and the link that applies it. Messages to followers after
    that are queued in batches by following.py."""
    pending = subscriber.pending
    return queue(
        "follow_confirm",
        subscriber.email,
        {
            "subscriber": subscriber,
            "confirm_link": subscriber.confirm_link,
            "manage_link": subscriber.manage_link,
            "days": CONFIRMATION_DAYS,
            "frequency": Subscriber.Frequency(pending["frequency"]).label,
            "follows_all": pending["follows_all"],
            "mentors": Mentor.objects.filter(pk__in=pending["mentors"]),
            "questions": Question.objects.filter(pk__in=pending["questions"]).order_by(
                "position", "pk"
            ),
            "lessons": Lesson.objects.filter(pk__in=pending["lessons"]),
        },
        key=f"follow-confirm:{subscriber.pk}:{pending['key']}",
        headers=subscriber.list_headers(),
    )
