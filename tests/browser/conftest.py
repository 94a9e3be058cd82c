"""Real-browser tests: Playwright's Python package driving Debian's Chromium.

Locally, they are skipped with a note when Chromium is missing; in CI
(CI=true) a missing browser is an error, since `.ci/run` installs it.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Playwright's sync API keeps an event loop on the main thread; the ORM calls
# that tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium is not installed at {CHROMIUM}; .ci/run should have installed it."
            )
        pytest.skip("Chromium is not installed (apt-get install chromium) - browser tests skipped.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Leaving a page with unsaved text asks for confirmation; tests accept.
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


@pytest.fixture(autouse=True)
def media_served(settings, tmp_path):
    """Uploads (the demo's images among them) in a temporary MEDIA_ROOT, served
    at MEDIA_URL as production's media host would: the live server serves
    static files only, and a missing image would be a broken one."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = "tests.urls_media"
