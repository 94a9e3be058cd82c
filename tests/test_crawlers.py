"""What browsers fetch by well-known names: the favicon and the web app manifest."""

import re
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

from tests.servers import ROOT

pytestmark = pytest.mark.django_db


def static_file(url):
    return Path(finders.find(urlsplit(url).path.removeprefix("/static/")))


def css_variable(name):
    """A colour of the light theme (the first :root block of site.css)."""
    css = (ROOT / "static" / "css" / "site.css").read_text()
    return re.search(rf"{name}:\s*(#[0-9a-f]{{6}})", css).group(1)


def test_favicon_ico_answers_with_the_icon_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("icons/favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]
    with Image.open(static_file(response["Location"])) as icon:
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]


def test_the_manifest_names_the_site_its_colours_and_icons(client, settings):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == manifest["short_name"] == settings.SITE_NAME
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == manifest["background_color"] == css_variable("--bg")
    pngs = {icon["sizes"]: icon["src"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert set(pngs) == {"192x192", "512x512"}
    for sizes, src in pngs.items():
        with Image.open(BytesIO(static_file(src).read_bytes())) as image:
            assert f"{image.width}x{image.height}" == sizes
            assert image.format == "PNG"
    svg = [icon["src"] for icon in manifest["icons"] if icon["type"] == "image/svg+xml"]
    assert svg and static_file(svg[0]).read_text().startswith("<svg")


def test_pages_link_the_icons_and_the_manifest(client):
    html = client.get("/").content.decode()
    assert f'<link rel="icon" href="{static("icons/favicon.svg")}" type="image/svg+xml">' in html
    assert f'href="{static("icons/favicon.ico")}"' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html


def test_the_icons_stay_tiny():
    sizes = {path.name: path.stat().st_size for path in (ROOT / "static" / "icons").iterdir()}
    assert sum(sizes.values()) < 16 * 1024, sizes
