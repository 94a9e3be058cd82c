"""A mentor fills in, saves, reloads, previews and submits their form in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from interviews.models import Answer, Interview
from tests.factories import invitation_with_token

pytestmark = pytest.mark.django_db(transaction=True)


def test_mentor_fills_saves_reloads_and_submits(page, live_server, settings, questions):
    settings.MENTOR_MIN_ANSWERS = 3
    invitation, token = invitation_with_token(name="Ada Example", email="ada@example.com")
    url = f"{live_server.url}/submit/{token}/"

    page.goto(url)
    page.get_by_label("Job title").fill("Staff ML Engineer")
    page.get_by_label("Please share a bit about yourself").fill("I build **forecasts**.")
    page.get_by_label("What was your path towards working").fill("Physics, then logistics.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Your draft is saved").wait_for()

    page.reload()
    assert page.get_by_label("Job title").input_value() == "Staff ML Engineer"
    assert (
        page.get_by_label("Please share a bit about yourself").input_value()
        == "I build **forecasts**."
    )
    assert "Last saved:" in page.locator("[data-save-status]").inner_text()

    # Typing saves in the background, with a visible status.
    page.get_by_label("How do you spend your time").fill("Mostly reviews.")
    page.locator("[data-save-status]").get_by_text("Saved automatically").wait_for()
    assert Answer.objects.filter(interview=invitation.interview, body="Mostly reviews.").exists()

    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.locator(".preview")
    assert preview.locator("strong").inner_text() == "forecasts"

    # Submitting needs a licence; the mentor picks one (none is preselected).
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_text("Please choose how others may reuse your interview.").first.is_visible()
    page.get_by_label("CC BY 4.0: anyone may reuse it, crediting me").check()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_role("heading", name="Thank you, Ada Example").wait_for()
    assert Interview.objects.get(pk=invitation.interview.pk).status == Interview.Status.SUBMITTED


def test_text_from_a_failed_save_is_offered_back(page, live_server, questions):
    _, token = invitation_with_token()
    url = f"{live_server.url}/submit/{token}/"
    page.goto(url)
    # The server cannot be reached: every save fails.
    page.route("**/autosave/", lambda route: route.abort())
    answer = page.get_by_label("How do you spend your time")
    answer.fill("Words the server never got.")
    page.locator("[data-save-status]").get_by_text("Not saved").wait_for()

    page.unroute("**/autosave/")
    page.goto(url)  # a later visit
    banner = page.locator("[data-restore-banner]")
    banner.wait_for(state="visible")
    page.get_by_role("button", name="Put it back in the form").click()
    assert (
        page.get_by_label("How do you spend your time").input_value()
        == "Words the server never got."
    )


def test_live_preview_follows_the_typing(page, live_server, questions, browser_errors):
    _, token = invitation_with_token()
    browser_errors.allow(f"/submit/{token}/x")  # the image below, which exists nowhere
    page.goto(f"{live_server.url}/submit/{token}/")
    field = page.get_by_label("How do you spend your time")
    slug = field.get_attribute("data-answer")
    field.fill("Mostly **reviews**.\n\n<img src=x onerror=alert(1)>")
    toggle = page.locator(f'button[aria-controls="live-preview-{slug}"]')
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    preview = page.locator(f"#live-preview-{slug}")
    preview.locator("strong", has_text="reviews").wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert preview.locator("[onerror]").count() == 0

    field.fill("Now about *planning*.")
    preview.locator("em", has_text="planning").wait_for()
    toggle.click()
    assert preview.is_hidden()


def test_live_preview_warns_of_an_image_from_another_site_before_saving(
    page, live_server, questions
):
    _, token = invitation_with_token()
    page.goto(f"{live_server.url}/submit/{token}/")
    field = page.get_by_label("How do you spend your time")
    slug = field.get_attribute("data-answer")
    field.fill("Our board:\n\n![Burndown](https://other.example.net/burndown.png)")
    page.locator(f'button[aria-controls="live-preview-{slug}"]').click()
    preview = page.locator(f"#live-preview-{slug}")
    preview.locator(".live-preview__warning").wait_for()
    assert "Images from other sites cannot be shown here" in preview.inner_text()
    assert preview.locator("img").count() == 0  # a link to it instead, never a blocked image
    assert preview.get_by_role("link", name="Image: Burndown").count() == 1

    field.fill("Our board is on the wall.")
    preview.get_by_text("Our board is on the wall.").wait_for()
    assert preview.locator(".live-preview__warning").count() == 0


def test_an_error_is_announced_with_its_field(page, live_server, questions, settings):
    settings.MENTOR_ANSWER_MAX_LENGTH = 5
    _, token = invitation_with_token()
    page.goto(f"{live_server.url}/submit/{token}/")
    page.get_by_label("How do you spend your time").fill("Far too long.")
    page.get_by_role("button", name="Save draft").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    # The summary links to the field, which carries its error as its description.
    summary.get_by_role("link", name="Day-to-day").click()
    field = page.get_by_label("How do you spend your time")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("longer than the limit of 5"))
