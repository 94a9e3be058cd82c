"""Invite a mentor from the command line; prints their personal link."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from interviews import services


class Command(BaseCommand):
    help = "Create a mentor, a draft interview and a personal link; email it and print it."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--days", type=int, default=settings.INVITATION_DAYS)
        parser.add_argument("--note", default="", help="A personal note for the email.")

    def handle(self, *args, name, email, days, note, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        if not name.strip():
            raise CommandError("--name must not be empty.")
        if not 1 <= days <= 365:
            raise CommandError("--days must be between 1 and 365.")
        invitation, _ = services.invite(name=name.strip(), email=email, days=days, note=note)
        self.stdout.write(
            f"Invited {name} <{email}>; the link works until {invitation.expires_at:%Y-%m-%d}. "
            "The email is queued: the worker sends it (the admin's outgoing emails show when)."
        )
        self.stdout.write(invitation.link)
