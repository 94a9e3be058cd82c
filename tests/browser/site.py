"""Every kind of page the site has, as the browser tests and `make screenshots` see them.

`build_demo_site()` loads the demo content (with an answer updated after
publishing, so it has an earlier version) and adds what some pages need: a
mentor's open answer form, a submitted one, a withdrawn interview, an
editor and a reader who follows by email. `PAGE_TYPES` names each kind of page; `open_page()` brings a browser
page to it, including the ones reached by posting a form (the answer form
with errors or with its preview, the nomination form with errors) and the
admin's preview, which needs an editor signed in.

Some error pages need the server put into a state first (a database outage,
a tiny request limit): `open_page()` does that only with `in_process=True`,
that is in the tests, where pytest's live server runs in the test process.
`make screenshots` leaves those out.
"""

import secrets
from contextlib import nullcontext
from dataclasses import dataclass
from io import StringIO
from unittest.mock import patch

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from interviews import share
from interviews.models import Answer, AnswerVersion, Interview, Mentor, Question, Subscriber

EDITOR_EMAIL = "editor@example.com"


@dataclass(frozen=True)
class DemoSite:
    mentor_slug: str  # a published mentor with many answers
    other_mentor_slug: str  # the next, to compare with
    question_slug: str  # a question whose answers carry `lessons` together
    lessons: tuple  # (slug, name) of two lessons found together on one answer
    draft_token: str  # an answer form that is still open
    submitted_token: str  # an answer form already sent to the editors
    withdrawn_slug: str
    draft_interview_id: int  # for the admin's preview of an unpublished interview
    editor_email: str
    editor_password: str
    follow_token: str  # a confirmed follower's manage and unsubscribe links
    updated_answer_path: str  # an answer with an earlier version (the demo's update)
    search_term: str = "data"


def build_demo_site(share_images=False):
    """Demo content plus one of each state a page type needs. Returns a DemoSite.

    Share images are drawn only when asked for: some 150 cards after the
    commits, seconds of every browser test that never looks at them.
    """
    with nullcontext() if share_images else patch.object(share, "changed"):
        return _build_demo_site()


def _build_demo_site():
    from interviews.models import Invitation

    call_command("seed_demo", stdout=StringIO())
    questions = list(Question.objects.asked())

    draft = Invitation.create_for(name="Ada Example", email="ada@example.com")
    Mentor.objects.filter(pk=draft.interview.mentor_id).update(
        role="Staff ML Engineer", company="Example Freight"
    )
    Answer.objects.create(
        interview=draft.interview,
        question=questions[0],
        body="I lead a small team that builds **demand forecasts** for a freight company.",
    )

    submitted = Invitation.create_for(name="Grace Example", email="grace@example.com")
    for question in questions[:5]:
        Answer.objects.create(
            interview=submitted.interview,
            question=question,
            body=f"My answer to *{question.title.lower()}*: start with a baseline.",
        )
    submitted.interview.submit()

    withdrawn_mentor = Mentor.objects.create(name="Former Mentor", email="former@example.com")
    Interview.objects.create(
        mentor=withdrawn_mentor,
        status=Interview.Status.WITHDRAWN,
        published_at=timezone.now() - timezone.timedelta(days=400),
    )

    password = secrets.token_urlsafe(16)
    editor = get_user_model().objects.create_user(
        EDITOR_EMAIL, EDITOR_EMAIL, password, is_staff=True
    )
    from interviews.management.commands.create_editor import editors_group

    editor.groups.add(editors_group())

    mentor, other_mentor = (
        Interview.objects.published()
        .annotate(n=Count("answers"))
        .order_by("-n", "mentor__slug")
        .values_list("mentor__slug", flat=True)[:2]
    )
    question_slug, lessons = lesson_pair()
    updated = AnswerVersion.objects.select_related("answer__interview__mentor", "answer__question")
    updated_answer = updated.order_by("pk").first().answer
    follower = Subscriber.objects.create(email="reader@example.com", confirmed_at=timezone.now())
    follower.set_follows(
        frequency=Subscriber.Frequency.WEEKLY,
        follows_all=False,
        questions=Question.objects.filter(slug=question_slug),
        lessons=[],
        mentors=Mentor.objects.filter(slug=mentor),
    )
    return DemoSite(
        mentor_slug=mentor,
        other_mentor_slug=other_mentor,
        question_slug=question_slug,
        lessons=lessons,
        draft_token=draft.token,
        submitted_token=submitted.token,
        withdrawn_slug=withdrawn_mentor.slug,
        draft_interview_id=draft.interview_id,
        editor_email=EDITOR_EMAIL,
        editor_password=password,
        follow_token=follower.manage_token(),
        updated_answer_path=updated_answer.get_absolute_url(),
    )


