"""The public API at /api/v1/: what it lists, how it filters and pages, its
HTTP behaviour (304s, CORS, the rate limit, errors), and that it never shows
anything that is not published or not public."""

import json
import re
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.text import slugify

from interviews.models import Answer, Interview, InterviewEvent, Revision
from interviews.models.enums import License
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
    SubmittedInterviewFactory,
    WithdrawnInterviewFactory,
    answer_by,
    invitation_with_token,
)
from tests.servers import PROXIED, Gunicorn, http, production_env, settings_url

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def get(client, path, **params):
    response = client.get(path if path.startswith("/") else API + path, params)
    assert response.status_code == 200, response.content
    return response.json()


def walk(client, path, **params):
    """Every item of a list, following `next` to the end, and the pages' count."""
    page = get(client, path, **params)
    items, pages = list(page["items"]), 1
    while page["next"]:
        assert page["next"].startswith("http://testserver/api/v1/")
        page = get(client, page["next"].removeprefix("http://testserver"))
        items += page["items"]
        pages += 1
    return items, pages


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def answers(questions):
    """Three published answers by Ada (newest), Grace and Alan, with lessons."""
    ada, grace, alan = (
        PublishedInterviewFactory(
            mentor=MentorFactory(name=name, slug=slugify(name)), published_at=when
        )
        for name, when in [
            ("Ada Example", timezone.now() - timedelta(days=1)),
            ("Grace Example", timezone.now() - timedelta(days=10)),
            ("Alan Example", timezone.now() - timedelta(days=20)),
        ]
    )
    return [
        AnswerFactory(
            interview=ada,
            question=questions[0],
            body="Start with a *baseline*.",
            lessons=["Baselines", "MLOps"],
        ),
        AnswerFactory(
            interview=grace, question=questions[0], body="Ship early.", lessons=["Baselines"]
        ),
        AnswerFactory(
            interview=alan, question=questions[1], body="Measure twice.", lessons=["MLOps"]
        ),
    ]


# --- What it lists -------------------------------------------------------------------


def test_answers_come_newest_first_with_their_page_question_mentor_and_lessons(client, answers):
    items = get(client, "answers/")["items"]

    assert [item["mentor"]["name"] for item in items] == [
        "Ada Example",
        "Grace Example",
        "Alan Example",
    ]
    first = items[0]
    ada = answers[0]
    assert first["id"] == ada.pk
    assert first["url"] == "http://testserver" + ada.get_absolute_url()
    assert first["body_html"] == "<p>Start with a <em>baseline</em>.</p>"
    assert first["body_text"] == "Start with a baseline."
    assert first["question"]["slug"] == ada.question.slug
    assert first["question"]["url"] == "http://testserver" + ada.question.get_absolute_url()
    assert first["mentor"]["url"] == "http://testserver" + ada.interview.mentor.get_absolute_url()
    assert first["lessons"] == [
        {"slug": "baselines", "name": "Baselines"},
        {"slug": "mlops", "name": "MLOps"},
    ]
    assert get(client, f"answers/{ada.pk}/") == first


def test_a_mentor_comes_with_their_published_answers_in_question_order(client, answers, questions):
    ada = answers[0].interview
    AnswerFactory(interview=ada, question=questions[3], body="Later question.")
    AnswerFactory(interview=ada, question=questions[2], body="Earlier question.")

    mentor = get(client, f"mentors/{ada.mentor.slug}/")

    assert mentor["name"] == "Ada Example"
    assert mentor["url"] == "http://testserver/mentors/ada-example/"
    assert [answer["body_text"] for answer in mentor["answers"]] == [
        "Start with a baseline.",
        "Earlier question.",
        "Later question.",
    ]
    listed = get(client, "mentors/")["items"]
    assert [item["name"] for item in listed] == ["Ada Example", "Grace Example", "Alan Example"]
    assert "answers" not in listed[0]


