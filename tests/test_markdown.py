"""Markdown rendered once on save, and sanitized."""

import re

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
    # CommonMark leaves a link to such a URL as plain text; no attribute carries it.
    assert not re.search(r"=\"\s*(javascript|data):", html)
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
    assert '<pre tabindex="0"><code>print(1)' in html


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


# --- Markdown as mentors write it (CommonMark, as on GitHub) ------------------------

FOOTNOTED = (
    "Start with a baseline[^1], then measure[^why].\n\n[^1]: A linear model.\n[^why]: Always."
)


def ids_and_fragment_links(html):
    return re.findall(r'\bid="([^"]+)"', html), re.findall(r'href="#([^"]+)"', html)


def test_footnotes_keep_their_ids_and_link_both_ways():
    html = render_markdown(FOOTNOTED, anchor="a1-2")
    ids, links = ids_and_fragment_links(html)
    assert ids == ["fnref-a1-2-1", "fnref-a1-2-2", "fn-a1-2-1", "fn-a1-2-2"]
    assert sorted(links) == sorted(ids)  # each reference and each way back lands somewhere
    assert '<ol class="footnotes">' in html
    assert '<li id="fn-a1-2-1"><p>A linear model.' in html
    # Search and snippets read the words, not the arrows back.
    assert (
        html_to_text(html) == "Start with a baseline[1], then measure[2]. A linear model. Always."
    )


@pytest.mark.django_db
def test_footnotes_of_two_answers_on_one_page_are_unique_and_each_link_stays_in_its_answer(
    client, questions
):
    from tests.factories import answer_by

    question = questions[4]
    first = answer_by("Ada Example", question, body=FOOTNOTED)
    second = answer_by("Ben Example", question, body=FOOTNOTED)

    page = client.get(question.get_absolute_url()).content.decode()

    ids, links = ids_and_fragment_links(page)
    footnote_ids = [i for i in ids if i.startswith("fn")]
    assert len(footnote_ids) == 8 and len(set(footnote_ids)) == 8
    assert {link for link in links if link.startswith("fn")} == set(footnote_ids)
    for answer in (first, second):
        own_ids, own_links = ids_and_fragment_links(answer.body_html)
        assert set(own_links) == set(own_ids)


def test_a_mentors_own_ids_are_dropped_so_they_cannot_clash_with_the_page():
    html = render_markdown('<p id="main">x</p> <a id="fn-a1-2-1" href="#top">y</a>', anchor="a3-4")
    assert "id=" not in html


def test_a_list_nested_by_two_spaces_nests():
    html = render_markdown("- data\n  - labels\n  - features\n- models")
    assert html == (
        "<ul>\n<li>data\n<ul>\n<li>labels</li>\n<li>features</li>\n</ul>\n</li>\n"
        "<li>models</li>\n</ul>"
    )


def test_definition_lists():
    html = render_markdown("Precision\n: Of what we flagged, how much was right.")
    assert (
        html == "<dl>\n<dt>Precision</dt>\n<dd>Of what we flagged, how much was right.</dd>\n</dl>"
    )


def test_tables_scroll_in_a_box_a_keyboard_reaches_and_a_screen_reader_names():
    html = render_markdown("| Model | Latency |\n| --- | ---: |\n| *GBDT* | 4 ms |")
    assert html.startswith(
        '<div class="table-scroll" tabindex="0" role="region" aria-label="Table: Model, Latency">'
        "\n<table>\n<thead>"
    )
    # Alignment is a class: the Content-Security-Policy refuses style attributes.
    assert '<th class="align-right">Latency</th>' in html
    assert '<td class="align-right">4 ms</td>' in html
    assert html.endswith("</table>\n</div>")


def test_only_the_renderers_own_scrolling_box_keeps_its_attributes():
    html = render_markdown(
        '<div class="evil" role="alert" tabindex="5" aria-label="x">hi</div>'
        '<ol class="mine"><li>x</li></ol>'
    )
    assert html == "<div>hi</div><ol><li>x</li></ol>"


def test_code_blocks_keep_long_lines_and_take_the_keyboards_focus():
    long_line = "x = " + " + ".join(["feature"] * 40)
    html = render_markdown(f"```python\n{long_line}\n```\n\n    indented\n\n<pre>raw</pre>")
    assert html.count('<pre tabindex="0">') == 3
    assert long_line in html


def test_smart_quotes_dashes_and_ellipses_as_before_and_letters_in_parentheses_stay():
    html = render_markdown('"Don\'t" -- ship --- yet... options (a), (b), (c) and `"code" --`')
    assert html == (
        "<p>\u201cDon\u2019t\u201d \u2013 ship \u2014 yet\u2026 options (a), (b), (c) and "
        '<code>"code" --</code></p>'
    )


def test_pasted_urls_become_links_as_on_github_but_bare_domains_do_not():
    html = render_markdown("See https://arxiv.org/abs/1706.03762--or example.com.")
    assert '<a href="https://arxiv.org/abs/1706.03762--or"' in html
    assert "example.com." in html and 'href="http://example.com' not in html


def test_strikethrough():
    assert render_markdown("~~old~~ new") == "<p><s>old</s> new</p>"
