"""`make screenshots`: a phone and a desktop screenshot of every page type.

    .venv/bin/python -m pytest tests/browser/screenshots.py

Not part of `make test` (the name does not start with test_, so pytest only
runs it when given the file). It runs under pytest for what the browser tests
already have: a throwaway test database seeded with the demo content (the
local development database is left alone), the site served by Django's live
server on a free port with production's DEBUG off, so error pages are the
real ones, and every page type reached the way the tests reach it
(tests/browser/site.py).

Saves docs/screenshots/<page type>-phone.png (360 px) and -desktop.png
(1280 px) in the light theme, plus a few -dark ones: the viewport only, to
keep them small.
"""

from pathlib import Path

import pytest

from tests.browser.site import PAGE_TYPES, SERVER_STATE_PAGE_TYPES, build_demo_site, open_page

pytestmark = pytest.mark.django_db(transaction=True)

OUT = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
DEVICES = {
    "phone": {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
DARK = {"home", "interview", "question-filtered", "mentor-form"}


def test_take_screenshots(browser, live_server, questions):
    site = build_demo_site()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    for theme in ["light", "dark"]:
        for device, options in DEVICES.items():
            context = browser.new_context(color_scheme=theme, device_scale_factor=1, **options)
            page = context.new_page()
            page.set_default_timeout(10_000)
            for name in PAGE_TYPES + SERVER_STATE_PAGE_TYPES:
                if theme == "dark" and name not in DARK:
                    continue
                open_page(page, live_server.url, site, name, in_process=True)
                if name == "mentor-form":
                    # Show the live preview of the answer already written.
                    page.get_by_role("button", name="Show preview").first.click()
                    page.locator(".live-preview strong").first.wait_for()
                    page.get_by_role("button", name="Hide preview").scroll_into_view_if_needed()
                suffix = "" if theme == "light" else "-dark"
                page.screenshot(path=OUT / f"{name}-{device}{suffix}.png")
            context.close()
    print(f"Saved {len(list(OUT.glob('*.png')))} screenshots in {OUT}")