def lesson_pair():
    """A question with a published answer carrying two lessons, and those two.

    Picks the question with the most such answers, so filtering by the first
    lesson leaves the second among the ones offered to narrow further.
    """
    best = None
    for answer in Answer.objects.published().select_related("question").prefetch_related("tags"):
        tags = sorted(answer.tags.all(), key=lambda tag: tag.slug)
        if len(tags) >= 2:
            key = (answer.question.position, answer.question.slug)
            if best is None or key < best[0]:
                best = (key, ((tags[0].slug, tags[0].name), (tags[1].slug, tags[1].name)))
    assert best is not None, "the demo content has no answer with two lessons"
    return best[0][1], best[1]


# name: what the page is, in the order screenshots and reports list them.
PAGE_TYPES = [
    "home",
    "mentors",
    "interview",
    "questions",
    "question",
    "question-filtered",
    "lessons",
    "lesson",
    "answer",
    "answer-history",
    "answer-versions",
    "answer-version",
    "search",
    "search-empty",
    "resources",
    "data",
    "compare",
    "nominate",
    "nominate-errors",
    "nominate-thanks",
    "follow",
    "follow-sent",
    "follow-manage",
    "follow-unsubscribe",
    "follow-link-problem",
    "mentor-form",
    "mentor-form-errors",
    "mentor-form-preview",
    "read-only",
    "thanks",
    "link-problem",
    "admin-preview",
    "not-found",
    "withdrawn",
]
# Reached only with the server put into a state (tests only; see the module docstring).
SERVER_STATE_PAGE_TYPES = [
    "too-large",
    "rate-limited",
    "admin-login-limited",
    "unavailable",
    "error",
]


def paths(site):
    """The URL path of every page type reached by a plain GET."""
    (first_slug, _), (second_slug, _) = site.lessons
    return {
        "home": "/",
        "mentors": "/mentors/",
        "interview": f"/mentors/{site.mentor_slug}/",
        "questions": "/questions/",
        "question": f"/questions/{site.question_slug}/",
        "question-filtered": f"/questions/{site.question_slug}/?tag={first_slug}&tag={second_slug}",
        "lessons": "/lessons/",
        "lesson": f"/lessons/{first_slug}/",
        "answer": f"/mentors/{site.mentor_slug}/{site.question_slug}/",
        "answer-history": site.updated_answer_path,
        "answer-versions": f"{site.updated_answer_path}versions/",
        "answer-version": f"{site.updated_answer_path}versions/1/",
        "search": f"/search/?q={site.search_term}",
        "search-empty": "/search/",
        "resources": "/resources/",
        "data": "/data/",
        "compare": f"/compare/?mentor={site.mentor_slug}&mentor={site.other_mentor_slug}",
        "nominate": "/submit/",
        "nominate-thanks": "/submit/thanks/",
        "follow": f"/follow/?question={site.question_slug}",
        "follow-sent": "/follow/sent/",
        "follow-manage": f"/follow/manage/{site.follow_token}/",
        "follow-unsubscribe": f"/follow/unsubscribe/{site.follow_token}/",
        "follow-link-problem": "/follow/confirm/this-is-not-a-token/",
        "mentor-form": f"/submit/{site.draft_token}/",
        "read-only": f"/submit/{site.submitted_token}/",
        "thanks": f"/submit/{site.submitted_token}/thanks/",
        "link-problem": "/submit/this-is-not-a-token/",
        "admin-preview": f"/admin/interviews/interview/{site.draft_interview_id}/preview/",
        "not-found": "/no-such-page/",
        "withdrawn": f"/mentors/{site.withdrawn_slug}/",
        # States reached by posting a form start from these pages.
        "nominate-errors": "/submit/",
        "mentor-form-errors": f"/submit/{site.draft_token}/",
        "mentor-form-preview": f"/submit/{site.draft_token}/",
    }


# What each page type answers with: the tests check it, so a page type can't
# silently turn into another (a 404 instead of the form with errors).
STATUS = {
    "nominate-errors": 400,
    "mentor-form-errors": 400,
    "link-problem": 404,
    "follow-link-problem": 404,
    "not-found": 404,
    "withdrawn": 410,
    "too-large": 413,
    "rate-limited": 429,
    "admin-login-limited": 429,
    "unavailable": 503,
    "error": 500,
}


