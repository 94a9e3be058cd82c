"""What mentors write, as a reader's browser meets it on the demo's pages:
wide code and tables reachable by keyboard, footnotes that lead somewhere,
images that load."""

import pytest

from tests.browser.site import build_demo_site, open_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_wide_content_is_reachable_by_keyboard_and_footnotes_lead_to_their_own_answer(
    page, live_server, questions
):
    site = build_demo_site()
    page.set_viewport_size({"width": 360, "height": 800})
    open_page(page, live_server.url, site, "interview", in_process=True)

    # Every code block and table box takes the focus and scrolls sideways inside itself.
    boxes = page.locator(".prose pre, .prose .table-scroll")
    assert boxes.count() >= 3
    for index in range(boxes.count()):
        box = boxes.nth(index)
        box.focus()
        assert box.evaluate("element => element === document.activeElement")
    wide = page.locator(".prose pre").filter(has_text="tests/inspection_export_is_as_trained").first
    assert wide.evaluate("element => element.scrollWidth > element.clientWidth")
    wide.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "element => element.scrollLeft > 0", arg=wide.element_handle(), timeout=2_000
    )

    # Two mentors' footnotes on one page: each reference reaches its own note.
    open_page(page, live_server.url, site, "compare", in_process=True)
    references = page.locator("sup a[href^='#fn-']")
    assert references.count() >= 2
    targets = [references.nth(i).get_attribute("href") for i in range(references.count())]
    assert len(set(targets)) == len(targets)
    for index in (0, references.count() - 1):
        reference = references.nth(index)
        answer = reference.locator("xpath=ancestor::*[contains(@class, 'prose')][1]")
        reference.click()
        note = page.locator(reference.get_attribute("href"))
        assert page.evaluate("location.hash") == reference.get_attribute("href")
        assert answer.locator(f"[id='{note.get_attribute('id')}']").count() == 1
        note.get_by_role("link", name="Back to reference").click()
        assert page.evaluate("location.hash") == "#" + reference.get_attribute("id")


def test_the_demo_image_loads_with_its_credit(page, live_server, questions):
    site = build_demo_site()
    open_page(page, live_server.url, site, "interview", in_process=True)
    image = page.locator(".prose img[src*='/media/demo/']")
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    credit = image.locator("xpath=ancestor::p[1]/following-sibling::p[1]")
    assert credit.inner_text().startswith("Chart: Maeve Gallagher")
