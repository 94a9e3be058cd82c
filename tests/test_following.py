"""Following by email without an account: double opt-in, the links in every
message, messages on publish and approved updates, the weekly digest."""

import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interviews import following, services
from interviews.models import Answer, Interview, Lesson, OutgoingEmail, Revision, Subscriber
from tests.factories import AnswerFactory, MentorFactory, PublishedInterviewFactory
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db

URL = "/follow/"


def follow_data(**overrides):
    return {
        "email": "reader@example.com",
        "follows_all": "on",
        "frequency": "instant",
        "homepage": "",
        "started": signing.dumps(time.time() - 60, salt="follow"),
        **overrides,
    }


def link_in(message, fragment):
    """The path of the first link in a message's text that contains `fragment`."""
    return urlsplit(next(word for word in message.body.split() if fragment in word)).path


def confirmed(email, frequency="instant", follows_all=False, questions=(), lessons=(), mentors=()):
    subscriber = Subscriber.objects.create(email=email, confirmed_at=timezone.now())
    subscriber.set_follows(
        frequency=frequency,
        follows_all=follows_all,
        questions=questions,
        lessons=lessons,
        mentors=mentors,
    )
    return subscriber


def submitted_interview(questions, lessons=(), name="New Mentor"):
    """A submitted interview answering the first two questions, the first with `lessons`."""
    interview = PublishedInterviewFactory(
        mentor=MentorFactory(name=name), status=Interview.Status.SUBMITTED, published_at=None
    )
    AnswerFactory(interview=interview, question=questions[0], lessons=list(lessons))
    AnswerFactory(interview=interview, question=questions[1])
    return interview


def assert_follow_message(message):
    """Both parts, and the RFC 2369/8058 headers with a working unsubscribe link."""
    assert message.body.strip()
    assert [mime for _, mime in message.alternatives] == ["text/html"]
    parsed = message_from_bytes(message.message().as_bytes())
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = "".join(parsed["List-Unsubscribe"].split())  # unfolded
    assert unsubscribe.startswith("<http") and unsubscribe.endswith(">")
    assert "/follow/unsubscribe/" in unsubscribe
    assert "/follow/manage/" in message.body
    return urlsplit(unsubscribe[1:-1]).path


# --- The form -----------------------------------------------------------------------


def test_the_form_preselects_what_the_reader_came_from(client, questions):
    answer = AnswerFactory(question=questions[3], lessons=["Start simple"])
    mentor = answer.interview.mentor
    lesson = Lesson.objects.get(name="Start simple")
    html = client.get(URL, {"question": questions[3].slug}).content.decode()
    assert 'name="homepage"' in html and 'name="started"' in html
    assert f'value="{questions[3].pk}" id="id_questions_3" checked' in html
    html = client.get(URL, {"lesson": lesson.slug, "mentor": mentor.slug}).content.decode()
    assert f'value="{lesson.pk}"' in html and "Start simple" in html
    assert mentor.name in html and f'name="mentors" value="{mentor.pk}"' in html
    assert 'name="follows_all" id="id_follows_all" checked' not in html
    # Nothing chosen: every new interview.
    html = client.get(URL, {"question": "no-such-question"}).content.decode()
    assert 'name="follows_all" id="id_follows_all" checked' in html


def test_public_pages_link_to_the_form_without_anything_personal(client, questions):
    answer = AnswerFactory(question=questions[0], lessons=["Start simple"])
    mentor = answer.interview.mentor
    pages = {
        "/": "/follow/?all=1",
        questions[0].get_absolute_url(): f"/follow/?question={questions[0].slug}",
        "/lessons/start-simple/": "/follow/?lesson=start-simple",
        mentor.get_absolute_url(): f"/follow/?mentor={mentor.slug}",
    }
    for page, link in pages.items():
        html = client.get(page).content.decode()
        assert f'href="{link}"' in html, page
        assert "csrfmiddlewaretoken" not in html, page  # pages are cached for everyone


def test_something_must_be_chosen(client):
    response = client.post(URL, follow_data(follows_all=""))
    assert response.status_code == 400
    assert "Please choose something to follow" in response.content.decode()
    assert not Subscriber.objects.exists()


# --- Double opt-in --------------------------------------------------------------------


