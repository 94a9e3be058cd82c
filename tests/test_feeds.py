"""Atom feeds: new interviews, and new answers to a question or with a lesson."""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    FollowUpQuestionFactory,
    MentorFactory,
    PublishedInterviewFactory,
    SubmittedInterviewFactory,
    WithdrawnInterviewFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
UNPUBLISHED = [DraftInterviewFactory, SubmittedInterviewFactory, WithdrawnInterviewFactory]


def answer_by(name, question, body="An answer.", lessons=(), interview_factory=None):
    interview = (interview_factory or PublishedInterviewFactory)(mentor=MentorFactory(name=name))
    return AnswerFactory(interview=interview, question=question, body=body, lessons=list(lessons))


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # raises unless well-formed


def entries(feed):
    return feed.findall(f"{ATOM}entry")


def text(element, tag):
    return element.find(f"{ATOM}{tag}").text


def authors(feed):
    return [entry.find(f"{ATOM}author/{ATOM}name").text for entry in entries(feed)]


def test_new_interviews_feed_lists_published_interviews_in_full(client, questions):
    answer = answer_by("Published Person", questions[0], "Use a *baseline*.")
    AnswerFactory(interview=answer.interview, question=questions[1], body="Second **answer**.")
    for factory in UNPUBLISHED:
        answer_by(f"Hidden {factory.__name__}", questions[0], interview_factory=factory)

    feed = parse(client, "/feed/")

    assert authors(feed) == ["Published Person"]
    entry = entries(feed)[0]
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<p>Use a <em>baseline</em>.</p>" in content.text
    assert "<p>Second <strong>answer</strong>.</p>" in content.text
    assert escape(questions[1].text) in content.text
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/mentors/" + (
        f"{answer.interview.mentor.slug}/"
    )
    published = datetime.fromisoformat(text(entry, "published"))
    assert published == answer.interview.published_at


def test_question_feed_lists_published_answers_to_that_question(client, questions):
    answer = answer_by("Answerer", questions[4], "Ask *why*.", ["scoping", "users"])
    answer_by("Elsewhere", questions[5])
    for factory in UNPUBLISHED:
        answer_by(f"Hidden {factory.__name__}", questions[4], interview_factory=factory)

    feed = parse(client, f"/questions/{questions[4].slug}/feed/")

    assert questions[4].title in text(feed, "title")
    assert authors(feed) == ["Answerer"]
    entry = entries(feed)[0]
    assert entry.find(f"{ATOM}content").text == answer.body_html == "<p>Ask <em>why</em>.</p>"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{answer.get_absolute_url()}"
    assert entry.find(f"{ATOM}author/{ATOM}uri").text.startswith("http://testserver/mentors/")
    assert datetime.fromisoformat(text(entry, "published")) == answer.interview.published_at
    assert datetime.fromisoformat(text(entry, "updated")) == max(
        answer.updated_at, answer.interview.published_at
    )
    assert {c.get("term") for c in entry.findall(f"{ATOM}category")} == {"scoping", "users"}


def test_lesson_feed_lists_published_answers_with_that_lesson(client, questions):
    answer_by("Tagged", questions[0], lessons=["retraining"])
    answer_by("Tagged Too", questions[3], lessons=["retraining", "drift"])
    answer_by("Other Lesson", questions[0], lessons=["drift"])
    for factory in UNPUBLISHED:
        answer_by(
            f"Hidden {factory.__name__}",
            questions[0],
            lessons=["retraining"],
            interview_factory=factory,
        )

    feed = parse(client, "/lessons/retraining/feed/")

    assert set(authors(feed)) == {"Tagged", "Tagged Too"}
    assert "retraining" in text(feed, "title")


