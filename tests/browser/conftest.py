"""Real-browser tests: Playwright's Python package driving Debian's Chromium.

Locally, they are skipped with a note when Chromium is missing; in CI
(CI=true) a missing browser is an error, since `.ci/run` installs it.

Every browser test fails on what a reader's console would show: an error
logged, an uncaught exception, a request that failed or answered 400 or more
(`browser_errors`). Only a page itself may answer with an error status
(the 404 page, a form with errors), since tests check those statuses.
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


class BrowserErrors:
    """What went wrong in the browser contexts of one test, page by page."""

    def __init__(self):
        self.found = []
        self.error_documents = set()  # pages that answered >= 400 on purpose
        self.allowed = []

    def allow(self, fragment):
        """Accept problems naming `fragment` (a URL part): a test breaking something on purpose."""
        self.allowed.append(fragment)

    def watch(self, context):
        context.on("console", self._console)
        context.on("weberror", lambda error: self._add(error.page, f"uncaught {error.error}"))
        context.on("requestfailed", self._request_failed)
        context.on("response", self._response)

    def problems(self):
        return [
            f"{url}: {problem}"
            for url, problem, resource in self.found
            if resource not in self.error_documents
            and not any(fragment in resource for fragment in self.allowed)
        ]

    def _add(self, page, problem, resource=""):
        """`resource`: the URL the problem is about, when it is a load that failed."""
        self.found.append((page.url if page else "?", problem, resource))

    def _console(self, message):
        if message.type != "error":
            return
        # Chromium logs every load that answered >= 400, naming the resource as
        # the location: for a page's own status that is the page itself.
        failed_load = message.text.startswith("Failed to load resource")
        resource = message.location.get("url", "") if failed_load else ""
        self._add(message.page, f"console: {message.text}", resource)

    def _request_failed(self, request):
        # Aborted: the test navigated on before it finished, not the site's doing.
        if request.failure != "net::ERR_ABORTED":
            self._add(request.frame.page, f"{request.url} failed: {request.failure}", request.url)

    def _response(self, response):
        if response.status < 400:
            return
        request = response.request
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.error_documents.add(response.url)
        else:
            self._add(
                request.frame.page, f"{response.url} answered {response.status}", response.url
            )


@pytest.fixture(autouse=True)
def browser_errors(request, monkeypatch):
    """Watches every context a browser test opens; fails the test on any problem found.

    A test that breaks something on purpose calls `browser_errors.allow(url_part)`.
    """
    errors = BrowserErrors()
    if "browser" not in request.fixturenames:
        yield errors
        return
    browser = request.getfixturevalue("browser")
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        errors.watch(context)
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield errors
    problems = errors.problems()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture(autouse=True)
def media_served(settings, tmp_path):
    """Uploads (the demo's images among them) in a temporary MEDIA_ROOT, served
    at MEDIA_URL as production's media host would: the live server serves
    static files only, and a missing image would be a broken one."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = "tests.urls_media"
