"""Collecting interviews: personal invitation links, nominations, rate limits."""

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .content import Interview, Mentor
from .workflow import InvalidTransition


def invitation_signer():
    return signing.Signer(salt="interviews.invitation", sep=".")


def link_expiry(days=None):
    """When a link made or renewed now stops working: `days` from now,
    settings.INVITATION_DAYS unless given."""
    return timezone.now() + timedelta(days=days or settings.INVITATION_DAYS)


def new_nonce():
    return secrets.token_urlsafe(24)  # 192 random bits


class TamperedLink(Exception):
    """A link whose signature does not match: mistyped, cut short or edited."""


class InvitationQuerySet(models.QuerySet):
    def get_by_token(self, token):
        """The invitation for a link's token.

        Raises TamperedLink when the signature does not match, and
        DoesNotExist for a genuine link that was replaced by a newer one.
        """
        try:
            nonce = invitation_signer().unsign(token)
        except signing.BadSignature:
            raise TamperedLink(token) from None
        return self.select_related("interview__mentor").get(nonce=nonce)


class Invitation(models.Model):
    """A mentor's personal link to their interview's answer form.

    The link's token is the invitation's random nonce signed with SECRET_KEY:
    unguessable, tamper-evident, and reproducible for later emails without
    storing the link itself. Renewing replaces the nonce, so old links die.
    """

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="invitation")
    email = models.EmailField()
    note = models.TextField(blank=True, help_text="A personal note included in the email.")
    nonce = models.CharField(max_length=64, unique=True, default=new_nonce, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="invitation_expires_idx")]

    def __str__(self):
        return f"Invitation for {self.email}"

    @classmethod
    def create_for(cls, *, name, email, days=None, note="", created_by=None):
        """Create the mentor, their draft interview and its invitation."""
        with transaction.atomic():
            mentor = Mentor.objects.create(name=name, email=email)
            interview = Interview.objects.create(
                mentor=mentor, status=Interview.Status.DRAFT, source=Interview.Source.FORM
            )
            return cls.objects.create(
                interview=interview,
                email=email,
                note=note,
                expires_at=link_expiry(days),
                created_by=created_by,
            )

    @classmethod
    def reopen_for(cls, interview, *, email, days=None, created_by=None):
        """The interview's link, sent to `email` and working for at least `days`
        more days; made now for an interview that has none (an imported one)."""
        invitation = cls.objects.filter(interview=interview).first()
        if invitation is None:
            return cls.objects.create(
                interview=interview,
                email=email,
                expires_at=link_expiry(days),
                created_by=created_by,
            )
        if invitation.email != email:
            invitation.email = email
            invitation.save(update_fields=["email"])
        invitation.reopen(days)
        return invitation

    @property
    def token(self):
        return invitation_signer().sign(self.nonce)

    @property
    def link(self):
        """The absolute URL of the mentor's form, for emails and commands."""
        return settings.SITE_URL + reverse("interviews:submission", args=[self.token])

    @property
    def state(self):
        """Revoked, else expired once `expires_at` has passed, else active;
        `in_state()` is the same rule in SQL."""
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.ACTIVE

    @classmethod
    def in_state(cls, state, now=None):
        """A Q for the invitations whose `state` is `state` (the property's rule)."""
        now = now or timezone.now()
        return {
            cls.State.REVOKED: Q(revoked_at__isnull=False),
            cls.State.EXPIRED: Q(revoked_at__isnull=True, expires_at__lte=now),
            cls.State.ACTIVE: Q(revoked_at__isnull=True, expires_at__gt=now),
        }[state]

    def renew(self, days=None):
        """A new link (the old one stops working), valid for `days` more days."""
        self.nonce = new_nonce()
        self.expires_at = link_expiry(days)
        self.revoked_at = None
        self.save(update_fields=["nonce", "expires_at", "revoked_at"])

    def reopen(self, days=None):
        """Make the same link work again for at least `days` days."""
        self.expires_at = max(self.expires_at, link_expiry(days))
        self.revoked_at = None
        self.save(update_fields=["expires_at", "revoked_at"])

    def mark_sent(self):
        self.last_sent_at = timezone.now()
        self.save(update_fields=["last_sent_at"])

    def revoke(self):
        if not self.revoked_at:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class Nomination(models.Model):
    """Someone offering to share their lessons, through the public form."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        INVITED = "invited", "Invited"
        DECLINED = "declined", "Declined"

    name = models.CharField(max_length=120)
    email = models.EmailField()
    role = models.CharField(max_length=160, blank=True)
    company = models.CharField(max_length=160, blank=True)
    links = models.TextField(blank=True, help_text="One link per line.")
    pitch = models.TextField("what they would share", max_length=3000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="nomination"
    )
    client_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def profile_links(self):
        """The nominee's links, sorted into the mentor's link fields by site."""
        sites = {
            "linkedin.com": "linkedin",
            "github.com": "github",
            "x.com": "x",
            "twitter.com": "x",
        }
        links = {}
        for url in self.links.split():
            host = urlsplit(url).hostname or ""
            field = next(
                (f for site, f in sites.items() if host == site or host.endswith("." + site)),
                "website",
            )
            links.setdefault(field, url)
        return links

    def invite(self, *, created_by=None, days=None):
        """Turn the nomination into an invitation and return it."""
        if self.status == self.Status.INVITED:
            raise InvalidTransition(f"{self.name} has already been invited.")
        invitation = Invitation.create_for(
            name=self.name,
            email=self.email,
            days=days,
            created_by=created_by,
            note="Thank you for offering to share your lessons.",
        )
        mentor = invitation.interview.mentor
        mentor.role, mentor.company = self.role, self.company
        for field, url in self.profile_links().items():
            setattr(mentor, field, url)
        mentor.save()
        self.status = self.Status.INVITED
        self.invitation = invitation
        self.save(update_fields=["status", "invitation"])
        return invitation


class RateLimitWindow(models.Model):
    """Hits per key per fixed window, shared by every server process.

    Rows are upserted by `interviews.ratelimit.hit()` in one atomic statement.
    """

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_key_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window_idx")]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"