def test_feeds_stay_well_formed_with_odd_text(client, questions):
    odd = "Tom & <Jerry> \x0b\x01 “quotes” — 日本語 ]]> <![CDATA[ x"
    # (Lesson names stay ASCII here: a non-ASCII lesson slug has no URL yet.)
    answer = answer_by(odd, questions[0], odd, lessons=["Tom & <Jerry> \x0b"])
    lesson = answer.tags.get()
    for url in ("/feed/", f"/questions/{questions[0].slug}/feed/", f"/lessons/{lesson.slug}/feed/"):
        feed = parse(client, url)
        assert authors(feed) == ["Tom & <Jerry>  “quotes” — 日本語 ]]> <![CDATA[ x"], url
    assert "\x0b" not in answer.body_html


def test_unknown_question_or_lesson_feed_is_404(client, db):
    assert client.get("/questions/no-such-question/feed/").status_code == 404
    assert client.get("/lessons/no-such-lesson/feed/").status_code == 404


def test_a_follow_up_question_has_no_feed_until_an_answer_is_published(client, questions):
    draft = answer_by(
        "Asked Once", FollowUpQuestionFactory(), interview_factory=DraftInterviewFactory
    )
    url = f"/questions/{draft.question.slug}/feed/"
    assert client.get(url).status_code == 404  # its wording is not public yet
    draft.interview.status, draft.interview.published_at = "published", draft.interview.created_at
    draft.interview.save()
    assert authors(parse(client, url)) == ["Asked Once"]


def test_pages_link_their_feeds_for_autodiscovery(client, questions):
    answer_by("Someone", questions[2], lessons=["baselines"])
    tag = '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">'

    home = client.get("/").content.decode()
    question = client.get(questions[2].get_absolute_url()).content.decode()
    lesson = client.get("/lessons/baselines/").content.decode()

    assert tag.format("New interviews · Applying ML", "/feed/") in home
    assert tag.format("New interviews · Applying ML", "/feed/") in question
    assert (
        tag.format(
            f"New answers to “{questions[2].title}” · Applying ML",
            f"/questions/{questions[2].slug}/feed/",
        )
        in question
    )
    assert (
        tag.format("New answers on baselines · Applying ML", "/lessons/baselines/feed/") in lesson
    )


@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_counts_are_constant(client, questions, django_assert_num_queries, count):
    for n in range(count):
        answer = answer_by(f"Fed Mentor{n}", questions[0], lessons=["fed", f"lesson {n}"])
        AnswerFactory(interview=answer.interview, question=questions[1])
    with django_assert_num_queries(2):  # interviews with mentors, their answers
        client.get("/feed/")
    with django_assert_num_queries(2):  # question, answers with their lessons
        client.get(f"/questions/{questions[0].slug}/feed/")
    with django_assert_num_queries(2):  # lesson, answers with their lessons
        client.get("/lessons/fed/feed/")


def test_lesson_feeds_follow_the_lesson_pages_rules(client, questions):
    from interviews.models import Lesson
    from tests.factories import AnswerFactory, DraftInterviewFactory

    AnswerFactory(
        interview=DraftInterviewFactory(), question=questions[0], lessons=["secret plans"]
    )
    response = client.get("/lessons/secret-plans/feed/")
    assert response.status_code == 404
    assert "secret plans" not in response.content.decode()

    AnswerFactory(question=questions[1], lessons=["old name"])
    lesson = Lesson.objects.get(name="old name")
    lesson.name, lesson.slug = "new name", "new-name"
    lesson.save()
    moved = client.get("/lessons/old-name/feed/")
    assert (moved.status_code, moved["Location"]) == (301, "/lessons/new-name/feed/")


# --- Updates: an approved revision is an update, not a new entry ------------------------


def update(answer, text, editor):
    """Approve a revision of `answer`'s interview that rewrites it to `text`."""
    from interviews import services
    from interviews.models import Revision

    revision = Revision.start_from(answer.interview)
    revision.answers.filter(question=answer.question).update(body=text)
    revision.submit()
    services.approve_revision(revision, by=editor)
    answer.refresh_from_db()
    return answer


def entry_by(feed, author):
    return next(e for e in entries(feed) if e.find(f"{ATOM}author/{ATOM}name").text == author)


