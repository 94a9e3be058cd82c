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


PASTED = """A conversation with Bo Example about forecasting, first published on our blog.

How do you spend your time day-to-day?

Reading papers and writing code.

How do you know your work made a difference?

We compare against last year's forecast.

More articles about machine learning
"""


def test_editor_pastes_an_interview_decides_a_question_and_imports_it(page, live_server, questions):
    site = build_demo_site()
    sign_in(page, live_server.url, site)
    page.goto(f"{live_server.url}/admin/interviews/interview/import/")
    page.get_by_label("Or paste an interview").fill(PASTED)
    page.get_by_label("Mentor").fill("Bo Example")
    page.get_by_role("button", name="Preview").click()

    # Where each paragraph goes, and the footer left out by default.
    blocks = page.locator(".import-paste-blocks")
    blocks.wait_for()
    assert "left out: after the end" in blocks.locator("tr", has_text="More articles").inner_text()

    # The question the matcher could not place, decided from its nearest questions.
    choice = page.get_by_label("“How do you know your work made a difference?”")
    choice.select_option("quantifying-impact")
    page.get_by_label("The interview starts at").select_option("1")
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Imported: 1 file: 1 created").wait_for()

    interview = Interview.objects.get(mentor__name="Bo Example")
    assert interview.intro.startswith("A conversation with Bo Example")
    impact = interview.answers.get(question__slug="quantifying-impact")
    assert impact.body == "We compare against last year's forecast."
