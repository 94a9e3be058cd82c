"""Whole public pages for anonymous readers from the cache, 304s without
rendering, and invalidation whenever readers could see a change."""

import pytest
from django.core.cache import cache

from interviews import pagecache, services
from interviews.models import Lesson
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def published(questions):
    interview = PublishedInterviewFactory(mentor=MentorFactory(name="Ada Example"))
    answer = AnswerFactory(
        interview=interview, question=questions[0], body="Start *simple*.", lessons=["baselines"]
    )
    return answer


def test_a_second_visit_is_served_from_the_cache_without_a_query(
    client, published, django_assert_num_queries
):
    url = published.question.get_absolute_url()
    first = client.get(url)
    assert first["X-Cache"] == "miss" and first["ETag"]
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert "max-age=0" in second["Cache-Control"]
    with django_assert_num_queries(0):
        assert client.head(url)["X-Cache"] == "hit"


def test_a_matching_if_none_match_answers_304_without_running_the_view(
    client, published, django_assert_num_queries
):
    url = published.interview.mentor.get_absolute_url()
    etag = client.get(url)["ETag"]
    cache.delete(pagecache.page_key(client.get(url).wsgi_request))  # even without the page
    with django_assert_num_queries(0):
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag and response.content == b""
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_pages_differ_by_query_string_but_not_by_its_order(client, published):
    url = published.question.get_absolute_url()
    assert client.get(url + "?tag=baselines&page=1")["X-Cache"] == "miss"
    assert client.get(url + "?page=1&tag=baselines")["X-Cache"] == "hit"
    assert client.get(url + "?tag=baselines")["X-Cache"] == "miss"


@pytest.mark.parametrize(
    "change",
    [
        "publish another interview",
        "edit an answer",
        "withdraw",
        "merge lessons",
        "rename a mentor",
        "rename a lesson",
        "tag an answer",
    ],
)
def test_every_change_readers_can_see_shows_at_once(
    client, published, editor, change, django_capture_on_commit_callbacks
):
    pages = ["/", "/lessons/", published.question.get_absolute_url(), "/search/?q=simple"]
    mentor_page = published.interview.mentor.get_absolute_url()
    for url in [*pages, mentor_page]:
        assert client.get(url).status_code == 200
        assert client.get(url)["X-Cache"] == "hit"
    etag = client.get(mentor_page)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        if change == "publish another interview":
            draft = DraftInterviewFactory(mentor=MentorFactory(name="Newly Published"))
            AnswerFactory(interview=draft, question=published.question, lessons=["baselines"])
            draft.publish(by=editor)
            expected = "Newly Published"
        elif change == "edit an answer":
            published.body = "Measure *twice*."
            published.save()
            expected = "<em>twice</em>"
        elif change == "withdraw":
            published.interview.withdraw(by=editor, note="Asked to.")
            expected = None
        elif change == "merge lessons":
            AnswerFactory(question=published.question, lessons=["Base lines"])
            services.merge_lessons(
                Lesson.objects.get(slug="baselines"), [Lesson.objects.get(name="Base lines")]
            )
            expected = "Base lines"
        elif change == "rename a mentor":
            mentor = published.interview.mentor
            mentor.name = "Ada Renamed"
            mentor.save()
            expected = "Ada Renamed"
        elif change == "rename a lesson":
            lesson = Lesson.objects.get(slug="baselines")
            lesson.name = "Beat a baseline"
            lesson.save()
            expected = "Beat a baseline"
        else:
            published.tags.add("shadow mode")
            expected = "shadow mode"

    for url in pages:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
    html = client.get(published.question.get_absolute_url()).content.decode()
    if change == "withdraw":
        assert "Ada Example" not in html
        assert client.get(mentor_page).status_code == 410
    elif change == "merge lessons":
        assert expected not in client.get("/lessons/").content.decode()
    else:
        assert expected in html or expected in client.get("/lessons/").content.decode()
    assert client.get(mentor_page, headers={"If-None-Match": etag}).status_code != 304


def test_a_mentor_saving_a_draft_leaves_cached_pages_alone(
    client, published, questions, django_capture_on_commit_callbacks
):
    draft = DraftInterviewFactory()
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        answer = AnswerFactory(interview=draft, question=questions[1], lessons=["draft lesson"])
        answer.body = "Still drafting."
        answer.save()
        draft.mark_saved()
    assert client.get("/")["X-Cache"] == "hit"


def test_a_deploy_that_migrates_invalidates_every_page(client, published):
    from django.core.management import call_command

    client.get("/")
    call_command("migrate", verbosity=0)
    assert client.get("/")["X-Cache"] == "miss"


