"""Answers that change over time: approving a mentor's revision keeps each
changed answer's earlier version; readers see "Updated on", the versions
with a word diff, and the interview's updates; editors can ask a published
mentor to revisit chosen questions."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.forms import AnswersForm
from interviews.models import (
    Answer,
    AnswerVersion,
    Interview,
    InvalidTransition,
    Invitation,
    OutgoingEmail,
    Revision,
)
from tests.factories import AnswerFactory, invitation_with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(questions, editor):
    """A published interview (Ada Example) with two answers."""
    invitation, _ = invitation_with_token(name="Ada Example", email="ada@example.com")
    interview = invitation.interview
    AnswerFactory(interview=interview, question=questions[0], body="Start with a *baseline* model.")
    AnswerFactory(interview=interview, question=questions[1], body="Talk to the users.")
    interview.submit()
    interview.publish(by=editor)
    return Interview.objects.get(pk=interview.pk)


def approve(interview, editor, bodies):
    """Approve a revision of `interview` whose answers say `bodies` ({question: text})."""
    revision = Revision.start_from(interview)
    for answer in revision.answers.all():
        if answer.question in bodies:
            answer.body = bodies[answer.question]
            answer.save()
    revision.submit()
    services.approve_revision(revision, by=editor)
    return revision


def test_approving_keeps_the_replaced_text_of_each_changed_answer(published, questions, editor):
    revision = approve(published, editor, {questions[0]: "Start with a *simple* model."})

    changed = Answer.objects.get(interview=published, question=questions[0])
    unchanged = Answer.objects.get(interview=published, question=questions[1])
    (version,) = AnswerVersion.objects.all()
    assert version.answer == changed and version.number == 1
    assert version.body == "Start with a *baseline* model."
    assert version.body_html == "<p>Start with a <em>baseline</em> model.</p>"
    assert version.public_from == published.published_at
    assert version.public_until == changed.revised_at
    assert version.replaced_by == revision
    assert unchanged.revised_at is None and not unchanged.versions.exists()
    assert Interview.objects.get(pk=published.pk).revised_at == changed.revised_at


def test_a_second_update_numbers_on_from_the_first(published, questions, editor):
    approve(published, editor, {questions[0]: "Second text."})
    first_update = Answer.objects.get(question=questions[0]).revised_at
    approve(published, editor, {questions[0]: "Third text."})

    versions = list(Answer.objects.get(question=questions[0]).versions.order_by("number"))
    assert [(v.number, v.body) for v in versions] == [
        (1, "Start with a *baseline* model."),
        (2, "Second text."),
    ]
    assert versions[1].public_from == first_update == versions[0].public_until


def test_an_answer_added_by_an_update_has_no_earlier_version(published, questions, editor):
    revision = Revision.start_from(published)
    revision.answers.create(question=questions[2], body="A new answer.")
    revision.submit()
    services.approve_revision(revision, by=editor)

    added = Answer.objects.get(question=questions[2])
    assert added.revised_at is None and not AnswerVersion.objects.exists()
    assert Interview.objects.get(pk=published.pk).revised_at is None


def test_the_answer_page_says_updated_and_links_its_versions(client, published, questions, editor):
    answer = Answer.objects.get(question=questions[0])
    assert "Updated on" not in client.get(answer.get_absolute_url()).content.decode()

    approve(published, editor, {questions[0]: "Start with a *simple* model."})
    answer.refresh_from_db()

    html = client.get(answer.get_absolute_url()).content.decode()
    when = timezone.localtime(answer.revised_at).replace(microsecond=0).isoformat()
    assert f'Updated on <time datetime="{when}">' in html
    assert f'href="{answer.get_absolute_url()}versions/"' in html


def test_the_versions_page_lists_every_version_and_points_search_engines_away(
    client, published, questions, editor
):
    approve(published, editor, {questions[0]: "Second text."})
    approve(published, editor, {questions[0]: "Third text."})
    answer = Answer.objects.get(question=questions[0])

    response = client.get(f"{answer.get_absolute_url()}versions/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{answer.get_absolute_url()}versions/1/"' in html
    assert f'href="{answer.get_absolute_url()}versions/2/"' in html
    assert html.index("versions/2/") < html.index("versions/1/")  # newest first
    assert '<meta name="robots" content="noindex, follow">' in html
    assert f'<link rel="canonical" href="http://testserver{answer.get_absolute_url()}">' in html


def test_a_version_page_shows_its_text_and_a_word_diff_against_the_next(
    client, published, questions, editor
):
    approve(published, editor, {questions[0]: "Start with a *simple* model."})
    approve(published, editor, {questions[0]: "Start with a *simple* model, then iterate."})
    answer = Answer.objects.get(question=questions[0])

    first = client.get(f"{answer.get_absolute_url()}versions/1/").content.decode()
    assert "<p>Start with a <em>baseline</em> model.</p>" in first
    diff = re.search(r'<div class="word-diff">(.*?)</div>', first, re.S).group(1)
    assert (
        '<del><span class="visually-hidden">[removed: </span>baseline'
        '<span class="visually-hidden">]</span></del>'
    ) in diff
    assert '<ins><span class="visually-hidden">[added: </span>simple' in diff
    assert "iterate" not in diff  # against version 2, not the current text
    assert '<meta name="robots" content="noindex, follow">' in first
    assert f'<link rel="canonical" href="http://testserver{answer.get_absolute_url()}">' in first

    second = client.get(f"{answer.get_absolute_url()}versions/2/").content.decode()
    diff = re.search(r'<div class="word-diff">(.*?)</div>', second, re.S).group(1)
    assert "[added: </span>, then iterate" in diff  # against the current answer
    assert "the current answer" in second


def test_versions_that_do_not_exist_are_404(client, published, questions, editor):
    answer = Answer.objects.get(question=questions[1])
    assert client.get(f"{answer.get_absolute_url()}versions/").status_code == 404  # never updated
    approve(published, editor, {questions[1]: "Talk to the users first."})
    assert client.get(f"{answer.get_absolute_url()}versions/1/").status_code == 200
    assert client.get(f"{answer.get_absolute_url()}versions/2/").status_code == 404
    assert client.get(f"{answer.get_absolute_url()}versions/0/").status_code == 404


def test_versions_of_a_withdrawn_interview_are_gone_with_it(client, published, questions, editor):
    approve(published, editor, {questions[0]: "Second text."})
    answer = Answer.objects.get(question=questions[0])
    services.withdraw(published, by=editor, note="Asked to")
    assert client.get(f"{answer.get_absolute_url()}versions/1/").status_code in {404, 410}


def test_the_interview_page_lists_its_updates(client, published, questions, editor):
    assert 'id="updates"' not in client.get(published.get_absolute_url()).content.decode()
    approve(published, editor, {questions[0]: "Second text.", questions[1]: "Ask the users."})
    approve(published, editor, {questions[0]: "Third text."})
    interview = Interview.objects.get(pk=published.pk)

    html = client.get(interview.get_absolute_url()).content.decode()
    section = re.search(r'<section class="updates".*?</section>', html, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert len(items) == 2  # two updates, newest first
    slug = interview.mentor.slug
    assert f'href="/mentors/{slug}/{questions[0].slug}/versions/2/"' in items[0]
    assert questions[1].slug not in items[0]
    assert f'href="/mentors/{slug}/{questions[0].slug}/versions/1/"' in items[1]
    assert f'href="/mentors/{slug}/{questions[1].slug}/versions/1/"' in items[1]
    when = timezone.localtime(interview.revised_at).replace(microsecond=0).isoformat()
    assert f'<a href="#updates">Updated on <time datetime="{when}">' in html


# --- Asking a published mentor to revisit questions -------------------------------------


def revisit_url(interview):
    return reverse("admin:interviews_interview_revisit", args=[interview.pk])


def test_the_interview_change_page_offers_to_ask_for_a_revisit(editor_client, published):
    html = editor_client.get(
        reverse("admin:interviews_interview_change", args=[published.pk])
    ).content.decode()
    assert f'href="{revisit_url(published)}"' in html
    assert "Ask the mentor to revisit questions" in html


def test_the_revisit_form_offers_the_questions_with_the_address_and_a_note(
    editor_client, published, questions
):
    response = editor_client.get(revisit_url(published))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{questions[0].pk}"' in html and f'value="{questions[1].pk}"' in html
    assert f"{questions[2].text} (not answered yet)" in html
    assert f"{questions[0].text} (not answered yet)" not in html
    assert 'value="ada@example.com"' in html
    assert "would you answer these differently today?" in html  # the note, editable


def test_asking_to_revisit_sends_an_email_naming_the_questions(
    editor_client, published, questions, mailoutbox
):
    Interview.objects.filter(pk=published.pk).update(
        published_at=timezone.now() - timezone.timedelta(days=2 * 365 + 10)
    )
    response = editor_client.post(
        revisit_url(published),
        {
            "questions": [questions[1].pk],
            "email": "ada@example.com",
            "note": "Two years on: would you answer differently?",
            "days": 30,
        },
    )

    assert response.status_code == 302
    revision = Revision.objects.get()
    assert revision.status == "draft" and revision.asked_at is not None
    assert list(revision.revisit_questions.all()) == [questions[1]]
    assert revision.bodies() == {
        questions[0].pk: published.answers.get(question=questions[0]).body,
        questions[1].pk: "Talk to the users.",
    }
    assert published.events.first().action == "revisit_asked"
    (outgoing,) = OutgoingEmail.objects.filter(kind="revisit")
    assert outgoing.to == "ada@example.com"
    (message,) = mailoutbox
    assert message.subject == "2 years on: would you answer differently?"
    assert f"- {questions[1].text}\n" in message.body
    assert questions[0].text not in message.body
    assert "Two years on: would you answer differently?" in message.body
    invitation = Invitation.objects.get(interview=published)
    assert invitation.link in message.body
    assert invitation.state == Invitation.State.ACTIVE


def test_an_open_revision_is_said_instead_of_starting_a_second(
    editor_client, published, questions, mailoutbox
):
    Revision.start_from(published)  # the mentor is editing already

    page = editor_client.get(revisit_url(published)).content.decode()
    assert "Nothing can be sent now" in page and "not submitted yet" in page
    assert 'type="submit"' not in page.split('id="content-main"')[1]
    response = editor_client.post(
        revisit_url(published),
        {"questions": [questions[0].pk], "email": "ada@example.com", "note": "", "days": 30},
    )
    assert response.status_code == 200
    assert "Nothing can be sent now" in response.content.decode()
    assert Revision.objects.count() == 1 and not mailoutbox

    with pytest.raises(InvalidTransition, match="open edits"):
        services.ask_to_revisit(published, [questions[0]], email="ada@example.com")


def test_a_submitted_revision_is_named_as_waiting_for_review(editor_client, published, questions):
    revision = Revision.start_from(published)
    revision.submit()
    page = editor_client.get(revisit_url(published)).content.decode()
    assert "waiting for review: approve or decline them first" in page


def test_an_imported_interview_without_a_link_gets_one(editor_client, questions, mailoutbox):
    answer = AnswerFactory(question=questions[0], body="Imported text.")
    interview = answer.interview
    assert not Invitation.objects.filter(interview=interview).exists()
    editor_client.post(
        revisit_url(interview),
        {"questions": [questions[0].pk], "email": "imported@example.com", "note": "", "days": 10},
    )
    invitation = Invitation.objects.get(interview=interview)
    assert invitation.email == "imported@example.com"
    assert invitation.link in mailoutbox[0].body


def test_the_form_needs_a_question(editor_client, published):
    response = editor_client.post(
        revisit_url(published), {"email": "ada@example.com", "note": "", "days": 30}
    )
    assert response.status_code == 200
    assert "Choose at least one question to revisit." in response.content.decode()
    assert not Revision.objects.exists()


def test_the_mentor_form_opens_on_the_questions_to_revisit_then_the_rest(
    client, published, questions, editor
):
    services.ask_to_revisit(published, [questions[1]], email="ada@example.com", by=editor)
    url = f"/submit/{Invitation.objects.get(interview=published).token}/"

    html = client.get(url).content.decode()
    revisit = html.index('<fieldset class="fieldset--revisit"')
    others = html.index("<legend>Your other answers</legend>")
    assert "they come first below" in html
    assert revisit < html.index(f'name="{AnswersForm.field_name(questions[1])}"') < others
    assert others < html.index(f'name="{AnswersForm.field_name(questions[0])}"')
    assert others < html.index(f'name="{AnswersForm.field_name(questions[2])}"')  # still reachable


def test_a_revisited_answer_goes_through_review_and_keeps_its_earlier_version(
    client, editor_client, published, questions, editor, settings
):
    settings.MENTOR_MIN_ANSWERS = 1
    services.ask_to_revisit(published, [questions[1]], email="ada@example.com", by=editor)
    url = f"/submit/{Invitation.objects.get(interview=published).token}/"
    data = {
        "name": "Ada Example",
        "license": "cc-by-4.0",
        "action": "submit",
        AnswersForm.field_name(questions[0]): "Start with a *baseline* model.",
        AnswersForm.field_name(questions[1]): "Talk to the users, every week.",
    }
    assert client.post(url, data).status_code == 302
    revision = Revision.objects.get()
    assert revision.status == "submitted"
    answer = Answer.objects.get(question=questions[1])
    assert answer.body == "Talk to the users."  # not live before review

    review = reverse("admin:interviews_interview_revision", args=[published.pk])
    page = editor_client.get(review).content.decode()
    assert f"to revisit: {questions[1].title}." in page
    editor_client.post(review, {"decision": "approve", "note": ""})

    answer.refresh_from_db()
    assert answer.body == "Talk to the users, every week."
    (version,) = answer.versions.all()
    assert (version.number, version.body, version.replaced_by) == (
        1,
        "Talk to the users.",
        revision,
    )
    assert not Answer.objects.get(question=questions[0]).versions.exists()  # unchanged
    assert "Updated on" in client.get(answer.get_absolute_url()).content.decode()
