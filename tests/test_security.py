"""Security headers, the Content-Security-Policy, HTTPS behind a proxy, and
the admin login rate limit."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
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
    assert directives["manifest-src"] == "'self'"  # the web app manifest
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
    html = re.sub(
        r'<script[^>]*type="application/(ld\+)?json"[^>]*>.*?</script>', "", html, flags=re.S
    )
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
        "/search/?q=baseline",
        "/submit/",
        reverse("admin:login"),
    ]
    for url in public:
        assert inline_code(client.get(url).content.decode()) == [], url
    admin_pages = [
        reverse("admin:index"),
        reverse("admin:interviews_interview_changelist"),
        reverse("admin:interviews_interview_change", args=[answer.interview.pk]),
        reverse("admin:interviews_interview_preview", args=[answer.interview.pk]),
        reverse("admin:review-queue"),
        reverse("admin:dashboard"),
    ]
    for url in admin_pages:
        assert inline_code(editor_client.get(url).content.decode()) == [], url


def test_no_page_type_needs_inline_script_or_style(questions):
    """Every page type of the browser tests, the demo content on them included."""
    from tests.browser.site import build_demo_site
    from tests.test_html import fetch_every_page_type

    for name, (_, html) in fetch_every_page_type(build_demo_site()).items():
        assert inline_code(html) == [], name


def test_htmx_is_configured_to_need_no_eval_and_no_inline_style(client, questions):
    AnswerFactory(question=questions[0], lessons=["start simple"])
    html = client.get(questions[0].get_absolute_url()).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', html).group(1)
    config = json.loads(config)
    assert config["allowEval"] is False  # hx-on and js: would need 'unsafe-eval'
    assert config["includeIndicatorStyles"] is False  # it would inject a <style>
    assert config["selfRequestsOnly"] is True
    # The meta tag comes before the script that reads it.
    assert html.index('name="htmx-config"') < html.index("htmx.min.js")


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


# --- Admin login rate limit ---------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Dozens of logins with the production hasher would take seconds each test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db, fast_passwords):
    return get_user_model().objects.create_user(
        "ed@example.com", "ed@example.com", "the-right-password", is_staff=True
    )


def login(client, username, password, address="203.0.113.5", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **extra,
    )


def test_admin_login_is_refused_after_five_failures_even_with_the_right_password(
    client, staff, settings
):
    for _ in range(settings.ADMIN_LOGIN_MAX_FAILURES):
        assert login(client, "ed@example.com", "wrong").status_code == 200  # the form again

    response = login(client, "ed@example.com", "the-right-password")

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_the_limit_is_per_username_and_per_address(client, staff, settings):
    from django.core.cache import cache

    limit = settings.ADMIN_LOGIN_MAX_FAILURES
    for _ in range(limit):
        login(client, "ed@example.com", "wrong", address="203.0.113.5")
    # The username is locked from every address ...
    assert login(client, "ed@example.com", "x", address="198.51.100.9").status_code == 429
    # ... while other accounts can still sign in.
    other = get_user_model().objects.create_user("jo", "jo@example.com", "pw-jo-123", is_staff=True)
    assert login(client, other.username, "pw-jo-123", address="198.51.100.9").status_code == 302

    cache.clear()
    client.logout()
    # One address trying many usernames is stopped too.
    for n in range(limit * 4):
        login(client, f"guess{n}", "wrong", address="192.0.2.1")
    assert (
        login(client, "ed@example.com", "the-right-password", address="192.0.2.1").status_code
        == 429
    )
    assert (
        login(client, "ed@example.com", "the-right-password", address="192.0.2.2").status_code
        == 302
    )


def test_behind_a_proxy_the_forwarded_address_is_counted(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.ADMIN_LOGIN_MAX_FAILURES * 4):
        # Whatever a client puts first in X-Forwarded-For, the proxy's last entry counts.
        login(
            client,
            f"guess{n}",
            "wrong",
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 192.0.2.1",
        )
    blocked = login(
        client,
        "ed@example.com",
        "the-right-password",
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.1",
    )
    assert blocked.status_code == 429
    allowed = login(
        client,
        "ed@example.com",
        "the-right-password",
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert allowed.status_code == 302


def test_a_cache_outage_does_not_lock_editors_out(client, staff, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("interviews.ratelimit.cache.get_many", down)
    monkeypatch.setattr("interviews.ratelimit.cache.add", down)
    assert login(client, "ed@example.com", "wrong").status_code == 200
    assert login(client, "ed@example.com", "the-right-password").status_code == 302


def test_markup_built_in_python_escapes_what_people_typed(client, questions):
    # Answer cards, lesson chips and narrowing links are built in Python
    # (templatetags/interviews.py), outside the template's autoescaping.
    hostile = '<img src=x onerror="alert(1)">&'
    answer = AnswerFactory(
        question=questions[0],
        interview__mentor__name=hostile,
        interview__mentor__role=hostile,
        lessons=[hostile, "plain"],
    )
    mentor_url = answer.interview.mentor.get_absolute_url()
    pages = [
        questions[0].get_absolute_url(),
        "/lessons/plain/",
        mentor_url,
        answer.get_absolute_url(),
        "/search/?q=plain",
    ]
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;"
    for url in pages:
        html = client.get(url).content.decode()
        assert "<img src=x" not in html, url
        assert escaped in html, url