@pytest.mark.parametrize(
    "url",
    [
        "/questions/{question}/feed/",
        "/lessons/retraining/feed/",
        "/mentors/{mentor}/feed/",
    ],
)
def test_an_updated_answer_is_an_update_in_the_answer_feeds(client, questions, editor, url):
    older = answer_by("Older Mentor", questions[0], "Retrain weekly.", ["retraining"])
    older.interview.published_at -= timezone.timedelta(days=30)
    older.interview.save()
    AnswerFactory(interview=older.interview, question=questions[1], body="Other.")
    answer_by("Newer Mentor", questions[0], "Retrain when it drifts.", ["retraining"])
    url = url.format(question=questions[0].slug, mentor=older.interview.mentor.slug)
    before = next(
        e
        for e in entries(parse(client, url))
        if e.find(f"{ATOM}link").get("href").endswith(older.get_absolute_url())
    )

    older = update(older, "Retrain *when the data drifts*.", editor)
    feed = parse(client, url)

    entry = entries(feed)[0]  # first: its update is the latest change
    assert entry.find(f"{ATOM}link").get("href").endswith(older.get_absolute_url())
    assert text(entry, "id") == text(before, "id")  # the same entry
    assert text(entry, "published") == text(before, "published")
    assert datetime.fromisoformat(text(entry, "updated")) >= older.revised_at
    assert datetime.fromisoformat(text(entry, "updated")) > datetime.fromisoformat(
        text(before, "updated")
    )
    assert text(entry, "title").startswith("Updated: ")
    assert not text(before, "title").startswith("Updated")
    assert text(entry, "summary").startswith(f"Updated on {older.revised_at:%-d %B %Y}. Retrain")
    assert "<em>when the data drifts</em>" in entry.find(f"{ATOM}content").text
    others = [e for e in entries(feed) if e is not entry]
    assert not any(text(e, "title").startswith("Updated") for e in others)


def test_an_updated_interview_is_an_update_in_the_new_interviews_feed(client, questions, editor):
    older = answer_by("Older Mentor", questions[0], "Retrain weekly.")
    older.interview.published_at -= timezone.timedelta(days=30)
    older.interview.save()
    answer_by("Newer Mentor", questions[0], "Something new.")
    before = entry_by(parse(client, "/feed/"), "Older Mentor")
    assert authors(parse(client, "/feed/")) == ["Newer Mentor", "Older Mentor"]

    update(older, "Retrain when it drifts.", editor)
    feed = parse(client, "/feed/")

    assert authors(feed) == ["Older Mentor", "Newer Mentor"]  # by the update's date
    entry = entry_by(feed, "Older Mentor")
    assert text(entry, "id") == text(before, "id")
    assert text(entry, "published") == text(before, "published")
    assert text(entry, "updated") > text(before, "updated")
    assert text(entry, "title") == f"Updated: {text(before, 'title')}"
    assert text(entry, "summary").endswith(f"Changed answers: {questions[0].title}.")
    assert text(entry, "summary").startswith("Updated on ")
    assert not text(entry_by(feed, "Newer Mentor"), "title").startswith("Updated")


def test_feeds_hold_the_latest_changes_when_there_are_more_than_fit(client, questions, editor):
    from interviews import feeds

    first = answer_by("First Mentor", questions[0], "Old news.")
    first.interview.published_at -= timezone.timedelta(days=400)
    first.interview.save()
    for n in range(feeds.FEED_ITEMS):
        answer_by(f"Newer Mentor{n}", questions[0])
    assert "First Mentor" not in authors(parse(client, f"/questions/{questions[0].slug}/feed/"))

    update(first, "News again.", editor)

    question_feed = authors(parse(client, f"/questions/{questions[0].slug}/feed/"))
    assert len(question_feed) == feeds.FEED_ITEMS and question_feed[0] == "First Mentor"
    assert authors(parse(client, "/feed/"))[0] == "First Mentor"
