"""A reader in Chromium: home → a question → filtered by two lessons → a mentor
→ an answer's permalink → search; with JavaScript (htmx swaps the results in
place) and without it (plain links), and by keyboard alone."""

import re

import pytest

from interviews.models import Answer, Lesson, Question
from tests.browser.site import build_demo_site

pytestmark = pytest.mark.django_db(transaction=True)


def chip(page, slug):
    """The lesson filter's link that adds or removes `slug`."""
    return page.locator(f'.lesson-filter a.chip[href$="tag={slug}"]')


def filter_by_two_lessons(page, site):
    """From a question page, pick the two lessons one after the other."""
    (first, first_name), (second, second_name) = site.lessons
    chip(page, first).click()
    page.wait_for_url(re.compile(rf"\?tag={first}$"))
    page.locator(".active-filters", has_text=first_name).wait_for()
    chip(page, second).click()
    page.wait_for_url(re.compile(rf"\?tag={first}&tag={second}$"))
    page.locator(".active-filters", has_text=second_name).wait_for()


def check_filtered_answers(page, site):
    (first, first_name), (second, second_name) = site.lessons
    expected = Answer.objects.published().filter(question__slug=site.question_slug)
    lessons = Lesson.objects.filter(slug__in=[first, second])
    expected = expected.with_lessons(lessons).count()
    assert expected >= 1
    cards = page.locator(".answers .answer")
    assert cards.count() == expected
    for index in range(expected):
        lessons = cards.nth(index).locator(".chips").inner_text()
        assert first_name in lessons and second_name in lessons
    status = page.locator("[data-filter-status]").inner_text()
    assert status.startswith(f"Showing {expected} answer")
    title = page.title()
    assert first_name in title and second_name in title


def test_reader_path_with_javascript(page, live_server, questions):
    site = build_demo_site()
    question = Question.objects.get(slug=site.question_slug)

    page.goto(live_server.url)
    page.get_by_role("link", name=question.text).click()
    page.get_by_role("heading", level=1, name=question.text).wait_for()

    # A marker on the window survives an in-place swap but not a page load.
    page.evaluate("window.stillTheSamePage = true")
    filter_by_two_lessons(page, site)
    assert page.evaluate("window.stillTheSamePage") is True
    check_filtered_answers(page, site)
    # Focus lands on the new result count, which announces it.
    assert page.evaluate("document.activeElement.hasAttribute('data-filter-status')")

    # The pushed URL is the shareable one: loaded afresh, it shows the same.
    shared = page.url
    page.goto(shared)
    check_filtered_answers(page, site)
    # Back goes to one lesson again, reloaded from the server.
    (first, _), (_, second_name) = site.lessons
    page.go_back()
    page.wait_for_url(re.compile(rf"\?tag={first}$"))
    page.locator(".lesson-filter").get_by_role("link", name=second_name).wait_for()
    assert page.get_by_role("link", name=f"Remove the lesson {second_name}").count() == 0

    page.goto(shared)
    card = page.locator(".answers .answer").first
    mentor_name = card.locator(".answer__mentor").inner_text()
    card.locator(".answer__mentor a").click()
    page.get_by_role("heading", level=1, name=mentor_name).wait_for()
    assert page.url.endswith(f"#{site.question_slug}")
    section = page.locator(f"section#{site.question_slug}")
    section.get_by_role("link", name="Link to this answer").click()
    page.get_by_role("heading", level=1, name=question.text).wait_for()
    assert re.search(rf"/mentors/[-\w]+/{site.question_slug}/$", page.url)
    assert mentor_name in page.locator(".byline").inner_text()

    page.get_by_role("searchbox", name="Search every answer").fill("monitoring")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Search").wait_for()
    count = page.locator(".result-count").inner_text()
    assert re.match(r"\d+ answers? match", count) and not count.startswith("0 ")
    assert page.locator(".results mark").count() >= 1


def test_filtering_without_javascript_uses_plain_links(browser, live_server, questions):
    site = build_demo_site()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/questions/{site.question_slug}/")
        assert page.locator("[data-filter-status]").inner_text().startswith("Showing all")
        filter_by_two_lessons(page, site)
        check_filtered_answers(page, site)
        # Removing a lesson is a link too.
        (first, _), (_, second_name) = site.lessons
        page.get_by_role("link", name=f"Remove the lesson {second_name}").click()
        page.wait_for_url(re.compile(rf"\?tag={first}$"))
        page.get_by_role("link", name="Clear filters").click()
        page.wait_for_url(re.compile(rf"/questions/{site.question_slug}/$"))
    finally:
        context.close()


def test_lesson_filters_work_by_keyboard(page, live_server, questions):
    site = build_demo_site()
    (first, first_name), _ = site.lessons
    page.goto(f"{live_server.url}/questions/{site.question_slug}/")
    # The skip link comes first and takes focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        # The lesson filter's chip (the state of practice above links lessons too).
        if page.evaluate(
            "document.activeElement.closest('.lesson-filter') ? "
            "document.activeElement.getAttribute('href') || '' : ''"
        ).endswith(f"tag={first}"):
            break
    else:
        pytest.fail(f"Tab never reached the {first_name!r} filter")
    # The focused chip shows a visible outline.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"\?tag={first}$"))
    # A locator, not wait_for_function: its polling evaluates a string, which
    # the site's Content-Security-Policy (no unsafe-eval) refuses.
    page.locator("[data-filter-status]:focus").wait_for()
    # From the result count, Tab goes on to the filter's own links.
    page.keyboard.press("Tab")
    assert "Remove the lesson" in page.evaluate("document.activeElement.getAttribute('aria-label')")
