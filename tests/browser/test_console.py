"""The browser tests' own judge (`browser_errors` in conftest.py) sees what a
reader's console would show, and lets a page answer its own error status."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_console_errors_and_failed_requests_are_caught_but_not_an_error_page(
    page, live_server, browser_errors
):
    assert page.goto(f"{live_server.url}/no-such-page/").status == 404
    assert browser_errors.problems() == []  # the page's own status, which tests check

    with page.expect_response("**/missing.png"):
        page.evaluate(
            """() => {
                const image = document.createElement("img");
                image.src = "/static/missing.png";
                image.alt = "";
                document.body.append(image);
                console.error("something broke");
            }"""
        )
    page.wait_for_timeout(100)  # the console message of the failed load
    problems = browser_errors.problems()
    assert any("missing.png answered 404" in line for line in problems), problems
    assert any("console: something broke" in line for line in problems), problems
    browser_errors.found.clear()  # caught on purpose; the test passes


def test_pages_load_their_icons(page, live_server, questions, browser_errors):
    page.goto(f"{live_server.url}/")
    icons = page.evaluate(
        """() => Promise.all([...document.querySelectorAll("link[rel~=icon], link[rel=apple-touch-icon], link[rel=manifest]")]
            .map(link => fetch(link.href).then(response => [link.rel, response.status])))"""
    )
    assert sorted(icons) == [
        ["apple-touch-icon", 200],
        ["icon", 200],
        ["icon", 200],
        ["manifest", 200],
    ]
