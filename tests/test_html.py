"""Every page type is valid HTML: html5lib (the WHATWG parsing algorithm) in
strict mode finds no parse error, no id is used twice, every id a label or
ARIA attribute points to exists, and the outline is sound: `lang` set, one
h1, headings never skipping a level, images with alternative text."""

import itertools
import re

import html5lib
import pytest
from django.test import Client

from interviews.forms import AnswersForm
from interviews.models import Question
from tests.browser.site import PAGE_TYPES, STATUS, build_demo_site, paths

pytestmark = pytest.mark.django_db

ID_REFERENCES = ["for", "aria-describedby", "aria-labelledby", "aria-controls", "list"]


def fetch_every_page_type(site):
    """{page type: (status, html)} through Django's test client."""
    reader, editor = Client(), Client()
    editor.login(username=site.editor_email, password=site.editor_password)
    urls = paths(site)
    pages = {}
    for name in PAGE_TYPES:
        client = editor if name == "admin-preview" else reader
        if name == "nominate-errors":
            response = client.post(urls[name], {"name": "Someone", "links": "my blog"})
        elif name in {"mentor-form-errors", "mentor-form-preview"}:
            action = "submit" if name.endswith("errors") else "preview"
            data = {"name": "Ada Example", "action": action}
            first = Question.objects.asked().first()
            data[AnswersForm.field_name(first)] = "A **short** answer."
            response = client.post(urls[name], data)
        else:
            response = client.get(urls[name])
        pages[name] = (response.status_code, response.content.decode())
    return pages


def problems(html):
    """What is wrong with a page's HTML, as readable lines."""
    found = []
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        document = parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        line, column = parser.errors[-1][0] if parser.errors else ("?", "?")
        context = (
            html.splitlines()[line - 1][max(0, column - 60) : column + 20] if line != "?" else ""
        )
        return [f"parse error at {line}:{column}: {error} near {context!r}"]
    if not document.get("lang"):
        found.append("<html> has no lang")
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    found += [f"id used twice: {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for element in document.iter():
        for attribute in ID_REFERENCES:
            for target in (element.get(attribute) or "").split():
                if target not in ids:
                    found.append(f"{attribute}={target!r} points to no element")
        if element.tag == "img" and element.get("alt") is None:
            found.append(f"<img src={element.get('src')!r}> has no alt")
        if element.tag in {"ul", "ol"}:
            found += [
                f"<{child.tag}> directly in <{element.tag}>"
                for child in element
                if child.tag != "li"
            ]
        if element.tag in {"a", "button"}:
            found += [
                f"<{inner.tag}> inside <{element.tag}>"
                for inner in element.iter()
                if inner is not element
                and inner.tag in {"a", "button", "input", "select", "textarea"}
            ]
    levels = [
        int(element.tag[1])
        for element in document.iter()
        if re.fullmatch(r"h[1-6]", str(element.tag))
    ]
    if levels.count(1) != 1:
        found.append(f"{levels.count(1)} h1 elements")
    found += [
        f"h{after} follows h{before}"
        for before, after in itertools.pairwise(levels)
        if after > before + 1
    ]
    return found


def test_every_page_type_is_valid_html(questions):
    site = build_demo_site()
    found = {}
    for name, (status, html) in fetch_every_page_type(site).items():
        assert status == STATUS.get(name, 200), name
        if issues := problems(html):
            found[name] = issues
    assert found == {}


@pytest.mark.parametrize(
    "html, problem",
    [
        ("<!doctype html><html lang=en><title>t</title><p><div></p>", "parse error"),
        ("<!doctype html><html><title>t</title><h1>a</h1>", "no lang"),
        ("<!doctype html><html lang=en><title>t</title><h1 id=a>a</h1><p id=a>", "id used twice"),
        ("<!doctype html><html lang=en><title>t</title><h1>a</h1><h3>b</h3>", "h3 follows h1"),
        ("<!doctype html><html lang=en><title>t</title><h1>a</h1><img src=x>", "has no alt"),
        (
            "<!doctype html><html lang=en><title>t</title><h1>a</h1><input aria-describedby=x>",
            "points to no",
        ),
        (
            "<!doctype html><html lang=en><title>t</title><h1>a</h1><ul><p>x</p></ul>",
            "<p> directly in <ul>",
        ),
        (
            "<!doctype html><html lang=en><title>t</title><h1>a</h1><a href=/><button>b</button></a>",
            "inside <a>",
        ),
    ],
)
def test_the_checks_catch_what_they_are_for(html, problem):
    assert any(problem in line for line in problems(html))
