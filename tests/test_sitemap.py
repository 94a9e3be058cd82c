"""The sitemap index and its sections."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from interviews.models import Answer, Question
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    FollowUpQuestionFactory,
    MentorFactory,
    PublishedInterviewFactory,
    WithdrawnInterviewFactory,
    answer_by,
)

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap(client):
    """{path: lastmod} of every page listed, following the index to its sections."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ET.fromstring(response.content)
    assert index.tag == f"{NS}sitemapindex"
    pages = {}
    for entry in index.findall(f"{NS}sitemap"):
        parts = urlsplit(entry.find(f"{NS}loc").text)
        section = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert section.status_code == 200
        for url in ET.fromstring(section.content).findall(f"{NS}url"):
            pages[urlsplit(url.find(f"{NS}loc").text).path] = url.find(f"{NS}lastmod").text
    return pages


def test_sitemap_lists_every_public_page_and_each_answers_200(client, questions):
    visible = answer_by("Visible", questions[0], ["baselines"])
    follow_up = FollowUpQuestionFactory()
    AnswerFactory(interview=visible.interview, question=follow_up)
    retired = Question.objects.create(text="Old?", title="Old", slug="old", is_active=False)
    draft = answer_by("Drafted", questions[1], ["draft lesson"], DraftInterviewFactory)
    withdrawn = answer_by("Withdrawn", questions[2], ["gone"], WithdrawnInterviewFactory)
    AnswerFactory(interview=draft.interview, question=FollowUpQuestionFactory())

    pages = sitemap(client)

    assert {"/", "/mentors/", "/questions/", "/lessons/", "/resources/"} <= set(pages)
    assert visible.interview.mentor.get_absolute_url() in pages
    assert {q.get_absolute_url() for q in questions} <= set(pages)
    assert follow_up.get_absolute_url() in pages
    assert "/lessons/baselines/" in pages
    assert {a.get_absolute_url() for a in visible.interview.answers.all()} <= set(pages)
    for hidden in (draft, withdrawn):
        assert hidden.interview.mentor.get_absolute_url() not in pages
        assert hidden.get_absolute_url() not in pages
    assert "/lessons/draft-lesson/" not in pages and "/lessons/gone/" not in pages
    assert retired.get_absolute_url() not in pages
    assert len(pages) == 5 + 1 + 17 + 1 + 2
    for path, lastmod in pages.items():
        assert client.get(path).status_code == 200, path
        assert date.fromisoformat(lastmod), path


def test_lastmod_is_when_the_page_last_changed(client, questions):
    long_ago = timezone.now() - timedelta(days=400)
    interview = PublishedInterviewFactory(published_at=long_ago)
    answer = AnswerFactory(interview=interview, question=questions[3], lessons=["drift"])
    Answer.objects.filter(pk=answer.pk).update(updated_at=long_ago + timedelta(days=30))
    interview.mentor.__class__.objects.filter(pk=interview.mentor.pk).update(updated_at=long_ago)
    interview.__class__.objects.filter(pk=interview.pk).update(updated_at=long_ago)

    pages = sitemap(client)

    edited = (long_ago + timedelta(days=30)).date().isoformat()
    assert pages[answer.get_absolute_url()] == edited
    assert pages[interview.mentor.get_absolute_url()] == edited
    assert pages["/lessons/drift/"] == edited
    assert pages["/"] == edited
    # An unanswered question changed when its row did (the migration, today).
    assert pages[questions[0].get_absolute_url()] == questions[0].updated_at.date().isoformat()


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /submit/" in lines
    assert "Allow: /submit/$" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_private_pages_say_noindex_and_a_custom_admin_path_stays_unnamed(client, db, settings):
    assert client.get("/admin/login/")["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get("/submit/some-token/")["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in client.get("/submit/")  # the public nomination form
    assert "X-Robots-Tag" not in client.get("/questions/")
    settings.ADMIN_PATH = "editors-desk/"
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert not any(
        "editors-desk" in line or "admin" in line for line in lines if "Disallow" in line
    )
    assert "Disallow: /submit/" in lines


@pytest.mark.parametrize("count", [3, 30])
def test_sitemap_query_count_is_constant(client, questions, django_assert_num_queries, count):
    for n in range(count):
        answer_by(f"Mapped{n}", questions[n % 16], [f"lesson {n}"])
    # The index: the latest change, then each section's count (for its pages).
    with django_assert_num_queries(5):
        client.get("/sitemap.xml")
    # A section page: a count and the page (the fixed pages: the latest change).
    for section, queries in [("pages", 1), ("mentors", 2), ("questions", 2), ("lessons", 2)]:
        with django_assert_num_queries(queries):
            client.get(f"/sitemap-{section}.xml")
    with django_assert_num_queries(2):
        client.get("/sitemap-answers.xml?p=1")


def test_sections_are_split_into_pages(client, questions, monkeypatch):
    from interviews.sitemaps import AnswerSitemap

    monkeypatch.setattr(AnswerSitemap, "limit", 10)
    for n in range(3):
        interview = PublishedInterviewFactory(mentor=MentorFactory(name=f"Paged{n}"))
        for question in questions[:8]:
            AnswerFactory(interview=interview, question=question)

    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [urlsplit(e.find(f"{NS}loc").text) for e in index.findall(f"{NS}sitemap")]
    answer_pages = [loc for loc in locations if loc.path == "/sitemap-answers.xml"]
    assert [loc.query for loc in answer_pages] == ["", "p=2", "p=3"]  # 24 answers, 10 a page
    assert len(sitemap(client)) == 5 + 3 + 16 + 24
    assert client.get("/sitemap-answers.xml?p=4").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404
