"""Following by email: readers who asked for new interviews and answers by email.

One Subscriber per address, whatever it follows. Double opt-in: a request
(new address or not) only stores `pending`, what was asked for, with a key
of its own; the confirmation link carries that key, and opening it applies
exactly that request. So nothing but the confirmation is sent to an
address that never confirmed, and a stranger who types someone's address
cannot change what they follow. Unsubscribing deletes the row.

Links are signed with SECRET_KEY (django.core.signing, one salt a purpose)
and carry the subscriber's id and random nonce: a row deleted and created
again gets a new id and nonce, so no old link works for it.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from .content import Mentor, Question
from .lessons import Lesson

# How long a confirmation link works, and an unconfirmed request is kept.
CONFIRMATION_DAYS = 7

CONFIRM_SALT = "interviews.follow.confirm"
MANAGE_SALT = "interviews.follow.manage"


def new_nonce():
    return secrets.token_urlsafe(18)


class BadFollowLink(Exception):
    """A follow link that is tampered with, expired, or for an address that is gone."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "tampered", "expired" or "gone"


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self):
        return self.filter(confirmed_at__isnull=True)

    def expired_requests(self, now=None):
        """Requests whose confirmation link no longer works (CONFIRMATION_DAYS old)."""
        cutoff = (now or timezone.now()) - timedelta(days=CONFIRMATION_DAYS)
        return self.filter(requested_at__lt=cutoff)

    def forget(self):
        """Drop these subscribers' requests: an address never confirmed is
        deleted, a confirmed one keeps what it follows. How many."""
        with transaction.atomic():
            _, deleted = self.unconfirmed().delete()
            kept = self.confirmed().update(pending=None, requested_at=None)
        return deleted.get(self.model._meta.label, 0) + kept

    def following(self, *, mentor_ids=(), question_ids=(), lesson_ids=(), everything=False):
        """Subscribers following any of these mentors, questions or lessons
        (and, with `everything`, those who follow all new interviews).

        EXISTS per relation rather than joins: no duplicates to remove, and
        each is one index probe per subscriber.
        """
        condition = Q(follows_all=True) if everything else Q(pk__in=[])
        for ids, relation, column in [
            (mentor_ids, self.model.mentors.through, "mentor_id"),
            (question_ids, self.model.questions.through, "question_id"),
            (lesson_ids, self.model.lessons.through, "lesson_id"),
        ]:
            if ids:
                condition |= Exists(
                    relation.objects.filter(
                        subscriber_id=OuterRef("pk"), **{f"{column}__in": list(ids)}
                    )
                )
        return self.filter(condition)


