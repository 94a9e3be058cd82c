"""Transitions as model methods: allowed steps, audit records, emails."""

import datetime as dt

import pytest
from django.utils import timezone

from interviews import services
from interviews.models import Interview, InterviewEvent, InvalidTransition
from tests.factories import (
    AnswerFactory,
    PublishedInterviewFactory,
    SubmittedInterviewFactory,
    invitation_with_token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(questions):
    invitation, _ = invitation_with_token(name="Ada Example", email="ada@example.com")
    interview = invitation.interview
    AnswerFactory(interview=interview, question=questions[0])
    interview.submit()
    return interview


def test_submit_records_the_mentor_as_actor(submitted):
    event = submitted.events.get()
    assert event.action == InterviewEvent.Action.SUBMITTED
    assert (event.from_status, event.to_status) == ("draft", "submitted")
    assert event.actor is None and event.actor_label == "the mentor"


def test_publish_sets_date_makes_public_and_emails_the_public_link(
    submitted, editor, mailoutbox, settings
):
    settings.SITE_URL = "https://applyingml.example"
    before = timezone.now()

    services.publish(submitted, by=editor, note="Lovely")

    interview = Interview.objects.get(pk=submitted.pk)
    assert interview.status == "published" and interview.published_at >= before
    assert list(Interview.objects.published()) == [interview]
    event = interview.events.first()
    assert (event.action, event.actor, event.note) == ("published", editor, "Lovely")
    assert mailoutbox[-1].to == ["ada@example.com"]
    assert f"https://applyingml.example/mentors/{interview.mentor.slug}/" in mailoutbox[-1].body


def test_request_changes_emails_the_message_reopens_the_link_and_returns_to_draft(
    submitted, editor, mailoutbox, client
):
    invitation = submitted.invitation
    invitation.revoke()

    services.request_changes(submitted, by=editor, note="Could you say more about monitoring?")

    assert Interview.objects.get(pk=submitted.pk).status == "draft"
    email = mailoutbox[-1]
    assert "Could you say more about monitoring?" in email.body
    assert invitation.token in email.body
    assert client.get(f"/submit/{invitation.token}/").status_code == 200  # the link works again
    assert submitted.events.first().note == "Could you say more about monitoring?"


def test_request_changes_needs_a_message(submitted, editor):
    with pytest.raises(InvalidTransition, match="message to the mentor"):
        submitted.request_changes(by=editor, note="  ")
    assert Interview.objects.get(pk=submitted.pk).status == "submitted"


def test_reject_thanks_the_mentor(submitted, editor, mailoutbox):
    services.reject(submitted, by=editor, note="Not a fit for the site.")
    assert Interview.objects.get(pk=submitted.pk).status == "rejected"
    assert "Not a fit for the site." in mailoutbox[-1].body


def test_withdraw_and_republish_keep_the_original_date(editor, client, questions):
    interview = PublishedInterviewFactory()
    AnswerFactory(interview=interview, question=questions[0])
    published_at = interview.published_at

    interview.withdraw(by=editor, note="The mentor asked us to.")
    assert list(Interview.objects.published()) == []
    interview.republish(by=editor, note="Back by request")

    interview.refresh_from_db()
    assert interview.status == "published" and interview.published_at == published_at
    actions = list(interview.events.values_list("action", "note"))
    assert actions == [("republish", "Back by request"), ("withdraw", "The mentor asked us to.")]


@pytest.mark.parametrize(
    "factory, step",
    [
        (PublishedInterviewFactory, "publish"),
        (PublishedInterviewFactory, "request_changes"),
        (SubmittedInterviewFactory, "withdraw"),
        (SubmittedInterviewFactory, "republish"),
    ],
)
def test_steps_not_allowed_from_the_current_status_are_refused(factory, step, editor):
    interview = factory()
    status = interview.status
    with pytest.raises(InvalidTransition, match="Cannot"):
        services.apply_step(interview, step, by=editor, note="why")
    assert Interview.objects.get(pk=interview.pk).status == status
    assert not interview.events.exists()


def test_allowed_transitions_follow_the_status():
    assert [t.name for t in SubmittedInterviewFactory().allowed_transitions()] == [
        "publish",
        "request_changes",
        "reject",
    ]
    assert [t.name for t in PublishedInterviewFactory().allowed_transitions()] == ["withdraw"]


def test_every_save_bumps_the_version():
    interview = SubmittedInterviewFactory()
    version = interview.version
    interview.intro = "changed"
    interview.save()
    assert Interview.objects.get(pk=interview.pk).version == version + 1


def test_a_refused_publish_leaves_the_interview_as_it_was(questions):
    interview = PublishedInterviewFactory()
    interview.withdraw(by=None, note="Asked by the mentor.")
    before = interview.published_at
    with pytest.raises(InvalidTransition):
        interview.publish(at=before + dt.timedelta(days=3))
    assert interview.published_at == before
    assert interview.status == Interview.Status.WITHDRAWN


def test_the_state_changes_themselves_send_nothing(submitted, editor, mailoutbox):
    """Emails belong to the use cases (services.py), so a model method can be
    called by upkeep or a migration without writing to anyone."""
    submitted.publish(by=editor)
    submitted.withdraw(by=editor, note="Asked.")
    assert mailoutbox == []
