"""Markdown rendered once on save, and sanitized."""

import pytest

from interviews.markdown import HIGHLIGHT_START, html_to_text, render_markdown


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>",
        '<img src="x.png" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<p onclick="alert(1)" style="color:red">hi</p>',
        '<iframe src="https://example.com"></iframe>',
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_hostile_markup_is_neutralised(hostile):
    html = render_markdown(f"Before {hostile} after").lower()
    assert "<script" not in html
    assert "onerror" not in html and "onclick" not in html and "onload" not in html
    assert "javascript:" not in html
    assert "data:" not in html
    assert "<iframe" not in html and "<svg" not in html
    assert "style=" not in html
    assert "before" in html and "after" in html


def test_allowed_links_and_formatting_survive():
    html = render_markdown(
        "**Bold**, *em*, `code`, [site](https://example.com) and [mail](mailto:a@example.com)\n\n"
        "- one\n- two\n\n> quoted\n\n```\nprint(1)\n```"
    )
    assert "<strong>Bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<code>code</code>" in html
    assert 'href="https://example.com"' in html
    assert 'href="mailto:a@example.com"' in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html
    assert "<pre><code>print(1)" in html


def test_links_get_nofollow():
    assert 'rel="nofollow noopener"' in render_markdown("[x](https://example.com)")


def test_empty_markdown_renders_empty():
    assert render_markdown("") == ""
    assert render_markdown("   \n") == ""


def test_html_to_text_keeps_the_words_and_drops_the_markup():
    html = render_markdown(
        f"# Title\n\nOne *two*, & a < b.\n\n- four\n- [five](https://x.y 'six')!\n\n{HIGHLIGHT_START}seven"
    )
    assert html_to_text(html) == "Title One two, & a < b. four five! seven"


def test_control_characters_are_dropped_so_feeds_can_carry_the_html():
    assert render_markdown("a\x0bb\x01c\x00d e\n") == "<p>abcd e</p>"