class Subscriber(models.Model):
    """An address that asked to follow the site by email."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", "As it happens"
        WEEKLY = "weekly", "A weekly digest"

    email = models.EmailField(unique=True)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )
    follows_all = models.BooleanField("follows all new interviews", default=False)
    questions = models.ManyToManyField(Question, blank=True, related_name="subscribers")
    lessons = models.ManyToManyField(Lesson, blank=True, related_name="subscribers")
    mentors = models.ManyToManyField(Mentor, blank=True, related_name="subscribers")
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    # The latest request, applied only when its confirmation link is opened:
    # {"key", "frequency", "follows_all", "questions", "lessons", "mentors"}.
    pending = models.JSONField(null=True, blank=True, editable=False)
    requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The weekly digest reads confirmed weekly subscribers in id order.
            models.Index(
                fields=["frequency", "id"],
                name="subscriber_confirmed_idx",
                condition=Q(confirmed_at__isnull=False),
            ),
            # Housekeeping forgets requests nobody confirmed.
            models.Index(
                fields=["requested_at"],
                name="subscriber_requested_idx",
                condition=Q(requested_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    # --- State changes ------------------------------------------------------------

    @classmethod
    def request(cls, email, *, frequency, follows_all, questions, lessons, mentors):
        """Store a follow request for `email` (new or not) and return the subscriber.

        What it follows now stays as it is until the request is confirmed.
        """
        pending = {
            "key": new_nonce(),
            "frequency": frequency,
            "follows_all": bool(follows_all),
            "questions": sorted(q.pk for q in questions),
            "lessons": sorted(lesson.pk for lesson in lessons),
            "mentors": sorted(m.pk for m in mentors),
        }
        with transaction.atomic():
            subscriber, _ = cls.objects.select_for_update().get_or_create(email=email)
            subscriber.pending = pending
            subscriber.requested_at = timezone.now()
            subscriber.save(update_fields=["pending", "requested_at"])
        return subscriber

    def confirm(self, key):
        """Apply the request whose key is `key`; False if it is not the latest one."""
        pending = self.pending
        if not pending or pending.get("key") != key:
            return False
        with transaction.atomic():
            self.set_follows(
                frequency=pending["frequency"],
                follows_all=pending["follows_all"],
                questions=Question.objects.filter(pk__in=pending["questions"]),
                lessons=Lesson.objects.filter(pk__in=pending["lessons"]),
                mentors=Mentor.objects.filter(pk__in=pending["mentors"]),
            )
            self.pending = None
            self.requested_at = None
            if not self.confirmed_at:
                # The first digest comes next week, not minutes after confirming.
                self.confirmed_at = self.last_digest_at = timezone.now()
            self.save(update_fields=["pending", "requested_at", "confirmed_at", "last_digest_at"])
        return True

    def set_follows(self, *, frequency, follows_all, questions, lessons, mentors):
        """What a confirmed subscriber follows (the manage page, a confirmation)."""
        with transaction.atomic():
            self.frequency = frequency
            self.follows_all = follows_all
            self.save(update_fields=["frequency", "follows_all"])
            self.questions.set(questions)
            self.lessons.set(lessons)
            self.mentors.set(mentors)

    # --- Links --------------------------------------------------------------------

    def confirm_token(self):
        return signing.dumps(
            {"s": self.pk, "n": self.nonce, "k": (self.pending or {}).get("key")},
            salt=CONFIRM_SALT,
            compress=True,
        )

    def manage_token(self):
        # No expiry: the links in every message must work for as long as they follow.
        return signing.dumps({"s": self.pk, "n": self.nonce}, salt=MANAGE_SALT)

    @property
    def confirm_link(self):
        return settings.SITE_URL + reverse("interviews:follow-confirm", args=[self.confirm_token()])

    @property
    def manage_link(self):
        return settings.SITE_URL + reverse("interviews:follow-manage", args=[self.manage_token()])

    @property
    def unsubscribe_link(self):
        return settings.SITE_URL + reverse(
            "interviews:follow-unsubscribe", args=[self.manage_token()]
        )

    def list_headers(self):
        """RFC 2369 and RFC 8058 headers: mail programs offer a one-click unsubscribe."""
        return {
            "List-Unsubscribe": f"<{self.unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    @classmethod
    def from_token(cls, token, *, purpose):
        """(subscriber, the request key or None) for a link's token.

        Raises BadFollowLink: "tampered" (bad signature), "expired" (a
        confirmation link past CONFIRMATION_DAYS), "gone" (unsubscribed, or
        a link for an address that was deleted and created again).
        """
        salt, max_age = {
            "confirm": (CONFIRM_SALT, timedelta(days=CONFIRMATION_DAYS)),
            "manage": (MANAGE_SALT, None),
        }[purpose]
        try:
            data = signing.loads(token, salt=salt, max_age=max_age)
        except signing.SignatureExpired:
            raise BadFollowLink("expired") from None
        except signing.BadSignature:
            raise BadFollowLink("tampered") from None
        if not isinstance(data, dict) or not isinstance(data.get("s"), int):
            raise BadFollowLink("tampered")
        subscriber = cls.objects.filter(pk=data["s"], nonce=data.get("n")).first()
        if subscriber is None:
            raise BadFollowLink("gone")
        return subscriber, data.get("k")