# A selector only that page type matches ("main h1" for the rest).
MARKERS = {
    "question-filtered": ".active-filters .chip--active",
    "answer-history": ".byline a[href$='/versions/']",
    "answer-versions": ".version-list",
    "answer-version": ".word-diff del",
    "resources": ".resources .resource",
    "nominate-errors": "#error-summary",
    "mentor-form": "[data-mentor-form] form",
    "mentor-form-errors": "#error-summary",
    "mentor-form-preview": "#preview-heading",
    "read-only": ".details",
    "admin-preview": ".preview-banner",
    "not-found": "h1:text('We could not find that page')",
    "withdrawn": "h1:text('This interview has been withdrawn')",
    "too-large": "h1:text('That was too large to send')",
    "rate-limited": "h1:text('Please wait a little')",
    "admin-login-limited": "h1:text('Too many sign-in attempts')",
    "unavailable": "h1:text('We will be back in a moment')",
    "error": "h1:text('Something went wrong on our side')",
}


def sign_in(page, base_url, site):
    """Sign the browser context in as the editor, through the admin's login form."""
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Email address").or_(page.get_by_label("Username")).fill(site.editor_email)
    page.get_by_label("Password").fill(site.editor_password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Log out").or_(
        page.get_by_role("button", name="Log out")
    ).wait_for()


def open_page(page, base_url, site, name, in_process=False):
    """Bring `page` to the page type `name`; returns the HTTP status it answered with.

    `in_process`: the server runs in this process (pytest's live_server), so
    the SERVER_STATE_PAGE_TYPES can be reached by changing settings or a view.
    """
    status = _open(page, base_url, site, name, in_process)
    # Each page type shows what makes it that page, or the test would check another.
    page.locator(MARKERS.get(name, "main h1")).first.wait_for()
    return status


def _open(page, base_url, site, name, in_process):
    url = base_url + paths(site).get(name, "/")
    signed_in = any(cookie["name"] == "sessionid" for cookie in page.context.cookies(base_url))
    if name == "admin-preview" and not signed_in:
        sign_in(page, base_url, site)
    if name in SERVER_STATE_PAGE_TYPES:
        if not in_process:
            raise ValueError(f"{name} needs the server in this process (pytest's live_server)")
        return _open_server_state_page(page, base_url, site, name)
    response = page.goto(url)
    if name == "nominate-errors":
        # Complete as far as the browser can tell, but a link the server refuses.
        fill_nomination(page, links="my blog")
        # Filled faster than a person types, and again and again: in process, skip
        # those errors and the rate limit, to show the link's error alone.
        quick = (
            override_settings(NOMINATION_MIN_SECONDS=0, NOMINATION_RATE_LIMIT=10_000)
            if in_process
            else nullcontext()
        )
        with quick, page.expect_navigation() as navigation:
            page.get_by_role("button", name="Send").click()
        response = navigation.value
    elif name == "mentor-form-errors":
        # Submitting with fewer answers than the minimum: the form again, with errors.
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Submit for review").click()
        response = navigation.value
    elif name == "mentor-form-preview":
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Preview", exact=True).click()
        response = navigation.value
    return response.status


def fill_nomination(page, links=""):
    page.locator("#id_name").fill("Someone Example")
    page.locator("#id_email").fill("someone@example.com")
    page.locator("#id_links").fill(links)
    page.locator("#id_pitch").fill("Lessons from shipping forecasts. " * 8)


def _open_server_state_page(page, base_url, site, name):
    from unittest import mock

    from django.db import OperationalError

    from interviews.views import HomeView

    if name in {"too-large", "rate-limited"}:
        limit = {"MAX_REQUEST_BYTES": 200} if name == "too-large" else {"NOMINATION_RATE_LIMIT": 0}
        page.goto(f"{base_url}/submit/")
        fill_nomination(page)
        with override_settings(**limit), page.expect_navigation() as navigation:
            page.get_by_role("button", name="Send").click()
        return navigation.value.status
    if name == "admin-login-limited":
        page.context.clear_cookies()  # signed out, to see the login form
        page.goto(f"{base_url}/admin/login/")
        page.locator("#id_username").fill("nobody@example.com")
        page.locator("#id_password").fill("not the password")
        with override_settings(ADMIN_LOGIN_MAX_FAILURES=0), page.expect_navigation() as navigation:
            page.get_by_role("button", name="Log in").click()
        return navigation.value.status

    def fail(*args, **kwargs):
        if name == "unavailable":
            raise OperationalError("the database is unreachable")
        raise RuntimeError("a bug, on purpose")

    with mock.patch.object(HomeView, "get", fail):
        return page.goto(f"{base_url}/").status
