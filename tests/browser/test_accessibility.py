"""axe-core finds no WCAG 2.2 A/AA violation on any page type, light or dark.

axe runs inside Chromium on each page as served, with the site's own CSP in
force: `page.add_script_tag()` would insert an inline <script>, which the
policy (script-src 'self') blocks, while `page.evaluate()` runs the source
through the DevTools protocol, which CSP does not govern. So no
`bypass_csp`, and a page that only passes with its policy lifted cannot pass.
"""

from pathlib import Path

import pytest

from tests.browser.site import (
    PAGE_TYPES,
    SERVER_STATE_PAGE_TYPES,
    STATUS,
    build_demo_site,
    open_page,
)

pytestmark = pytest.mark.django_db(transaction=True)

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The page's background in each theme (site.css), to be sure the theme applied.
BACKGROUND = {"light": "rgb(253, 252, 250)", "dark": "rgb(21, 21, 21)"}


def axe_violations(page):
    """axe's violations on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    assert result["passes"], "axe checked nothing: is this a page?"
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_page_type_has_wcag_violations(browser, live_server, questions, theme):
    site = build_demo_site()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme)
    page = context.new_page()
    page.set_default_timeout(10_000)
    found = {}
    try:
        for name in PAGE_TYPES + SERVER_STATE_PAGE_TYPES:
            status = open_page(page, live_server.url, site, name, in_process=True)
            assert status == STATUS.get(name, 200), name
            if name == "home":
                background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                assert background == BACKGROUND[theme]
            if violations := axe_violations(page):
                found[name] = violations
    finally:
        context.close()
    assert found == {}
