"""The search box in Chromium: suggestions while typing (htmx), the plain form
without JavaScript."""

import pytest

from tests.browser.site import build_demo_site

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_offers_lessons_mentors_and_questions(page, live_server, questions):
    site = build_demo_site()
    page.goto(f"{live_server.url}/search/")
    (_, lesson_name), _ = site.lessons
    page.locator("#search-q").press_sequentially(lesson_name[:4], delay=50)
    suggestions = page.locator("#search-suggestions a")
    page.locator("#search-suggestions a", has_text=lesson_name).wait_for()
    assert suggestions.count() >= 1
    # Links: Tab goes from the box past the button to the first of them.
    page.locator("#search-q").press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#search-suggestions') !== null")


def test_the_form_searches_without_javascript(browser, live_server, questions):
    site = build_demo_site()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/search/")
    page.fill("#search-q", site.search_term)
    page.locator("#search-q").press("Enter")
    page.locator(".results .result").first.wait_for()
    assert page.locator("#search-suggestions a").count() == 0
    context.close()
