"""A question's state of practice in a real browser, without JavaScript: the
chart is an SVG image with an accessible name, drawn in the theme's colours,
with its figures in a table beside it; and /resources/ lists what mentors cite."""

import pytest

from tests.browser.site import build_demo_site

pytestmark = pytest.mark.django_db(transaction=True)

# --accent in site.css, light and dark.
BAR_FILL = {"light": "rgb(179, 84, 30)", "dark": "rgb(240, 160, 112)"}
BACKGROUND = {"light": "rgb(253, 252, 250)", "dark": "rgb(21, 21, 21)"}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_chart_is_drawn_without_javascript_in_both_themes(
    browser, live_server, questions, theme
):
    build_demo_site()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=theme, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/questions/continuous-learning/")
        chart = page.get_by_role("img", name="Answers to this question by year of publication")
        assert chart.is_visible()
        assert chart.evaluate("node => node.tagName") == "svg"
        bars = page.locator(".year-chart__bar")
        assert bars.count() >= 2  # the demo's answers span years
        box = bars.first.bounding_box()
        assert box["width"] > 10 and box["height"] > 0
        fill = bars.first.evaluate("node => getComputedStyle(node).fill")
        assert fill == BAR_FILL[theme]
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == BACKGROUND[theme]
        description = page.locator("#years-desc").text_content()
        assert "answers" in description or "answer" in description

        table = page.locator(".year-table table")
        assert not table.is_visible()  # folded away until asked for
        page.get_by_text("The figures as a table").click()
        assert table.is_visible()
        rows = table.locator("tbody tr")
        assert rows.count() == bars.count()
        assert page.get_by_role("heading", name="State of practice").is_visible()
        assert page.get_by_role("link", name="Every resource cited here").is_visible()
    finally:
        context.close()


def test_resources_are_listed_with_the_mentors_who_cite_them(page, live_server, questions):
    build_demo_site()
    page.goto(f"{live_server.url}/resources/")
    first = page.locator(".resource").first
    assert "by 2 mentors" in first.locator(".resource__counts").text_content()
    first.locator(".resource__citers a").first.click()
    assert "/mentors/" in page.url
    page.goto(f"{live_server.url}/resources/")
    page.get_by_role("link", name="github.com").first.click()
    page.wait_for_url("**/resources/?host=github.com")
    hosts = page.locator(".resources .resource__host").all_text_contents()
    assert hosts and set(hosts) == {"github.com"}