def test_nothing_but_the_confirmation_is_sent_until_its_link_is_opened(
    client, questions, mailoutbox, editor
):
    response = client.post(URL, follow_data(questions=[questions[0].pk], frequency="instant"))
    assert response.status_code == 302 and response["Location"] == reverse("interviews:follow-sent")
    assert "Check your email" in client.get(response["Location"]).content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.com" and not subscriber.is_confirmed
    assert not subscriber.follows_all and not subscriber.questions.exists()
    (confirmation,) = mailoutbox
    assert confirmation.to == ["reader@example.com"]
    assert "Please confirm" in confirmation.subject
    assert "every new interview" in confirmation.body
    assert f'new answers to "{questions[0].title}"' in confirmation.body
    assert_follow_message(confirmation)

    services.publish(submitted_interview(questions, name="Before Confirming"), by=editor)
    assert [m.to for m in mailoutbox if "reader@" in m.to[0]] == [["reader@example.com"]]

    response = client.get(link_in(confirmation, "/follow/confirm/"))
    assert response.status_code == 200
    assert "your address is confirmed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed and subscriber.follows_all
    assert list(subscriber.questions.all()) == [questions[0]]

    services.publish(submitted_interview(questions, name="After Confirming"), by=editor)
    news = [m for m in mailoutbox if m.to == ["reader@example.com"]][1:]
    assert len(news) == 1 and news[0].subject.startswith("New interview: After Confirming")
    assert_follow_message(news[0])


def test_opening_the_link_twice_changes_nothing(client, mailoutbox):
    client.post(URL, follow_data())
    link = link_in(mailoutbox[0], "/follow/confirm/")
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    assert Subscriber.objects.confirmed().count() == 1


def test_new_existing_and_repeated_addresses_get_the_same_answer(client, questions, mailoutbox):
    existing = confirmed("known@example.com", follows_all=True)
    answers = [
        client.post(URL, follow_data(email="new@example.com")),
        client.post(URL, follow_data(email="new@example.com")),
        client.post(
            URL, follow_data(email="Known@Example.com", follows_all="", questions=[questions[2].pk])
        ),
    ]
    assert {(r.status_code, r["Location"], r.content) for r in answers} == {
        (302, reverse("interviews:follow-sent"), b"")
    }
    # A stranger cannot change what an address follows: only its owner's click does.
    existing.refresh_from_db()
    assert existing.follows_all and not existing.questions.exists()
    assert Subscriber.objects.count() == 2
    to_known = [m for m in mailoutbox if m.to == ["known@example.com"]]
    client.get(link_in(to_known[-1], "/follow/confirm/"))
    existing.refresh_from_db()
    assert not existing.follows_all and list(existing.questions.all()) == [questions[2]]


def test_only_the_latest_request_can_be_confirmed(client, mailoutbox):
    client.post(URL, follow_data())
    client.post(URL, follow_data(frequency="weekly"))
    older, newer = (link_in(m, "/follow/confirm/") for m in mailoutbox)
    response = client.get(older)
    assert response.status_code == 410 and "This link was replaced" in response.content.decode()
    assert not Subscriber.objects.get().is_confirmed
    assert client.get(newer).status_code == 200
    assert Subscriber.objects.get().frequency == "weekly"


def test_unconfirmed_requests_are_forgotten_after_seven_days(client, mailoutbox):
    known = confirmed("known@example.com", follows_all=True)
    client.post(URL, follow_data(email="new@example.com"))
    client.post(URL, follow_data(email="known@example.com", frequency="weekly"))
    links = {m.to[0]: link_in(m, "/follow/confirm/") for m in mailoutbox}
    now = timezone.now()
    assert following.expire_requests(now + timedelta(days=6)) == 0
    assert following.expire_requests(now + timedelta(days=7, minutes=1)) == 2
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["known@example.com"]
    known.refresh_from_db()
    assert known.follows_all and known.pending is None and known.frequency == "instant"
    # And the links say so, rather than failing.
    later = time.time() + 8 * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        for link in links.values():
            response = client.get(link)
            assert response.status_code == 410
            assert "This link has expired" in response.content.decode()


def test_housekeeping_expires_requests(client, mailoutbox):
    client.post(URL, follow_data())
    Subscriber.objects.update(requested_at=timezone.now() - timedelta(days=8))
    following.housekeeping()
    assert not Subscriber.objects.exists()


