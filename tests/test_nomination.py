"""Self-nomination at /submit/: spam defences, the rate limit, turning one into an invitation."""

import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import reverse

from interviews import ratelimit
from interviews.models import Interview, Nomination, RateLimitWindow

pytestmark = pytest.mark.django_db

URL = "/submit/"


def nomination_data(**overrides):
    return {
        "name": "Lin Example",
        "email": "lin@example.com",
        "role": "ML Engineer",
        "company": "Example Co",
        "links": "https://example.com/lin\nhttps://github.com/lin",
        "pitch": "How we replaced a model with a rule and saved money.",
        "homepage": "",
        "started": signing.dumps(time.time() - 60, salt="nomination"),
        **overrides,
    }


def test_nomination_form_is_public(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Share your lessons" in html
    assert 'name="homepage"' in html and 'name="started"' in html


def test_a_nomination_is_saved_and_editors_are_told(client, settings, mailoutbox):
    settings.EDITOR_EMAILS = ["ed@example.com"]
    response = client.post(URL, nomination_data())
    assert response.status_code == 302 and response["Location"] == reverse(
        "interviews:nominate-thanks"
    )
    nomination = Nomination.objects.get()
    assert nomination.status == Nomination.Status.NEW
    assert nomination.client_address == "127.0.0.1"
    assert mailoutbox[0].to == ["ed@example.com"]
    assert "How we replaced a model" in mailoutbox[0].body
    # Never published automatically: no interview exists.
    assert not Interview.objects.exists()


def test_honeypot_is_refused_with_input_kept(client):
    response = client.post(URL, nomination_data(homepage="http://spam.example"))
    assert response.status_code == 400
    assert not Nomination.objects.exists()
    html = response.content.decode()
    assert "How we replaced a model with a rule" in html


def test_too_fast_is_refused_and_can_be_sent_again(client):
    response = client.post(
        URL, nomination_data(started=signing.dumps(time.time(), salt="nomination"))
    )
    assert response.status_code == 400
    assert "quicker than a person can type" in response.content.decode()
    assert not Nomination.objects.exists()


def test_tampered_timestamp_is_refused(client):
    response = client.post(URL, nomination_data(started="12345"))
    assert response.status_code == 400
    assert not Nomination.objects.exists()


def test_bad_links_get_a_clear_message(client):
    response = client.post(URL, nomination_data(links="javascript:alert(1)"))
    assert response.status_code == 400
    assert "is not a web address" in response.content.decode()


def test_rate_limit_answers_429_with_when_to_retry(client, settings):
    settings.NOMINATION_RATE_LIMIT = 2
    for n in range(2):
        assert client.post(URL, nomination_data(email=f"p{n}@example.com")).status_code == 302

    response = client.post(URL, nomination_data(email="third@example.com", pitch="Third try text"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Please try again after" in html
    assert "Third try text" in html  # handed back
    assert Nomination.objects.count() == 2
    # Another address is not affected.
    other = client.post(URL, nomination_data(email="x@example.com"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_rate_limit_is_stored_in_the_shared_database():
    for _ in range(3):
        decision = ratelimit.hit("test:key", limit=2)
    assert not decision.allowed and decision.hits == 3
    assert RateLimitWindow.objects.get(key="test:key").hits == 3


def test_client_address_trusts_only_our_proxies(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_address(request) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", ["unknown", "not-an-address", "203.0.113.7:443"])
def test_a_proxy_that_knows_no_address_still_lets_the_nomination_in(client, settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(URL, nomination_data(), HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 302
    assert Nomination.objects.get().client_address is None


def test_editor_turns_a_nomination_into_an_invitation(editor_client, mailoutbox, client):
    nomination = Nomination.objects.create(
        name="Lin Example",
        email="lin@example.com",
        role="ML Engineer",
        company="Example Co",
        pitch="x",
        links="https://lin.example.com/\nhttps://www.linkedin.com/in/lin\nhttps://github.com/lin",
    )
    response = editor_client.post(
        reverse("admin:interviews_nomination_changelist"),
        {"action": "invite", "_selected_action": [nomination.pk]},
        follow=True,
    )
    assert response.status_code == 200
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.INVITED
    interview = nomination.invitation.interview
    assert interview.status == Interview.Status.DRAFT
    mentor = interview.mentor
    assert (mentor.role, mentor.company) == ("ML Engineer", "Example Co")
    assert (mentor.website, mentor.linkedin, mentor.github) == (
        "https://lin.example.com/",
        "https://www.linkedin.com/in/lin",
        "https://github.com/lin",
    )
    assert mailoutbox[0].to == ["lin@example.com"]
    link = next(word for word in mailoutbox[0].body.split() if "/submit/" in word)
    assert client.get(urlsplit(link).path).status_code == 200
