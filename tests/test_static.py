"""The front-end budget: little CSS, nothing from other origins, no script or
font that holds up the text, and static files compressed and cache-busted by
WhiteNoise's manifest storage in production."""

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
from django.contrib.staticfiles import finders

from tests.browser.site import PAGE_TYPES, build_demo_site
from tests.servers import ROOT, production_env
from tests.test_html import fetch_every_page_type

CSS_BUDGET = 30 * 1024


def parse(html):
    return html5lib.parse(html, namespaceHTMLElements=False)


def stylesheets(document):
    return [
        link.get("href")
        for link in document.iter("link")
        if "stylesheet" in (link.get("rel") or "").split()
    ]


def static_path(url):
    return finders.find(urlsplit(url).path.removeprefix("/static/"))


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        from tests.conftest import seed_migration

        # Built and thrown away inside one transaction: later tests see an empty database.
        with transaction.atomic():
            from django.apps import apps

            seed_migration.seed_questions(apps, None)
            site = build_demo_site()
            fetched = fetch_every_page_type(site)
            transaction.set_rollback(True)
    return {name: parse(html) for name, (_, html) in fetched.items()}


def test_css_is_under_budget(pages):
    used = {href for document in pages.values() for href in stylesheets(document)}
    assert used, "no page links a stylesheet"
    total = sum(Path(static_path(href)).stat().st_size for href in used)
    assert total < CSS_BUDGET, f"{total} bytes of CSS for {sorted(used)}"


def test_pages_request_nothing_from_other_origins(pages):
    requested = []
    for name, document in pages.items():
        for element in document.iter():
            attributes = {"script": "src", "img": "src", "iframe": "src", "source": "src"}
            attribute = attributes.get(element.tag)
            if element.tag == "link" and element.get("rel") not in {"canonical", "alternate"}:
                attribute = "href"  # stylesheets, icons, preloads: things the browser fetches
            if element.tag == "form":
                attribute = "action"
            if attribute and element.get(attribute):
                requested.append((name, element.get(attribute)))
    assert requested
    elsewhere = [(name, url) for name, url in requested if urlsplit(url).netloc]
    assert elsewhere == []
    for name in PAGE_TYPES:
        for href in stylesheets(pages[name]):
            css = Path(static_path(href)).read_text()
            assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", css), href


def test_nothing_blocks_the_first_paint_but_the_stylesheet(pages):
    for name, document in pages.items():
        for script in document.iter("script"):
            if script.get("type") in {"application/ld+json", "application/json"}:
                continue
            assert script.get("src"), f"{name}: an inline script"
            assert script.get("defer") is not None or script.get("async") is not None, (
                f"{name}: {script.get('src')} blocks rendering"
            )
    # No web fonts at all (system font stacks); any added later must not hide text.
    for path in (ROOT / "static" / "css").glob("*.css"):
        for block in re.findall(r"@font-face\s*{[^}]*}", path.read_text()):
            assert re.search(r"font-display:\s*(swap|optional|fallback)", block), path


def test_production_serves_hashed_compressed_static_files(collected_static):
    storage = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.STORAGES['staticfiles']['BACKEND'])",
        ],
        cwd=ROOT,
        env=production_env(DATABASE_URL="postgresql://unused@127.0.0.1/unused"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"

    manifest = json.loads((collected_static / "staticfiles.json").read_text())["paths"]
    for name in ["css/site.css", "js/mentor-form.js", "js/filter.js", "vendor/htmx/htmx.min.js"]:
        hashed = manifest[name]
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", hashed), hashed
        for suffix in ["", ".gz", ".br"]:
            assert (collected_static / f"{hashed}{suffix}").exists(), f"{hashed}{suffix}"
