"""axe-core, with every rule it ships enabled, finds no violation on any page
type, light or dark: the WCAG 2.2 A/AA rules, the best practices (landmarks,
heading order, one main, unique landmark names, ...) and the experimental ones.

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
# The page's background in each theme (site.css), to be sure the theme applied.
BACKGROUND = {"light": "rgb(253, 252, 250)", "dark": "rgb(21, 21, 21)"}


def axe_violations(page):
    """axe's violations on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    # Every rule, including those axe leaves off by default (experimental ones).
    result = page.evaluate(
        """() => axe.run(document, {
            rules: Object.fromEntries(axe.getRules().map(rule => [rule.ruleId, {enabled: true}])),
            resultTypes: ["violations"],
        })"""
    )
    assert result["passes"], "axe checked nothing: is this a page?"
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(
            " ".join(node["target"]) + " [" + " ".join(node["failureSummary"].split()) + "]"
            for node in violation["nodes"][:5]
        )
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_page_type_has_axe_violations(browser, live_server, questions, theme):
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
    assert not found, "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines
    )


# Each is a rule the WCAG tags alone leave out, with the markup that breaks it.
OUTSIDE_WCAG_TAGS = {
    # best practice: two search landmarks without names to tell them apart
    "landmark-unique": '<form role="search"><input aria-label="a"></form>'
    '<form role="search"><input aria-label="b"></form>',
    # best practice: text outside every landmark
    "region": "<p>Outside every landmark.</p>",
    # a scrolling region a keyboard cannot reach: a wide code block without tabindex
    "scrollable-region-focusable": '<pre style="overflow:auto;width:10rem">'
    + "x = 1  # " * 60
    + "</pre>",
    # WCAG AAA: 7:1 for small text
    "color-contrast-enhanced": '<p style="color:#767676;background:#fff">Grey on white.</p>',
}


def test_axe_runs_the_rules_beyond_wcag_a_and_aa(page):
    body = "".join(OUTSIDE_WCAG_TAGS.values())
    page.set_content(
        f"<!doctype html><html lang=en><title>t</title><body><main><h1>t</h1></main>{body}"
    )
    found = {line.split(" ", 1)[0] for line in axe_violations(page)}
    assert set(OUTSIDE_WCAG_TAGS) <= found