# --- Spam defences ----------------------------------------------------------------------


def test_honeypot_is_refused_and_nothing_is_sent(client, mailoutbox):
    response = client.post(URL, follow_data(homepage="http://spam.example"))
    assert response.status_code == 400
    assert "reader@example.com" in response.content.decode()
    assert not Subscriber.objects.exists() and not mailoutbox


def test_too_fast_is_refused_and_can_be_sent_again(client, mailoutbox):
    response = client.post(URL, follow_data(started=signing.dumps(time.time(), salt="follow")))
    assert response.status_code == 400
    assert "quicker than a person can type" in response.content.decode()
    assert not Subscriber.objects.exists() and not mailoutbox
    # A nomination's timestamp does not pass for the follow form's.
    response = client.post(
        URL, follow_data(started=signing.dumps(time.time() - 60, salt="nomination"))
    )
    assert response.status_code == 400


def test_rate_limit_per_address_answers_429_keeping_the_choices(client, settings, questions):
    settings.FOLLOW_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(URL, follow_data()).status_code == 302
    response = client.post(URL, follow_data(follows_all="", questions=[questions[4].pk]))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Please wait a little" in html
    assert 'value="reader@example.com"' in html
    assert f'value="{questions[4].pk}" id="id_questions_4" checked' in html
    assert 'name="started"' in html and 'name="csrfmiddlewaretoken"' in html
    # Another address from the same network still gets through, up to four times as many.
    assert client.post(URL, follow_data(email="other@example.com")).status_code == 302


