"""Create (or reset) an editor login: a staff user in the Editors group."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

EDITOR_APPS = ["interviews"]  # lessons are interviews.Lesson; taggit's own Tag is unused


def editors_group():
    """The Editors group, with every permission on the interview models."""
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=EDITOR_APPS))
    return group


class Command(BaseCommand):
    help = "Create an editor login (or reset its password) and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="editor@example.com")
        parser.add_argument("--password", help="Defaults to a new random password.")

    @transaction.atomic
    def handle(self, *args, email, password=None, **options):
        password = password or secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(
            username=email, defaults={"email": email}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(editors_group())
        verb = "Created" if created else "Reset the password of"
        self.stdout.write(f"{verb} the editor {email}.")
        admin_url = reverse("admin:index")  # DJANGO_ADMIN_PATH may move it
        self.stdout.write(f"Sign in at http://127.0.0.1:8000{admin_url} as {email} / {password}")