def test_questions_and_lessons_carry_the_stored_counts(client, answers, questions):
    listed = get(client, "questions/")["items"]
    assert [item["slug"] for item in listed] == [question.slug for question in questions][:20]
    assert listed[0]["answer_count"] == 2 and listed[1]["answer_count"] == 1
    assert get(client, f"questions/{questions[0].slug}/") == listed[0]

    lessons = get(client, "lessons/")["items"]
    assert [(lesson["name"], lesson["answer_count"]) for lesson in lessons] == [
        ("Baselines", 2),
        ("MLOps", 2),
    ]
    assert lessons[0]["url"] == "http://testserver/lessons/baselines/"
    assert get(client, "lessons/mlops/") == lessons[1]


def test_mentors_and_answers_carry_the_licence_the_mentor_chose(client, answers):
    ada, grace = answers[0].interview, answers[1].interview
    ada.license = License.CC_BY
    ada.save()
    grace.license = ""  # imported before licences were asked for
    grace.save()

    mentor = get(client, f"mentors/{ada.mentor.slug}/")
    cc_by = {
        "code": "cc-by-4.0",
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert mentor["license"] == cc_by
    assert get(client, f"answers/{answers[0].pk}/")["license"] == cc_by
    # Not chosen yet: shown as all rights reserved, as on the site.
    reserved = {
        "code": "all-rights-reserved",
        "name": "All rights reserved",
        "url": "http://testserver/data/#all-rights-reserved",
    }
    assert get(client, f"answers/{answers[1].pk}/")["license"] == reserved
    assert get(client, "mentors/")["items"][1]["license"] == reserved


# --- Filters ---------------------------------------------------------------------------


def names(items):
    return [item["mentor"]["name"] for item in items]


def test_two_lessons_mean_answers_carrying_both(client, answers):
    assert names(get(client, "answers/", lesson="baselines")["items"]) == [
        "Ada Example",
        "Grace Example",
    ]
    both = get(client, "answers/", lesson=["baselines", "mlops"])["items"]
    assert names(both) == ["Ada Example"]


def test_answers_filter_by_question_mentor_and_date(client, answers, questions):
    assert names(get(client, "answers/", question=questions[1].slug)["items"]) == ["Alan Example"]
    by_question_and_lesson = get(client, "answers/", question=questions[0].slug, lesson="mlops")
    assert names(by_question_and_lesson["items"]) == ["Ada Example"]
    assert names(get(client, "answers/", mentor="grace-example")["items"]) == ["Grace Example"]
    since = (timezone.now() - timedelta(days=15)).isoformat()
    assert names(get(client, "answers/", since=since)["items"]) == [
        "Ada Example",
        "Grace Example",
    ]
    # A date alone is midnight UTC.
    day = (timezone.now() - timedelta(days=5)).date().isoformat()
    assert names(get(client, "answers/", since=day)["items"]) == ["Ada Example"]


def test_q_finds_what_the_site_search_finds_in_the_same_order(client, questions):
    filler = " ".join(["We shipped it and kept going."] * 20)
    answer_by("Passing Mention", questions[2], body=f"{filler} Feature stores, once.")
    answer_by("Lesson Match", questions[3], body="We wrote it down.", lessons=["Feature stores"])
    answer_by("Unrelated", questions[3], body="Nothing to see here.")

    site = client.get("/search/", {"q": "feature stores"}).context["results"]
    found = get(client, "answers/", q="feature stores")["items"]

    assert names(found) == [result.mentor_name for result in site]
    assert names(found) == ["Lesson Match", "Passing Mention"]
    assert names(get(client, "answers/", q="feature stores", question=questions[2].slug)["items"])
    assert names(get(client, "answers/", q="feature stores", lesson="feature-stores")["items"]) == [
        "Lesson Match"
    ]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"lesson": "no-such-lesson"}, "No lesson called 'no-such-lesson'."),
        ({"lesson": ["baselines", "nope"]}, "No lesson called 'nope'."),
        ({"lesson": "not a slug!"}, "No lesson called 'not a slug!'."),
        ({"question": "nope"}, "No question called 'nope'."),
        ({"mentor": "nobody"}, "No mentor called 'nobody'."),
        ({"q": "   "}, "q has no words to search for."),
        ({"cursor": "not-a-cursor"}, "This cursor was not given out by this list"),
        ({"cursor": "eyJhZnRlciI6IFsieCIsIDFdfQ"}, "This cursor was not given out"),  # bad date
        ({"cursor": "eyJvZmZzZXQiOiAtMX0"}, "This cursor was not given out"),  # no "after"
        ({"lesson": [f"l{n}" for n in range(9)]}, "At most 8 lessons at once."),
    ],
)
def test_bad_filters_and_cursors_answer_400_saying_what_is_wrong(client, answers, params, message):
    response = client.get(API + "answers/", params)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)


