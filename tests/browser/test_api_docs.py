"""The API's docs page in Chromium: Swagger UI from the site's own static
files, working under the site's Content-Security-Policy, which it does not
loosen."""

import pytest

from tests.factories import answer_by

pytestmark = pytest.mark.django_db(transaction=True)

OPERATIONS = [
    "/api/v1/questions/",
    "/api/v1/questions/{slug}/",
    "/api/v1/mentors/",
    "/api/v1/mentors/{slug}/",
    "/api/v1/answers/",
    "/api/v1/answers/{answer_id}/",
    "/api/v1/lessons/",
    "/api/v1/lessons/{slug}/",
]


def test_the_docs_page_lists_every_operation_and_breaks_no_policy(page, live_server, questions):
    answer_by("Ada Example", questions[0], lessons=["Baselines"], body="Start simple.")
    problems, origins = [], set()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: origins.add(request.url.split("/", 3)[2]))
    # A violation is reported to the page as an event, and to the console.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )

    response = page.goto(f"{live_server.url}/api/v1/docs/")
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp

    for path in OPERATIONS:
        page.locator(".opblock-summary-path", has_text=path).first.wait_for()
    assert page.locator(".opblock-get").count() == len(OPERATIONS)

    # Try one out: the request goes to the site itself and the answer shows.
    page.locator(".opblock-summary-path", has_text="/api/v1/lessons/").first.click()
    page.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda r: "/api/v1/lessons/" in r.url) as answered:
        page.get_by_role("button", name="Execute").click()
    assert answered.value.status == 200
    # The live answer, not the documented example under it.
    live = page.locator(".live-responses-table")
    live.locator(".response-col_status", has_text="200").wait_for()
    live.get_by_text("Baselines").first.wait_for()

    assert problems == []
    assert origins == {live_server.url.split("/", 3)[2]}
