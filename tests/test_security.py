"""Security headers, the Content-Security-Policy and HTTPS behind a proxy."""

import re

import pytest
from django.urls import reverse

from tests.factories import AnswerFactory

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script element without src
    re.compile(r"\son[a-z]+\s*=", re.I),  # onclick= and friends
    re.compile(r"\sstyle\s*=", re.I),  # style attributes
    re.compile(r"<style\b", re.I),
    re.compile(r"javascript:", re.I),
]


def inline_code(html):
    # JSON data blocks are never executed, so the policy allows them.
    html = re.sub(r'<script[^>]*type="application/json"[^>]*>.*?</script>', "", html, flags=re.S)
    return [m.group(0) for pattern in INLINE for m in pattern.finditer(html)]


def test_no_page_needs_inline_script_or_style(client, editor_client, questions):
    answer = AnswerFactory(question=questions[0], lessons=["start simple"])
    mentor = answer.interview.mentor
    public = [
        "/",
        "/mentors/",
        mentor.get_absolute_url(),
        "/questions/",
        questions[0].get_absolute_url(),
        "/lessons/",
        "/lessons/start-simple/",
        "/no-such-page/",
        reverse("admin:login"),
    ]
    for url in public:
        assert inline_code(client.get(url).content.decode()) == [], url
    admin_pages = [
        reverse("admin:index"),
        reverse("admin:interviews_interview_changelist"),
        reverse("admin:interviews_interview_change", args=[answer.interview.pk]),
    ]
    for url in admin_pages:
        assert inline_code(editor_client.get(url).content.decode()) == [], url


@pytest.fixture
def production_https(settings):
    """The HTTPS settings production has (tests run with development's)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


def test_plain_http_is_redirected_and_https_behind_the_proxy_gets_hsts(client, production_https):
    response = client.get("/mentors/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/mentors/"

    response = client.get("/mentors/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

    response = client.get(reverse("admin:login"), HTTP_X_FORWARDED_PROTO="https")
    assert response.cookies["csrftoken"]["secure"] is True