@pytest.mark.parametrize(
    "params", [{"since": "last tuesday"}, {"limit": "0"}, {"limit": "101"}, {"limit": "many"}]
)
def test_values_of_the_wrong_type_answer_422_naming_the_parameter(client, answers, params):
    response = client.get(API + "answers/", params)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", *params]


def test_unknown_items_answer_404_json(client, answers):
    for path in ["questions/nope/", "mentors/nope/", "lessons/nope/", "answers/999999/"]:
        response = client.get(API + path)
        assert response.status_code == 404, path
        assert response.json()["detail"].startswith("No published ")


# --- Cursor pages ----------------------------------------------------------------------


def test_walking_the_cursor_gets_every_item_once(client, questions):
    for n in range(7):
        interview = PublishedInterviewFactory(
            # Two at the same moment: the id breaks the tie.
            published_at=timezone.now().replace(microsecond=0) - timedelta(days=n // 2)
        )
        for question in questions[:3]:
            AnswerFactory(interview=interview, question=question)

    items, pages = walk(client, "answers/", limit=2)
    assert pages == 11
    assert sorted(item["id"] for item in items) == sorted(
        Interview.objects.published().values_list("answers", flat=True)
    )
    assert len({item["id"] for item in items}) == 21

    mentors, pages = walk(client, "mentors/", limit=3)
    assert pages == 3 and len({mentor["id"] for mentor in mentors}) == 7
    questions_listed, _ = walk(client, "questions/", limit=5)
    assert [q["slug"] for q in questions_listed] == [q.slug for q in questions]
    assert len(walk(client, "lessons/", limit=1)[0]) == 0  # no lessons yet


def test_search_results_page_through_their_ranking(client, questions):
    for n in range(5):
        answer_by(f"Found Mentor{n}", questions[n], body="A baseline first, always.")
    everything = get(client, "answers/", q="baseline", limit=100)["items"]
    paged, pages = walk(client, "answers/", q="baseline", limit=2)
    assert pages == 3
    assert [item["id"] for item in paged] == [item["id"] for item in everything]


def test_an_item_published_while_paging_neither_repeats_nor_skips_one(client, questions):
    for n in range(4):
        answer_by(f"Early Mentor{n}", questions[0], body="Early.")
    first = get(client, "answers/", limit=2)
    newest = PublishedInterviewFactory(published_at=timezone.now())
    AnswerFactory(interview=newest, question=questions[0], body="New.")
    rest, _ = walk(client, first["next"].removeprefix("http://testserver"))
    assert len({item["id"] for item in first["items"] + rest}) == 4


# --- HTTP --------------------------------------------------------------------------------


def test_a_second_request_with_the_etag_gets_304_without_a_query(
    client, answers, django_assert_num_queries
):
    first = client.get(API + "answers/")
    assert first["ETag"] and first["Last-Modified"]
    assert "must-revalidate" in first["Cache-Control"] and "public" in first["Cache-Control"]

    with django_assert_num_queries(0):
        again = client.get(API + "answers/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Access-Control-Allow-Origin"] == "*"

    since = client.get(API + "answers/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(API + "questions/", headers={"If-None-Match": first["ETag"]})
    assert other.status_code == 200


def test_a_change_readers_can_see_makes_the_etag_stale(
    client, answers, questions, django_capture_on_commit_callbacks
):
    first = client.get(API + "answers/")
    with django_capture_on_commit_callbacks(execute=True):
        answer_by("Newcomer", questions[0], body="New.")
    again = client.get(API + "answers/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert "Newcomer" in names(again.json()["items"])


def test_with_the_page_cache_on_answers_come_from_it_with_the_same_headers(
    client, answers, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 600
    first = client.get(API + "answers/", {"lesson": "baselines"})
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(API + "answers/", {"lesson": "baselines"})
        not_modified = client.get(
            API + "answers/", {"lesson": "baselines"}, headers={"If-None-Match": first["ETag"]}
        )
    assert second["X-Cache"] == "hit" and second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Access-Control-Allow-Origin"] == "*"
    assert not_modified.status_code == 304


def test_any_origin_may_read_and_a_preflight_is_answered(client, answers):
    response = client.get(API + "questions/", headers={"Origin": "https://elsewhere.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies

    preflight = client.options(
        API + "answers/",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]


def test_head_answers_like_get_without_a_body(client, answers):
    response = client.head(API + "answers/")
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"] and response["Access-Control-Allow-Origin"] == "*"


def test_writes_are_not_allowed_and_need_no_csrf_token(client, answers):
    client = type(client)(enforce_csrf_checks=True)
    response = client.post(API + "answers/", {})
    assert response.status_code == 405


def test_too_many_requests_from_one_address_answer_429_with_retry_after(client, answers, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(API + "lessons/").status_code == 200
    refused = client.get(API + "questions/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert refused.json()["detail"].startswith("Too many requests: 3 every 60 seconds")
    # Another address has its own count; the pages are not limited.
    assert client.get(API + "lessons/", REMOTE_ADDR="10.0.0.9").status_code == 200
    assert client.get("/lessons/").status_code == 200


def test_responses_from_the_page_cache_count_toward_the_limit(client, answers, settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.API_RATE_LIMIT = 2
    assert client.get(API + "lessons/").status_code == 200
    assert client.get(API + "lessons/")["X-Cache"] == "hit"
    assert client.get(API + "lessons/").status_code == 429


# --- The OpenAPI schema and the docs page -----------------------------------------------


def test_the_openapi_schema_describes_every_endpoint(client):
    schema = get(client, "openapi.json")
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1"
    assert set(schema["paths"]) == {
        "/api/v1/questions/",
        "/api/v1/questions/{slug}/",
        "/api/v1/mentors/",
        "/api/v1/mentors/{slug}/",
        "/api/v1/answers/",
        "/api/v1/answers/{answer_id}/",
        "/api/v1/lessons/",
        "/api/v1/lessons/{slug}/",
    }
    for path, operations in schema["paths"].items():
        assert set(operations) == {"get"}, path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/answers/"]["get"]["parameters"]}
    assert parameters == {"question", "lesson", "mentor", "since", "q", "cursor", "limit"}
    assert "email" not in json.dumps(schema)


def test_the_docs_page_loads_swagger_ui_from_the_site_itself(client):
    response = client.get(API + "docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


# --- Nothing that is not public ------------------------------------------------------------

SECRETS = [
    "secret-mentor@private.example",  # a published mentor's email
    "Drafty Hiddenname",  # a draft's mentor
    "Submitta Hiddenname",
    "Withdrawna Hiddenname",
    "Rejecta Hiddenname",
    "Invited Hiddenname",
    "draft-answer-text",
    "submitted-answer-text",
    "withdrawn-answer-text",
    "rejected-answer-text",
    "invited-answer-text",
    "revision-answer-text",
    "Revised Hiddenname",
    "editor-note-text",
    "Edwina",
    "Hiddeneditor",
    "invitation-note-text",
    "invitation@private.example",
]


@pytest.fixture
def private_things(questions, answers):
    """Published content beside everything readers must never see; returns
    what else must not appear (the invitation's token)."""
    editor = User.objects.create_user(
        "edwina", "edwina@private.example", "pw", first_name="Edwina", last_name="Hiddeneditor"
    )
    published = answers[0].interview
    mentor = published.mentor
    mentor.email = "secret-mentor@private.example"
    mentor.save()
    InterviewEvent.objects.create(
        interview=published, action="published", actor=editor, note="editor-note-text"
    )
    for name, factory, status in [
        ("Drafty", DraftInterviewFactory, None),
        ("Submitta", SubmittedInterviewFactory, None),
        ("Withdrawna", WithdrawnInterviewFactory, None),
        ("Rejecta", DraftInterviewFactory, Interview.Status.REJECTED),
    ]:
        interview = factory(mentor=MentorFactory(name=f"{name} Hiddenname"))
        if status:
            interview.status = status
            interview.save()
        AnswerFactory(
            interview=interview,
            question=questions[0],
            body=f"{interview.status}-answer-text",
            lessons=["Baselines", f"Hidden {name}"],
        )
    invitation, token = invitation_with_token(
        name="Invited Hiddenname", email="invitation@private.example", note="invitation-note-text"
    )
    AnswerFactory(interview=invitation.interview, question=questions[0], body="invited-answer-text")
    revision = Revision.start_from(answers[1].interview)
    revision.profile["name"] = "Revised Hiddenname"
    revision.save()
    revision.answers.update(body="revision-answer-text")
    return [token, invitation.nonce]


def every_response(client):
    """The text of every list page, every item and the schema."""
    texts = [client.get(API + "openapi.json").content.decode()]
    for listing in ["questions/", "mentors/", "answers/", "lessons/"]:
        page = get(client, listing, limit=1)
        texts.append(json.dumps(page))
        while page["next"]:
            page = get(client, page["next"].removeprefix("http://testserver"))
            texts.append(json.dumps(page))
    items = {
        "questions/": [q["slug"] for q in walk(client, "questions/")[0]],
        "mentors/": [m["slug"] for m in walk(client, "mentors/")[0]],
        "answers/": [a["id"] for a in walk(client, "answers/")[0]],
        "lessons/": [lesson["slug"] for lesson in walk(client, "lessons/")[0]],
    }
    for listing, keys in items.items():
        texts += [json.dumps(get(client, f"{listing}{key}/")) for key in keys]
    for lesson in items["lessons/"]:
        texts.append(json.dumps(get(client, "answers/", lesson=lesson)))
    texts.append(json.dumps(get(client, "answers/", q="answer text hiddenname")))
    return texts


def test_no_endpoint_shows_anything_unpublished_or_private(client, settings, private_things):
    settings.API_RATE_LIMIT = 0
    texts = every_response(client)

    everything = "\n".join(texts)
    for secret in [*SECRETS, *private_things]:
        assert secret not in everything, secret
    assert "Hidden" not in everything  # no lesson used only on unpublished answers either
    published = set(Answer.objects.published().values_list("pk", flat=True))
    assert {item["id"] for item in walk(client, "answers/")[0]} == published
    assert len(published) == 3
    hidden = Answer.objects.exclude(pk__in=published).select_related("interview__mentor")
    assert len(hidden) == 5
    for answer in hidden:
        assert client.get(f"{API}answers/{answer.pk}/").status_code == 404
        assert client.get(f"{API}mentors/{answer.interview.mentor.slug}/").status_code == 404


def test_production_serves_the_docs_page_with_hashed_static_files(db, collected_static, tmp_path):
    """gunicorn with production settings: WhiteNoise serves ninja's Swagger UI
    from the manifest storage collectstatic wrote."""
    from django.db import connection

    env = production_env(
        DATABASE_URL=settings_url(connection.settings_dict),
        DJANGO_STATIC_ROOT=str(collected_static),
    )
    server = Gunicorn(env, tmp_path).wait_until_up()
    try:
        status, _, html = http(server.url + API + "docs/", headers=PROXIED)
        assert status == 200
        assets = re.findall(r'(?:src|href)="(/static/ninja/[^"]+)"', html)
        names = {asset.rsplit("/", 1)[1].split(".")[0] for asset in assets}
        assert {"swagger-ui-bundle", "swagger-ui-init", "swagger-ui"} <= names
        for asset in assets:
            assert re.search(r"\.[0-9a-f]{12}\.(js|css|png|svg)$", asset), asset
            request = urllib.request.Request(server.url + asset, headers=PROXIED)
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200, asset
                assert "immutable" in response.headers["Cache-Control"]
        status, headers, body = http(server.url + API + "openapi.json", headers=PROXIED)
        assert status == 200 and json.loads(body)["openapi"].startswith("3.")
        assert headers["Access-Control-Allow-Origin"] == "*"
    finally:
        server.stop()