def test_rate_limit_per_client_address(client, settings):
    settings.FOLLOW_RATE_LIMIT = 1
    for n in range(4):
        assert client.post(URL, follow_data(email=f"r{n}@example.com")).status_code == 302
    assert client.post(URL, follow_data(email="r9@example.com")).status_code == 429
    other = client.post(URL, follow_data(email="r9@example.com"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


# --- Links in every message ----------------------------------------------------------


def test_one_click_unsubscribe_needs_no_csrf_token_and_deletes_the_address(mailoutbox):
    mail_program = Client(enforce_csrf_checks=True)
    Client().post(URL, follow_data())
    path = assert_follow_message(mailoutbox[0])
    # A GET (a mail scanner following the link) changes nothing.
    response = mail_program.get(path)
    assert response.status_code == 200 and "Stop every message?" in response.content.decode()
    assert Subscriber.objects.exists()
    for _ in range(2):  # idempotent: a second POST answers the same
        response = mail_program.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
    assert not Subscriber.objects.exists()
    # The other links of that address stop working.
    response = mail_program.get(link_in(mailoutbox[0], "/follow/manage/"))
    assert response.status_code == 410


def test_an_old_link_does_not_work_for_an_address_that_follows_again(client, mailoutbox):
    client.post(URL, follow_data())
    old_manage = link_in(mailoutbox[0], "/follow/manage/")
    client.post(old_manage.replace("/manage/", "/unsubscribe/"))
    client.post(URL, follow_data())
    assert client.get(old_manage).status_code == 410


@pytest.mark.parametrize("kind", ["confirm", "manage", "unsubscribe"])
@pytest.mark.parametrize(
    "token",
    ["abc", "eyJzIjoxfQ:1tAmpered:xxxx", signing.dumps({"s": 1}, salt="other")],
    # Named, not shown: the signed one holds the time, and every pytest-xdist
    # worker must collect the same test ids.
    ids=["not-signed", "tampered", "other-salt"],
)
def test_tampered_links_get_a_clear_page(client, kind, token):
    for method in (client.get, client.post):
        response = method(f"/follow/{kind}/{token}/")
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()


def test_a_manage_token_is_not_a_confirmation(client, mailoutbox):
    client.post(URL, follow_data())
    manage = link_in(mailoutbox[0], "/follow/manage/")
    response = client.get(manage.replace("/manage/", "/confirm/"))
    assert response.status_code == 404
    assert not Subscriber.objects.get().is_confirmed


def test_the_manage_page_changes_follows_and_frequency(client, questions, mailoutbox):
    answer = AnswerFactory(question=questions[0], lessons=["Start simple"])
    mentor = answer.interview.mentor
    subscriber = confirmed("reader@example.com", follows_all=True, mentors=[mentor])
    path = reverse("interviews:follow-manage", args=[subscriber.manage_token()])
    html = client.get(path).content.decode()
    assert mentor.name in html and "reader@example.com" in html
    lesson = Lesson.objects.get(name="Start simple")
    response = client.post(
        path, {"frequency": "weekly", "lessons": [lesson.pk], "mentors": [mentor.pk]}
    )
    assert response.status_code == 200 and "Saved" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.frequency == "weekly" and not subscriber.follows_all
    assert list(subscriber.lessons.all()) == [lesson]
    assert list(subscriber.mentors.all()) == [mentor]
    assert client.post(path, {"frequency": "weekly"}).status_code == 400
    assert client.post(path, {"frequency": "hourly", "follows_all": "on"}).status_code == 400


def test_the_manage_page_of_an_unconfirmed_address_changes_nothing(client, mailoutbox):
    client.post(URL, follow_data())
    path = link_in(mailoutbox[0], "/follow/manage/")
    assert "not confirmed yet" in client.get(path).content.decode()
    client.post(path, {"frequency": "weekly", "follows_all": "on"})
    subscriber = Subscriber.objects.get()
    assert not subscriber.is_confirmed and not subscriber.follows_all


# --- As it happens ------------------------------------------------------------------------


def test_publishing_tells_exactly_the_matching_followers(questions, editor, mailoutbox):
    lesson = Lesson.objects.create(name="Start simple")
    unused = Lesson.objects.create(name="Unused lesson")
    interview = submitted_interview(questions, lessons=[lesson.name], name="Ada Published")
    other_mentor = MentorFactory()
    should = {
        confirmed("all@example.com", follows_all=True),
        confirmed("question@example.com", questions=[questions[1]]),
        confirmed("lesson@example.com", lessons=[lesson]),
        confirmed("mentor@example.com", mentors=[interview.mentor]),
        confirmed("several@example.com", follows_all=True, questions=questions[:2]),
    }
    confirmed("other-question@example.com", questions=[questions[5]])
    confirmed("other-lesson@example.com", lessons=[unused])
    confirmed("other-mentor@example.com", mentors=[other_mentor])
    confirmed("weekly@example.com", frequency="weekly", follows_all=True)
    Subscriber.objects.create(email="unconfirmed@example.com", follows_all=True)

    event = services.publish(interview, by=editor)

    to_followers = [
        m for m in mailoutbox if "follow" in m.extra_headers.get("List-Unsubscribe", "")
    ]
    assert sorted(m.to[0] for m in to_followers) == sorted(s.email for s in should)
    for message in to_followers:
        assert message.subject.startswith("New interview: Ada Published")
        assert "/mentors/" in message.body
        assert_follow_message(message)
    by_address = {m.to[0]: m.body for m in to_followers}
    assert "because you follow every new interview" in by_address["all@example.com"]
    assert f"- {questions[1].title}:" in by_address["question@example.com"]
    assert "Lessons you follow in it: Start simple." in by_address["lesson@example.com"]
    assert "because you follow Ada Published" in by_address["mentor@example.com"]

    # The task run again (a worker retried it) sends nothing twice.
    count = OutgoingEmail.objects.count()
    assert following.notify_followers.call(interview.pk, f"event:{event.pk}") == 0
    assert OutgoingEmail.objects.count() == count


def test_an_approved_update_tells_the_mentors_followers(questions, editor, mailoutbox):
    interview = submitted_interview(questions, name="Ada Updated")
    services.publish(interview, by=editor)
    fan = confirmed("fan@example.com", mentors=[interview.mentor])
    confirmed("all@example.com", follows_all=True)
    confirmed("question@example.com", questions=[questions[0]])
    mailoutbox.clear()
    revision = Revision.start_from(interview)
    revision.save_from_mentor(
        {"name": "Ada Updated"}, {questions[0]: "A rewritten answer."}, photo=None
    )
    revision.submit()
    services.approve_revision(revision, by=editor)
    to_followers = [m for m in mailoutbox if m.extra_headers.get("List-Unsubscribe")]
    assert [m.to for m in to_followers] == [[fan.email]]
    assert to_followers[0].subject.startswith("Updated interview: Ada Updated")


# --- The weekly digest -------------------------------------------------------------------


def test_the_weekly_digest(questions, editor, mailoutbox, capsys):
    lesson = Lesson.objects.create(name="Start simple")
    fresh = submitted_interview(questions, lessons=[lesson.name], name="Fresh Mentor")
    services.publish(fresh, by=editor)
    old = PublishedInterviewFactory(
        mentor=MentorFactory(name="Old Mentor"), published_at=timezone.now() - timedelta(days=9)
    )
    AnswerFactory(interview=old, question=questions[0], lessons=[lesson.name])
    everything = confirmed("all@example.com", frequency="weekly", follows_all=True)
    by_question = confirmed("q@example.com", frequency="weekly", questions=[questions[0]])
    by_lesson = confirmed("l@example.com", frequency="weekly", lessons=[lesson])
    confirmed("old@example.com", frequency="weekly", mentors=[old.mentor])  # nothing new
    confirmed("instant@example.com", follows_all=True)  # had it as it happened
    mailoutbox.clear()

    call_command("send_digest", "--batch-size", "2")

    out = capsys.readouterr().out
    assert "2 subscribers read" in out and "4 subscribers read, 3 digests queued" in out
    digests = {m.to[0]: m for m in mailoutbox}
    assert set(digests) == {everything.email, by_question.email, by_lesson.email}
    for message in digests.values():
        assert message.subject.startswith("This week on Applying ML")
        assert "Old Mentor" not in message.body
        assert_follow_message(message)
    assert "New interviews" in digests["all@example.com"].body
    assert "Fresh Mentor" in digests["all@example.com"].body
    assert f'New answers to "{questions[0].title}"' in digests["q@example.com"].body
    assert "New answers on Start simple" in digests["l@example.com"].body
    assert f"/mentors/{fresh.mentor.slug}/{questions[0].slug}/" in digests["l@example.com"].body
    assert not Subscriber.objects.filter(frequency="weekly", last_digest_at__isnull=True).exists()

    # Once per ISO week: again the same week reads no one and sends nothing.
    mailoutbox.clear()
    call_command("send_digest")
    assert "Done: 0 digests queued" in capsys.readouterr().out
    assert not mailoutbox
    # Even if the stamps were lost, the week's keys stop a second message.
    Subscriber.objects.update(last_digest_at=None)
    assert services.send_weekly_digest() == 0


def test_the_digest_is_due_once_a_week(settings):
    settings.FOLLOW_DIGEST_WEEKDAY, settings.FOLLOW_DIGEST_HOUR = 0, 7
    monday = datetime(2026, 11, 30, 6, 59, tzinfo=UTC)
    assert not following.digest_is_due(monday)
    assert following.digest_is_due(monday + timedelta(minutes=1))
    assert following.digest_is_due(monday + timedelta(days=6, hours=17))
    assert following.week_start(monday + timedelta(days=3)) == monday.replace(hour=0, minute=0)
    assert following.iso_week(monday) == "2026-W49"


def test_a_new_weekly_follower_waits_for_next_weeks_digest(client, mailoutbox, questions, editor):
    services.publish(submitted_interview(questions), by=editor)
    client.post(URL, follow_data(frequency="weekly"))
    client.get(link_in(mailoutbox[-1], "/follow/confirm/"))
    assert services.send_weekly_digest() == 0
    # Next week it covers the 7 days before it.
    next_week = timezone.now() + timedelta(days=7)
    Interview.objects.update(published_at=next_week - timedelta(days=1))
    Answer.objects.all().update_published_at()
    assert following.send_digest(next_week) == 1


# --- The mentor's feed, and the editors' counts ---------------------------------------------


def test_a_mentor_feed_lists_their_answers(client, questions):
    answer = AnswerFactory(question=questions[2], body="Feeds **work**.")
    mentor = answer.interview.mentor
    html = client.get(mentor.get_absolute_url()).content.decode()
    feed_url = f"/mentors/{mentor.slug}/feed/"
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Interview with {mentor.name}'
        in html
    )
    assert f'href="{feed_url}"' in html
    response = client.get(feed_url)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Interview with {mentor.name}" in body and questions[2].title in body
    assert "Feeds &lt;strong&gt;work&lt;/strong&gt;" in body
    unpublished = MentorFactory()
    assert client.get(f"/mentors/{unpublished.slug}/feed/").status_code == 404


def test_the_dashboard_counts_followers_per_item(editor_client, questions):
    answer = AnswerFactory(question=questions[0], lessons=["Start simple"])
    lesson = Lesson.objects.get(name="Start simple")
    mentor = answer.interview.mentor
    confirmed("a@example.com", questions=[questions[0]], lessons=[lesson], mentors=[mentor])
    confirmed("b@example.com", questions=[questions[0]], frequency="weekly", follows_all=True)
    Subscriber.objects.create(email="c@example.com")
    response = editor_client.get(reverse("admin:dashboard"))
    following_stats = response.context["following"]
    assert (following_stats["confirmed"], following_stats["pending"]) == (2, 1)
    assert (following_stats["weekly"], following_stats["everything"]) == (1, 1)
    assert [(r["label"], r["followers"]) for r in following_stats["questions"]] == [
        (questions[0].title, 2)
    ]
    assert [(r["label"], r["followers"]) for r in following_stats["lessons"]] == [
        ("Start simple", 1)
    ]
    assert [(r["label"], r["followers"]) for r in following_stats["mentors"]] == [(mentor.name, 1)]
    assert "Most followed questions" in response.content.decode()
    listing = editor_client.get(reverse("admin:interviews_subscriber_changelist"))
    assert listing.status_code == 200 and "a@example.com" in listing.content.decode()


def test_digests_arrive_through_a_real_smtp_server_with_their_headers(questions, editor, settings):
    services.publish(submitted_interview(questions, name="Wire Mentor"), by=editor)
    for n in range(7):
        confirmed(f"w{n}@example.com", frequency="weekly", follows_all=True)
    with SmtpServer() as smtp:
        smtp.django_settings(settings)
        assert following.send_digest(batch_size=3) == 7
        received = smtp.received
    assert sorted(to for to, _ in received) == sorted([f"w{n}@example.com"] for n in range(7))
    for _, message in received:
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == [
            "text/plain",
            "text/html",
        ]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/follow/unsubscribe/" in message["List-Unsubscribe"]
        assert "Wire Mentor" in message.get_body(("plain",)).get_content()
    assert OutgoingEmail.objects.filter(kind="follow_digest", status="sent").count() == 7


def test_a_withdrawn_mentor_does_not_break_the_manage_page(client, questions, editor):
    kept, gone = AnswerFactory(question=questions[0]), AnswerFactory(question=questions[1])
    subscriber = confirmed(
        "reader@example.com", mentors=[kept.interview.mentor, gone.interview.mentor]
    )
    services.withdraw(gone.interview, by=editor, note="At the mentor's request")
    path = reverse("interviews:follow-manage", args=[subscriber.manage_token()])
    html = client.get(path).content.decode()
    assert kept.interview.mentor.name in html and gone.interview.mentor.name not in html
    response = client.post(path, {"frequency": "instant", "mentors": [kept.interview.mentor.pk]})
    assert response.status_code == 200
    assert list(subscriber.mentors.all()) == [kept.interview.mentor]


# --- Queries ------------------------------------------------------------------------------


def test_the_form_page_makes_a_fixed_number_of_queries(
    client, questions, django_assert_num_queries
):
    AnswerFactory(question=questions[0], lessons=["Start simple"])
    with django_assert_num_queries(2):  # the questions, the most used lessons
        client.get(URL)
    with django_assert_num_queries(3):  # + the question it came from
        client.get(URL, {"question": questions[0].slug})


@pytest.mark.parametrize("followers", [3, 30])
def test_a_batch_of_messages_costs_the_same_queries_for_any_number_of_followers(
    questions, settings, followers, django_assert_num_queries
):
    # Delivery is the worker's: here the batch's task is only enqueued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    interview = PublishedInterviewFactory(mentor=MentorFactory(name="Counted"))
    AnswerFactory(interview=interview, question=questions[0], lessons=["Start simple"])
    lesson = Lesson.objects.get(name="Start simple")
    for n in range(followers):
        confirmed(f"f{n}@example.com", follows_all=n % 2 == 0, lessons=[lesson])
    # interview, answers, lessons; subscribers and their three follows; existing
    # keys, insert, ids (in a savepoint and its release).
    with django_assert_num_queries(12):
        assert following.notify_followers.call(interview.pk, "event:1") == followers
