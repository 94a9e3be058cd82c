"""Page metadata: titles, canonical URLs, OpenGraph and JSON-LD."""

import json
from html.parser import HTMLParser

import pytest

from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
)

pytestmark = pytest.mark.django_db


class HeadParser(HTMLParser):
    """The title, <meta>, <link> and JSON-LD of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld, self.title = {}, {}, [], ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs["property"]] = attrs["content"]
        elif tag == "link":
            self.links.setdefault(attrs["rel"], attrs["href"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json_ld"
            self.json_ld.append("")
        elif tag == "title" and not self.title:  # the page's, not an SVG's in the body
            self._in = "title"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "json_ld":
            self.json_ld[-1] += data
        elif self._in == "title":
            self.title += data


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def site(questions):
    mentor = MentorFactory(
        name="Grace Example",
        slug="grace-example",
        role="Head of ML",
        company="Initech",
        bio="Builds </script><script>alert(1)</script> & ranking systems.",
        website="https://grace.example.com",
        github="https://github.com/grace",
        photo="mentors/grace.jpg",
    )
    interview = PublishedInterviewFactory(mentor=mentor)
    AnswerFactory(interview=interview, question=questions[0], body="Hello *there*.", lessons=["x"])
    AnswerFactory(interview=interview, question=questions[1], body="Second answer.")
    return interview


PAGES = [
    "/",
    "/mentors/",
    "/mentors/grace-example/",
    "/questions/",
    "/questions/role-and-work/",
    "/lessons/",
    "/lessons/x/",
    "/search/?q=hello",
    "/mentors/grace-example/role-and-work/",
    "/submit/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_title_description_canonical_and_sharing_tags(client, site, url):
    page = head(client, url)

    assert page.title.endswith("Applying ML")
    assert page.meta["description"]
    canonical = page.links["canonical"]
    assert canonical == f"http://testserver{url}"
    assert page.meta["og:url"] == canonical
    assert page.meta["og:site_name"] == "Applying ML"
    assert page.meta["og:title"] and page.meta["og:title"] in page.title
    assert page.meta["og:description"] == page.meta["description"]
    assert page.meta["og:type"] in {"website", "profile", "article"}
    assert page.meta["twitter:card"] == "summary"
    assert page.meta["twitter:title"] == page.meta["og:title"]
    assert page.meta["twitter:description"] == page.meta["description"]
    for script in page.json_ld:
        assert json.loads(script)["@context"] == "https://schema.org"


def test_canonical_urls_keep_only_what_makes_a_different_page(client, site, settings):
    settings.ANSWERS_PER_PAGE = 1
    question = "/questions/role-and-work/"
    AnswerFactory(question=site.answers.first().question)

    assert head(client, f"{question}?utm_source=x").links["canonical"] == (
        f"http://testserver{question}"
    )
    assert head(client, f"{question}?page=1").links["canonical"] == f"http://testserver{question}"
    assert head(client, f"{question}?page=2&ref=y").links["canonical"] == (
        f"http://testserver{question}?page=2"
    )
    assert head(client, f"{question}?tag=x&fbclid=z").links["canonical"] == (
        f"http://testserver{question}?tag=x"
    )
    assert head(client, "/mentors/grace-example/?ref=feed").links["canonical"] == (
        "http://testserver/mentors/grace-example/"
    )


def test_pages_describe_themselves(client, site):
    mentor = head(client, "/mentors/grace-example/")
    answer = head(client, "/mentors/grace-example/role-and-work/")
    search = head(client, "/search/?q=hello")

    assert mentor.title == "Grace Example, Head of ML, Initech · Applying ML"
    assert mentor.meta["og:type"] == "profile"
    assert mentor.meta["og:image"] == "http://testserver/media/mentors/grace.jpg"
    assert answer.title == "Grace Example on your role and work · Applying ML"
    assert answer.meta["og:type"] == "article"
    assert answer.meta["description"] == "Grace Example: Hello there."
    assert search.meta["robots"] == "noindex, follow"
    assert "robots" not in mentor.meta


def test_mentor_page_carries_profile_page_json_ld(client, site):
    response = client.get("/mentors/grace-example/")
    html = response.content.decode()
    page = head(client, "/mentors/grace-example/")

    assert len(page.json_ld) == 1
    data = json.loads(page.json_ld[0])
    assert data["@type"] == "ProfilePage"
    assert data["url"] == "http://testserver/mentors/grace-example/"
    assert data["datePublished"].startswith(site.published_at.date().isoformat())
    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Grace Example"
    assert person["jobTitle"] == "Head of ML"
    assert person["worksFor"] == {"@type": "Organization", "name": "Initech"}
    assert person["sameAs"] == ["https://grace.example.com", "https://github.com/grace"]
    assert person["image"] == "http://testserver/media/mentors/grace.jpg"
    assert person["description"] == site.mentor.bio  # intact once parsed...
    assert "</script><script>alert(1)" not in html  # ...and unable to end the script early
    assert "\\u003C/script\\u003E" in html


def test_question_page_describes_the_question_and_its_answers_in_json_ld(client, site, questions):
    AnswerFactory(interview=DraftInterviewFactory(), question=questions[0], body="Hidden draft.")

    page = head(client, questions[0].get_absolute_url())

    data = json.loads(page.json_ld[0])
    assert data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert question["@type"] == "Question"
    assert question["name"] == questions[0].title
    assert question["text"] == questions[0].text
    assert question["answerCount"] == 1
    [answer] = question["suggestedAnswer"]
    assert answer["@type"] == "Answer"
    assert answer["text"] == "Hello there."
    assert answer["url"] == "http://testserver/mentors/grace-example/role-and-work/"
    assert answer["author"] == {
        "@type": "Person",
        "name": "Grace Example",
        "url": "http://testserver/mentors/grace-example/",
    }


def test_home_page_describes_the_site_and_its_search(client, site):
    data = json.loads(head(client, "/").json_ld[0])
    assert data["@type"] == "WebSite"
    assert data["potentialAction"]["target"]["urlTemplate"] == (
        "http://testserver/search/?q={search_terms}"
    )
