"""Every page type fits widths from 320 to 1440 px without sideways scrolling;
dark mode follows the system setting; interviews print without the chrome."""

import pytest

from tests.browser.site import PAGE_TYPES, SERVER_STATE_PAGE_TYPES, build_demo_site, open_page

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [320, 360, 768, 1024, 1440]


def test_no_page_type_scrolls_sideways(browser, live_server, questions):
    site = build_demo_site()
    too_wide = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            for name in PAGE_TYPES + SERVER_STATE_PAGE_TYPES:
                open_page(page, live_server.url, site, name, in_process=True)
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                inner_width = page.evaluate("window.innerWidth")
                if scroll_width > inner_width:
                    too_wide[f"{name} at {width}px"] = scroll_width
        finally:
            context.close()
    assert too_wide == {}


def colours(page):
    return page.evaluate(
        """() => {
            const body = getComputedStyle(document.body);
            const link = getComputedStyle(document.querySelector("main a"));
            return [body.backgroundColor, body.color, link.color];
        }"""
    )


def test_dark_mode_follows_the_system_setting(browser, live_server, questions):
    site = build_demo_site()
    seen = {}
    for scheme in ["light", "dark"]:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        open_page(page, live_server.url, site, "interview")
        seen[scheme] = colours(page)
        context.close()
    assert seen["light"][0] == "rgb(253, 252, 250)"
    assert seen["dark"][0] == "rgb(21, 21, 21)"
    assert seen["light"][2] != seen["dark"][2]  # links are recoloured too


def test_an_interview_prints_as_text_without_navigation(page, live_server, questions):
    site = build_demo_site()
    open_page(page, live_server.url, site, "interview")
    page.emulate_media(media="print")
    for chrome in [".site-header nav", ".site-search", ".site-footer", ".toc", ".answer__footer"]:
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(".answer .prose").first.is_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.emulate_media(media="screen")
    assert page.locator(".toc").is_visible()