def test_the_invalidation_waits_for_the_commit(client, published, editor):
    client.get("/")
    # The test runs in a transaction that never commits: nothing is invalidated,
    # so a reader meanwhile could not store old content under a new generation.
    published.interview.withdraw(by=editor, note="Asked to.")
    assert client.get("/")["X-Cache"] == "hit"


def test_signed_in_editors_get_fresh_pages_and_nothing_is_stored(editor_client, published):
    url = published.question.get_absolute_url()
    for _ in range(2):
        response = editor_client.get(url)
        assert response.status_code == 200
        assert "X-Cache" not in response and "ETag" not in response
    assert cache.get(pagecache.page_key(response.wsgi_request)) is None


@pytest.mark.parametrize(
    "url", ["/admin/login/", "/submit/", "/mentors/no-such-mentor/", "/questions/nope/"]
)
def test_private_pages_and_errors_are_never_cached(client, db, url):
    for _ in range(2):
        response = client.get(url)
        assert "X-Cache" not in response or response["X-Cache"] != "hit"
        assert "ETag" not in response


def test_a_response_that_sets_a_cookie_is_not_stored(client, published, monkeypatch):
    from interviews.views import browse

    original = browse.HomeView.get

    def with_cookie(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        response.set_cookie("seen", "1")
        return response

    monkeypatch.setattr(browse.HomeView, "get", with_cookie)
    first = client.get("/")
    client.cookies.clear()
    assert client.get("/")["X-Cache"] == "miss"
    assert "ETag" not in first
    assert cache.get(pagecache.page_key(first.wsgi_request)) is None


def test_a_messages_cookie_bypasses_the_cache(client, published):
    client.get("/")
    client.cookies["messages"] = "something"
    assert "X-Cache" not in client.get("/")


def test_the_page_cache_can_be_switched_off(client, published, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    response = client.get("/")
    assert "X-Cache" not in response and "ETag" not in response


def test_pages_are_served_when_the_cache_is_down(client, published, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(pagecache, "_down_until", 0.0)
    monkeypatch.setattr(pagecache.cache, "get_many", broken)
    response = client.get("/")
    assert response.status_code == 200 and "Ada Example" in response.content.decode()
    assert pagecache._down_until > 0  # skips the cache for a few seconds, not a request each


def test_saving_a_public_answer_invalidates_the_cached_pages_once(
    questions, django_capture_on_commit_callbacks
):
    """One invalidation per change: the upkeep after the save, not the save too."""
    answer = AnswerFactory(interview=PublishedInterviewFactory(), question=questions[0])
    answer.body = "Changed."
    with django_capture_on_commit_callbacks() as callbacks:
        answer.save()
    # (The other hook is the share image's refresh, tests/test_share_images.py.)
    assert [callback.__name__ for callback in callbacks] == ["new_generation", "_enqueue_pending"]


def test_a_cache_that_lost_its_generation_serves_no_page_stored_before(client, published):
    """What a Redis restart does: the generation is gone (and with it, there,
    every page; here the page stays, which is worse). A new random generation
    replaces it, so nothing stored before is served, before or after a change."""
    url = published.question.get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    cache.delete(pagecache.GENERATION_KEY)
    assert client.get(url)["X-Cache"] == "miss"
    published.body = "Changed after the restart."
    published.save()
    pagecache.new_generation()  # as the save's commit does
    assert "Changed after the restart." in client.get(url).content.decode()


def test_with_a_replica_pages_read_what_their_generation_announced(client, published, monkeypatch):
    """A generation names the primary's WAL position; a page rendered for it asks
    the replica for that position (dbrouter reads from the primary until the
    replica has replayed it), so a lagging replica cannot store an old page
    under the new generation."""
    monkeypatch.setattr(pagecache, "_primary_position", lambda: "0/3000148")
    asked = []
    monkeypatch.setattr(pagecache.dbrouter, "require_position", asked.append)
    pagecache.new_generation()
    generation = cache.get(pagecache.GENERATION_KEY)
    assert pagecache.generation_position(generation) == "0/3000148"
    assert pagecache.generation_started(generation) is not None  # the API's Last-Modified

    url = published.question.get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"
    assert asked == ["0/3000148"]  # on the miss only: a hit reads nothing


def test_without_a_replica_the_generation_names_no_position(published):
    pagecache.new_generation()
    generation = cache.get(pagecache.GENERATION_KEY)
    assert pagecache.generation_position(generation) == ""
    assert pagecache.generation_started(generation) is not None
