"""An editor in Chromium: signs in through the admin's login form, opens the
review queue, publishes a submitted interview with the workflow buttons and
finds it on the public site."""

import pytest

from interviews.models import Interview
from tests.browser.site import build_demo_site, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_reviews_and_publishes_an_interview(page, live_server, questions):
    site = build_demo_site()
    submitted = Interview.objects.get(status=Interview.Status.SUBMITTED)
    name = submitted.mentor.name
    # Not public yet.
    assert page.goto(f"{live_server.url}/mentors/{submitted.mentor.slug}/").status == 404

    sign_in(page, live_server.url, site)
    page.get_by_role("link", name="Open the review queue").click()
    queue = page.locator("#interviews")
    queue.get_by_role("link", name=name).click()

    page.locator(".workflow-steps").get_by_role("link", name="Publish").click()
    page.get_by_role("heading", name="Publish?").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(f"{name}: publish done.").wait_for()
    assert "Published" in page.locator(".workflow-panel").inner_text()

    page.goto(f"{live_server.url}/mentors/")
    page.get_by_role("link", name=name).click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    first_answer = submitted.answers.order_by("question__position").first()
    page.get_by_role("heading", level=2, name=first_answer.question.text).wait_for()
    assert Interview.objects.get(pk=submitted.pk).status == Interview.Status.PUBLISHED
