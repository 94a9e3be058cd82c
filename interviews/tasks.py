"""The background tasks: delivering the outbox, rebuilding the open dataset.
(Following's tasks are in following.py; the every-minute run that calls
both is housekeeping.py's.)

They run in `manage.py worker` (django-tasks with its database backend: the
queue is a PostgreSQL table, so a task enqueued inside a transaction exists
only if that transaction commits). Use cases enqueue them (services.py,
emails.py); nothing else does.

Delivery sends each message at most once per "250 OK": the row is locked for
the send and marked sent in the same transaction, and a row another worker
holds is skipped. A failed try is recorded on the row and retried with
backoff (OutgoingEmail.backoff) up to MAX_ATTEMPTS, then shown as failed in
the admin with its error and a Retry action.
"""

import contextlib
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from applyingml.errors import first_line

from . import dataset, search
from .models import Invitation, OutgoingEmail, SearchEntry, SearchTerm
from .models.mail import MAX_ATTEMPTS

logger = logging.getLogger(__name__)


@task()
def deliver(email_id):
    """Send one queued message (a message already sent, or being sent, is left alone)."""
    deliver_messages([email_id])


@task()
def deliver_batch(email_ids):
    """Send many queued messages over one SMTP connection (digests)."""
    deliver_messages(email_ids)


def deliver_messages(email_ids):
    """How many of `email_ids` were sent now."""
    sent = 0
    connection = get_connection()
    # When the server is down, each message's own try records why.
    with contextlib.suppress(Exception):
        connection.open()
    try:
        for email_id in email_ids:
            sent += _deliver_one(email_id, connection)
    finally:
        connection.close()
    return sent


def _deliver_one(email_id, connection):
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutgoingEmail.Status.QUEUED)
            .first()
        )
        if email is None:  # sent already, given up on, deleted, or another worker has it
            return False
        message = EmailMultiAlternatives(
            email.subject,
            email.body_text,
            settings.DEFAULT_FROM_EMAIL,
            [email.to],
            headers={**email.headers, "Message-ID": email.message_id},
            connection=connection,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        now = timezone.now()
        try:
            message.send()
        except Exception as exc:  # any transport failure: keep it, try again later
            _failed(email, exc, now)
            # A broken connection stays broken for the rest of the batch: reopen it.
            connection.close()
            return False
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = now
        email.last_error = ""
        email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        if email.invitation_id:
            Invitation.objects.filter(pk=email.invitation_id).update(last_sent_at=now)
    return True


def _failed(email, exc, now):
    email.last_error = f"{type(exc).__name__}: {first_line(exc)}"[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = OutgoingEmail.Status.FAILED
        logger.error("Gave up on email %s to %s: %s", email.pk, email.to, email.last_error)
    else:
        email.next_attempt_at = now + email.backoff()
        logger.warning(
            "Email %s to %s not sent (try %d): %s; next try at %s",
            email.pk,
            email.to,
            email.attempts,
            email.last_error,
            email.next_attempt_at.isoformat(timespec="seconds"),
        )
        if default_task_backend.supports_defer:
            deliver.using(run_after=email.next_attempt_at).enqueue(email.pk)
        # Otherwise (the immediate backend) housekeeping() finds it when it is due.
    email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])


@task()
def rebuild_search_terms():
    """The words "Did you mean …" suggests from, again (after a change readers see).

    Skipped when already newer than the content, as rebuild_dataset is."""
    if search.search_terms_stale():
        SearchTerm.objects.rebuild()


@task()
def retier_search_entries():
    """Move the search tiers' boundaries once the newest tier has outgrown its
    size (models/searching.py); skipped when another run already did."""
    if SearchEntry.objects.retier_due():
        SearchEntry.objects.retier()


@task()
def rebuild_dataset():
    """Write the open dataset's files again (after a publish, withdraw or approved edit).

    Skipped when the files are already newer than the content: several
    publishes in a row queue several rebuilds, and the first does them all."""
    if dataset.is_stale():
        dataset.publish_latest()
