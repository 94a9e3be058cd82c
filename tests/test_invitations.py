"""Invitation links: signed tokens, expiry, revoking, renewing, the mentor's first visit."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from interviews.models import Interview, Invitation, TamperedLink
from tests.factories import invitation_with_token

pytestmark = pytest.mark.django_db


def link_in(text):
    match = re.search(r"https?://\S+/submit/([A-Za-z0-9_.-]{40,})/", text)
    assert match, text
    return match.group(0), match.group(1)


def test_invitation_creates_mentor_draft_interview_and_an_unguessable_token():
    invitation, token = invitation_with_token(name="Ada Lovelace", email="ada@example.com")
    interview = invitation.interview
    assert interview.status == Interview.Status.DRAFT
    assert interview.source == Interview.Source.FORM
    assert interview.mentor.name == "Ada Lovelace" and interview.mentor.email == "ada@example.com"
    assert len(invitation.nonce) >= 32  # 24 random bytes, base64: 192 bits
    assert token.startswith(invitation.nonce + ".")  # signed with SECRET_KEY
    assert Invitation.objects.get_by_token(token) == invitation
    with pytest.raises(TamperedLink):
        Invitation.objects.get_by_token(invitation.nonce + ".forged-signature")
    assert (invitation.expires_at - timezone.now()).days in (29, 30)


def test_invite_mentor_command_prints_the_link_and_emails_it(mailoutbox, settings):
    settings.SITE_URL = "https://applyingml.example"
    out = io.StringIO()
    call_command(
        "invite_mentor",
        "--name",
        "Ada Lovelace",
        "--email",
        "ada@example.com",
        "--days",
        "7",
        stdout=out,
    )
    link, token = link_in(out.getvalue())
    assert link.startswith("https://applyingml.example/submit/")
    invitation = Invitation.objects.get_by_token(token)
    assert (invitation.expires_at - timezone.now()).days in (6, 7)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.com"]
    assert link in mailoutbox[0].body
    assert invitation.last_sent_at is not None


@pytest.mark.parametrize(
    "args, message",
    [
        (["--name", "Ada", "--email", "not-an-email"], "not an email address"),
        (["--name", " ", "--email", "a@example.com"], "must not be empty"),
        (["--name", "Ada", "--email", "a@example.com", "--days", "0"], "between 1 and 365"),
    ],
)
def test_invite_mentor_command_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("invite_mentor", *args, stdout=io.StringIO())
    assert not Invitation.objects.exists()


def test_editor_invites_a_mentor_from_the_admin(editor_client, mailoutbox):
    url = reverse("admin:interviews_invitation_add")
    page = editor_client.get(url)
    assert page.status_code == 200 and "Invite a mentor" in page.content.decode()
    assert page.context["form"]["days"].initial == 30

    response = editor_client.post(
        url,
        {
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "note": "Loved your talk!",
            "days": 30,
        },
        follow=True,
    )

    assert response.status_code == 200
    invitation = Invitation.objects.get(email="grace@example.com")
    assert invitation.note == "Loved your talk!"
    assert invitation.created_by.username == "editor@example.com"
    link, token = link_in(mailoutbox[0].body)
    assert "Loved your talk!" in mailoutbox[0].body
    assert link in response.content.decode()  # shown to the editor to pass on
    assert Invitation.objects.get_by_token(token) == invitation


def test_admin_invite_form_keeps_input_on_errors(editor_client):
    response = editor_client.post(
        reverse("admin:interviews_invitation_add"),
        {"name": "Grace Hopper", "email": "nope", "note": "Keep me", "days": 30},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address" in html
    assert "Keep me" in html and "Grace Hopper" in html
    assert not Invitation.objects.exists()


def test_editor_revokes_and_renews_links(editor_client, mailoutbox, client):
    invitation, token = invitation_with_token()
    changelist = reverse("admin:interviews_invitation_changelist")

    editor_client.post(changelist, {"action": "revoke", "_selected_action": [invitation.pk]})
    assert client.get(f"/submit/{token}/").status_code == 410

    editor_client.post(
        changelist, {"action": "renew_and_resend", "_selected_action": [invitation.pk]}
    )
    _, new_token = link_in(mailoutbox[-1].body)
    assert new_token != token
    old = client.get(f"/submit/{token}/")  # the old link is gone
    assert old.status_code == 404 and "a newer link was sent" in old.content.decode()
    assert client.get(f"/submit/{new_token}/").status_code == 200


def test_expired_link_says_so_and_how_to_get_a_new_one(client):
    invitation, token = invitation_with_token()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(f"/submit/{token}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has expired" in html
    assert "How to get a new link" in html


def test_revoked_link_is_gone(client):
    invitation, token = invitation_with_token()
    invitation.revoke()
    response = client.get(f"/submit/{token}/")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # tampered
        lambda t: "x" * 43,  # unknown
        lambda t: t[:10],  # truncated
        lambda t: t + "%00",  # NUL
        lambda t: "a" * 500,  # absurdly long
    ],
)
def test_tampered_or_unknown_links_are_404_not_500(client, mangle):
    _, token = invitation_with_token()
    response = client.get(f"/submit/{mangle(token)}/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_each_invitation_belongs_to_exactly_one_interview():
    first, _ = invitation_with_token(email="a@example.com")
    second, _ = invitation_with_token(email="b@example.com")
    assert first.interview != second.interview
    assert Interview.objects.get(pk=first.interview.pk).invitation == first


def test_an_empty_invite_form_shows_what_is_missing(editor_client):
    response = editor_client.post(reverse("admin:interviews_invitation_add"), {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invitation_page_shows_the_link_to_pass_on(editor_client):
    invitation, token = invitation_with_token()
    page = editor_client.get(reverse("admin:interviews_invitation_change", args=[invitation.pk]))
    assert f"/submit/{token}/" in page.content.decode()
    invitation.revoke()
    page = editor_client.get(reverse("admin:interviews_invitation_change", args=[invitation.pk]))
    assert f"/submit/{token}/" not in page.content.decode()
    assert "Not usable (revoked)" in page.content.decode()
