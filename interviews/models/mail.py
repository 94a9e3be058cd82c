"""The outbox: every email the site sends, kept until it is delivered.

A use case (services.py) renders its message into an OutgoingEmail row and
enqueues its delivery task in the same transaction as the change that causes
it: a rolled-back change leaves neither, and a committed one leaves both, so
a crash after the commit loses nothing. The worker (tasks.py) sends a row at
most once: it locks the row, skips it when already sent, and marks it sent in
the same transaction as the send. `key` is the idempotency key: the same
message queued twice is one row, and the Message-ID header is derived from
it, so a receiving server sees a resend (after a worker died between the
SMTP server's "250 OK" and the commit) as the message it already has.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# How many times the worker tries before it gives up and shows the message
# as failed in the admin (the waits double from EMAIL_RETRY_SECONDS: with the
# default 30 s, about two hours in all), and the longest wait between tries.
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)


class OutgoingEmailQuerySet(models.QuerySet):
    def queued(self):
        return self.filter(status=OutgoingEmail.Status.QUEUED)

    def overdue(self, grace=timedelta(minutes=10)):
        """Queued messages whose next try should have happened `grace` ago:
        their task was lost with a worker that died mid-send."""
        return self.queued().filter(next_attempt_at__lt=timezone.now() - grace)


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True, help_text="The idempotency key.")
    kind = models.CharField(max_length=40, help_text="The template it was made from.")
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Which invitation's link it carries: sending stamps the invitation's last_sent_at.
    invitation = models.ForeignKey(
        "interviews.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing email"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="email_queued_due_idx",
                condition=Q(status="queued"),
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def message_id(self):
        """The same for every try: "<key@site-domain>" (a dot-atom, as RFC 5322 wants)."""
        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"<{re.sub(r'[^A-Za-z0-9!#$%&*+/=?^_`{|}~-]+', '.', self.key).strip('.')}@{domain}>"

    def backoff(self):
        """How long to wait after the `attempts`-th failed try: 30 s, 1 min, 2 min … 1 h."""
        first = timedelta(seconds=settings.EMAIL_RETRY_SECONDS)
        return min(first * 2 ** max(self.attempts - 1, 0), MAX_BACKOFF)
