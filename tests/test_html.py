"""Every page type is valid HTML, to two judges, on the server-state pages too.

The W3C Nu HTML checker (vnu.jar, see tools/vnu.py) reads every page in one
run. And html5lib (the WHATWG parsing algorithm) in strict mode finds no
parse error, no id is used twice, every id a label or ARIA attribute points
to exists, and the outline is sound: `lang` set, one h1, headings never
skipping a level, images with alternative text."""

import itertools
import os
import re
from unittest import mock

import html5lib
import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from interviews.forms import AnswersForm
from interviews.models import Question
from interviews.views import HomeView
from tests.browser.site import (
    PAGE_TYPES,
    SERVER_STATE_PAGE_TYPES,
    STATUS,
    build_demo_site,
    paths,
)
from tools import vnu

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
    for name in SERVER_STATE_PAGE_TYPES:
        response = fetch_server_state_page(name)
        pages[name] = (response.status_code, response.content.decode())
    return pages


def fetch_server_state_page(name):
    """A page that needs the server put into a state first (as site.py's browser does)."""
    client = Client(raise_request_exception=False)
    nomination = {"name": "Someone", "email": "someone@example.com", "pitch": "Lessons. " * 20}
    if name == "too-large":
        with override_settings(MAX_REQUEST_BYTES=200):
            return client.post("/submit/", nomination)
    if name == "rate-limited":
        with override_settings(NOMINATION_RATE_LIMIT=0):
            return client.post("/submit/", nomination)
    if name == "admin-login-limited":
        with override_settings(ADMIN_LOGIN_MAX_FAILURES=0):
            return client.post(
                reverse("admin:login"), {"username": "nobody@example.com", "password": "not it"}
            )

    def fail(*args, **kwargs):
        if name == "unavailable":
            raise OperationalError("the database is unreachable")
        raise RuntimeError("a bug, on purpose")

    with mock.patch.object(HomeView, "get", fail), override_settings(DEBUG=False):
        return client.get("/")


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


def nu_checker():
    """Skip (locally) or fail (in CI, where .ci/run installs them) without Java and vnu.jar."""
    if why := vnu.missing():
        if os.environ.get("CI"):
            pytest.fail(f"{why}; .ci/run should have installed it.")
        pytest.skip(f"{why} - the Nu HTML checker test is skipped.")


def nu_errors(pages, directory):
    """The Nu checker's errors for {name: html}, as 'name:line: message' lines.

    Every page goes to one run of vnu.jar: starting the JVM is what is slow.
    """
    files = []
    for name, html in pages.items():
        path = directory / f"{name}.html"
        path.write_text(html)
        files.append(path)
    return [
        f"{os.path.basename(error['file']).removesuffix('.html')}:{error['line']}: "
        f"{error['message']} near {error['extract']!r}"
        for error in vnu.check(files)
    ]


def test_every_page_type_is_valid_html_to_the_nu_checker(questions, tmp_path):
    nu_checker()
    site = build_demo_site()
    pages = {}
    for name, (status, html) in fetch_every_page_type(site).items():
        assert status == STATUS.get(name, 200), name
        pages[name] = html
    assert nu_errors(pages, tmp_path) == []


def test_the_nu_checker_reports_page_line_and_message(tmp_path):
    nu_checker()
    good = "<!doctype html><html lang=en><title>t</title><p>fine</p>"
    bad = "<!doctype html><html lang=en><title>t</title>\n<p hx-get=/x>a</p>"
    errors = nu_errors({"good": good, "bad": bad}, tmp_path)
    assert len(errors) == 1
    assert errors[0].startswith("bad:2: Attribute “hx-get” not allowed")


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
