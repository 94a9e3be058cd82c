"""Edits after publishing: a revision the public page ignores until approved."""

import pytest

from interviews.forms import AnswersForm
from interviews.models import Answer, Interview, InvalidTransition, Revision
from tests.factories import AnswerFactory, invitation_with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(questions, editor, settings):
    settings.MENTOR_MIN_ANSWERS = 1
    invitation, token = invitation_with_token(name="Ada Example", email="ada@example.com")
    interview = invitation.interview
    AnswerFactory(
        interview=interview, question=questions[0], body="Original one", lessons=["MLOps"]
    )
    AnswerFactory(interview=interview, question=questions[1], body="Original two")
    interview.submit()
    interview.publish(by=editor)
    return interview, f"/submit/{token}/"


def post_edits(client, url, questions, answers, action="save", **profile):
    data = {"name": "Ada Example", "action": action, "license": "cc-by-4.0", **profile}
    data.update({AnswersForm.field_name(q): answers.get(i, "") for i, q in enumerate(questions)})
    return client.post(url, data)


def test_opening_the_link_after_publication_shows_the_published_text(client, published):
    _, url = published
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your interview is" in html and "an editor reviews your edits" in html
    assert "Original one" in html
    assert not Revision.objects.exists()  # opening alone changes nothing


def test_mentor_edits_go_to_a_revision_and_the_public_page_keeps_the_published_text(
    client, published, questions, settings, mailoutbox
):
    settings.EDITOR_EMAILS = ["ed@example.com"]
    settings.MENTOR_MIN_ANSWERS = 1
    interview, url = published

    post_edits(client, url, questions, {0: "Edited one", 2: "A new third"}, role="Head of ML")
    assert "Edited one" in client.get(url).content.decode()  # the draft of the edits
    response = post_edits(
        client, url, questions, {0: "Edited one", 2: "A new third"}, "submit", role="Head of ML"
    )

    assert response.status_code == 302
    revision = Revision.objects.get()
    assert revision.status == "submitted"
    public = client.get(interview.mentor.get_absolute_url()).content.decode()
    assert "Original one" in public and "Edited one" not in public and "A new third" not in public
    assert Interview.objects.get(pk=interview.pk).mentor.role == ""
    assert "has edited their published interview" in mailoutbox[-1].body
    reopened = client.get(url).content.decode()
    assert "you sent these edits" in reopened and "Edited one" in reopened


def test_approving_replaces_the_live_text_keeping_lessons(client, published, questions, editor):
    interview, url = published
    post_edits(
        client, url, questions, {0: "Edited one", 2: "A new third"}, "submit", role="Head of ML"
    )
    revision = Revision.objects.get()

    changes = revision.changes()
    labels = [c.label for c in changes]
    assert (
        questions[0].text in labels and questions[1].text in labels and questions[2].text in labels
    )
    first = next(c for c in changes if c.label == questions[0].text)
    assert '[removed: </span>Original<span class="visually-hidden">]</span></del>' in first.old_html
    assert '[added: </span>Edited<span class="visually-hidden">]</span></ins>' in first.new_html
    assert "<ins>" not in first.old_html and "<del>" not in first.new_html

    revision.approve(by=editor, note="Thanks")

    bodies = dict(interview.answers.values_list("question__position", "body"))
    assert bodies == {1: "Edited one", 3: "A new third"}  # the second was removed by the mentor
    assert list(Answer.objects.get(question=questions[0]).tags.names()) == ["MLOps"]
    assert Interview.objects.get(pk=interview.pk).mentor.role == "Head of ML"
    public = client.get(interview.mentor.get_absolute_url()).content.decode()
    assert "Edited one" in public and "Original one" not in public
    assert interview.events.first().action == "revision_approved"


def test_declining_keeps_the_published_text(client, published, questions, editor):
    interview, url = published
    post_edits(client, url, questions, {0: "Edited one"}, "submit")
    revision = Revision.objects.get()
    revision.decline(by=editor, note="Please keep the original")
    assert Answer.objects.get(question=questions[0]).body == "Original one"
    assert Revision.objects.get().status == "declined"
    assert interview.events.first().note == "Please keep the original"
    # The mentor can start new edits.
    assert "Original one" in client.get(url).content.decode()


def test_only_submitted_revisions_can_be_decided(published, editor):
    interview, _ = published
    revision = Revision.start_from(interview)
    with pytest.raises(InvalidTransition):
        revision.approve(by=editor)
