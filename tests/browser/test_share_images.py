"""Link previews in Chromium: the answer and interview pages name their share
image in OpenGraph and Twitter card tags, and that address serves the PNG."""

import io

import pytest
from PIL import Image

from interviews.models import Answer, Interview
from tests.browser.site import build_demo_site

pytestmark = pytest.mark.django_db(transaction=True)


def meta(page, key):
    attribute = "name" if key.startswith("twitter:") else "property"
    return page.locator(f'meta[{attribute}="{key}"]').get_attribute("content")


def test_answer_and_interview_pages_offer_their_share_images(
    page, live_server, questions, settings
):
    settings.ROOT_URLCONF = "tests.urls_media"  # /media/ served as production's storage would
    site = build_demo_site(share_images=True)  # drawn after each commit
    interview = Interview.objects.get(mentor__slug=site.mentor_slug)
    answer = Answer.objects.filter(interview=interview).select_related("question").first()

    for url, row in (
        (answer.get_absolute_url(), answer),
        (interview.get_absolute_url(), interview),
    ):
        page.goto(live_server.url + url)
        image_url = meta(page, "og:image")
        assert image_url == live_server.url + row.share_image.url
        assert meta(page, "twitter:card") == "summary_large_image"
        assert meta(page, "twitter:image") == image_url
        assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
        assert interview.mentor.name in meta(page, "og:image:alt")

        response = page.request.get(image_url)
        assert response.status == 200
        assert response.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(response.body()))
        assert image.format == "PNG" and image.size == (1200, 630)
