"""The mentor's answer form behind `/submit/<token>/`."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from interviews.forms import AnswersForm
from interviews.models import Answer, Interview, Invitation, Mentor
from interviews.services import DraftWorkspace
from tests.factories import invitation_with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited():
    invitation, token = invitation_with_token(name="Ada Example", email="ada@example.com")
    return invitation, token, f"/submit/{token}/"


def form_data(questions, answers=None, **profile):
    """POST data for the form: profile fields plus `answers` {index: text}."""
    data = {
        "name": "Ada Example",
        "role": "Principal Data Scientist",
        "company": "Example Corp",
        "bio": "Builds models.",
        "website": "https://example.com/ada",
        "linkedin": "",
        "github": "",
        "x": "",
        "photo_credit": "",
        "license": "cc-by-4.0",
        **profile,
    }
    for index, question in enumerate(questions):
        data[AnswersForm.field_name(question)] = (answers or {}).get(index, "")
    return data


def test_the_form_lists_profile_then_every_active_standard_question_in_order(
    client, invited, questions
):
    questions[3].help_text = "Think of a recent project."
    questions[3].save()
    questions[15].is_active = False
    questions[15].save()
    _, _, url = invited

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('name="name"') < html.index('name="answer-role-and-work"')
    positions = [html.index(f'name="{AnswersForm.field_name(q)}"') for q in questions[:15]]
    assert positions == sorted(positions)
    assert AnswersForm.field_name(questions[15]) not in html  # retired
    assert "Think of a recent project." in html
    assert 'name="action" value="save"' in html and 'name="action" value="submit"' in html
    assert "noindex" in html


def test_save_draft_then_reopen_in_a_fresh_client_shows_everything(client, invited, questions):
    invitation, _, url = invited
    data = form_data(questions, {0: "I build *forecasts*.", 4: "I sit with dispatchers."})

    response = client.post(url, {**data, "action": "save"})

    assert response.status_code == 302 and response["Location"] == url
    saved = client.get(url).content.decode()
    assert "Your draft is saved" in saved
    interview = Interview.objects.get(pk=invitation.interview.pk)
    assert interview.status == Interview.Status.DRAFT
    assert interview.draft_saved_at is not None
    assert dict(interview.answers.values_list("question__position", "body")) == {
        1: "I build *forecasts*.",
        5: "I sit with dispatchers.",
    }
    # Another device: no cookies, same link.
    other_device = Client().get(url).content.decode()
    assert "I build *forecasts*." in other_device and "I sit with dispatchers." in other_device
    assert "Principal Data Scientist" in other_device
    assert "Last saved:" in other_device


def test_clearing_an_answer_removes_it(client, invited, questions):
    invitation, _, url = invited
    client.post(url, {**form_data(questions, {0: "one", 1: "two"}), "action": "save"})
    client.post(url, {**form_data(questions, {0: "one"}), "action": "save"})
    assert list(invitation.interview.answers.values_list("body", flat=True)) == ["one"]


def test_submit_needs_the_minimum_number_of_answers(client, invited, questions, settings):
    settings.MENTOR_MIN_ANSWERS = 5
    invitation, _, url = invited
    data = form_data(questions, {0: "a", 1: "b", 2: "c"})

    response = client.post(url, {**data, "action": "submit"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "please answer at least 5 questions: you have answered 3" in html
    assert ">\na</textarea>" in html and ">\nc</textarea>" in html  # everything typed is back
    assert Interview.objects.get(pk=invitation.interview.pk).status == Interview.Status.DRAFT
    assert not Answer.objects.exists()  # a refused submit saves nothing


def test_submit_emails_editors_and_mentor_and_then_shows_read_only(
    client, invited, questions, settings, mailoutbox
):
    settings.EDITOR_EMAILS = ["ed1@example.com", "ed2@example.com"]
    settings.SITE_URL = "https://applyingml.example"
    settings.MENTOR_MIN_ANSWERS = 2
    invitation, token, url = invited

    response = client.post(
        url, {**form_data(questions, {0: "First", 6: "Seventh"}), "action": "submit"}
    )

    assert response.status_code == 302 and response["Location"] == f"{url}thanks/"
    thanks = client.get(response["Location"])
    assert "Thank you, Ada Example" in thanks.content.decode()
    interview = Interview.objects.get(pk=invitation.interview.pk)
    assert interview.status == Interview.Status.SUBMITTED and interview.submitted_at
    # One message per editor: each is delivered, retried and shown in the outbox on its own.
    *editors, mentor = mailoutbox
    assert [e.to for e in editors] == [["ed1@example.com"], ["ed2@example.com"]]
    for message in editors:
        assert (
            f"https://applyingml.example/admin/interviews/interview/{interview.pk}/change/"
            in message.body
        )
    assert mentor.to == ["ada@example.com"]
    assert f"https://applyingml.example/submit/{token}/" in mentor.body

    reopened = client.get(url)
    html = reopened.content.decode()
    assert reopened.status_code == 200
    assert "An editor is reviewing them" in html
    assert "<textarea" not in html and "First" in html and "Seventh" in html
    # And posting again changes nothing.
    client.post(url, {**form_data(questions, {0: "Changed"}), "action": "save"})
    assert Answer.objects.get(question=questions[0]).body == "First"


def test_too_long_answers_and_profile_fields_are_refused_with_everything_kept(
    client, invited, questions, settings
):
    settings.MENTOR_ANSWER_MAX_LENGTH = 100
    _, _, url = invited
    data = form_data(
        questions,
        {0: "x" * 101, 1: "Keep this answer"},
        name="N" * 121,
        website="javascript:alert(1)",
    )

    response = client.post(url, {**data, "action": "save"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "longer than the limit of 100 characters (it has 101)" in html
    assert "Ensure this value has at most 120 characters" in html
    assert "starting with https:// or http://" in html
    assert "Keep this answer" in html and "x" * 101 in html
    assert 'aria-invalid="true"' in html and ' id_answer-role-and-work-errors"' in html
    assert 'maxlength="100"' not in html  # browsers would silently cut pasted text
    assert not Answer.objects.exists()


def test_preview_renders_sanitized_markdown_without_saving(client, invited, questions):
    _, _, url = invited
    data = form_data(
        questions, {0: "Use **baselines** <script>alert(1)</script> [x](javascript:alert(1))"}
    )

    response = client.post(url, {**data, "action": "preview"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>baselines</strong>" in html
    assert (
        "<script>alert(1)</script>" not in html.split('id="preview-heading"')[1].split("<form")[0]
    )
    assert 'href="javascript' not in html.split('id="preview-heading"')[1].split("<form")[0]
    assert not Answer.objects.exists()


def test_hostile_markdown_is_stored_but_rendered_harmless(client, invited, questions):
    _, _, url = invited
    hostile = '<img src=x onerror="alert(1)"> <script>steal()</script> [x](javascript:alert(1))'
    client.post(url, {**form_data(questions, {0: hostile}), "action": "save"})
    answer = Answer.objects.get()
    assert answer.body == hostile  # the mentor's text, unchanged
    assert "onerror" not in answer.body_html and "<script" not in answer.body_html
    assert 'href="javascript' not in answer.body_html  # CommonMark leaves it as text


def test_autosave_saves_and_reports_when(client, invited, questions):
    _, _, url = invited
    response = client.post(f"{url}autosave/", form_data(questions, {2: "Typed so far"}))
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["message"].startswith("Saved at")
    assert Answer.objects.get().body == "Typed so far"


def test_autosave_explains_failures_in_json(client, invited, questions, settings):
    invitation, _, url = invited
    settings.MENTOR_ANSWER_MAX_LENGTH = 5
    too_long = client.post(f"{url}autosave/", form_data(questions, {0: "123456"}))
    assert too_long.status_code == 400 and too_long.json()["saved"] is False
    assert "answer-role-and-work" in too_long.json()["errors"]

    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired = client.post(f"{url}autosave/", form_data(questions, {0: "1"}))
    assert expired.status_code == 410
    assert "kept in this browser" in expired.json()["error"]


def test_live_preview_renders_and_sanitizes_without_saving(client, invited, questions):
    _, _, url = invited
    text = "I build **forecasts**.\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1))"
    response = client.post(f"{url}preview/", {"text": text})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<strong>forecasts</strong>" in html
    assert "onerror" not in html and 'href="javascript' not in html
    assert not Answer.objects.exists()


def test_live_preview_refuses_what_the_form_would(invited, questions, settings):
    invitation, _, url = invited
    settings.MENTOR_ANSWER_MAX_LENGTH = 5
    client = Client()
    assert client.post(f"{url}preview/", {"text": "123456"}).status_code == 400
    assert client.get(f"{url}preview/").status_code == 405

    # Like every form post, it needs the page's CSRF token.
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"{url}preview/", {"text": "1"}).status_code == 403

    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired = client.post(f"{url}preview/", {"text": "1"})
    assert expired.status_code == 410 and "no preview" in expired.json()["error"]


def test_link_that_expired_while_typing_hands_back_the_text(client, invited, questions):
    invitation, _, url = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = client.post(
        url, {**form_data(questions, {3: "An hour of careful writing"}), "action": "save"}
    )

    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has expired" in html
    assert "An hour of careful writing" in html
    assert not Answer.objects.exists()


def test_csrf_failure_hands_back_the_text_with_a_fresh_form(invited, questions):
    _, _, url = invited
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(url, {**form_data(questions, {0: "Do not lose me"}), "action": "save"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Your answers were not saved yet" in html
    assert "Do not lose me" in html
    assert 'name="csrfmiddlewaretoken"' in html and "Send again" in html
    assert 'name="answer-role-and-work"' in html  # posts back under the same names


def test_database_down_during_save_says_so_and_keeps_the_text(client, invited, questions):
    _, _, url = invited
    with mock.patch.object(DraftWorkspace, "save", side_effect=OperationalError("down")):
        response = client.post(url, {**form_data(questions, {0: "Still here"}), "action": "save"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "Your answers were not saved" in html and "Still here" in html


def test_oversized_requests_get_a_friendly_413(client, invited, settings):
    _, _, url = invited
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post(url, {"name": "x" * 2000, "action": "save"})
    assert response.status_code == 413
    assert "too large to send" in response.content.decode()


def test_body_over_the_memory_limit_is_a_413_not_a_400(client, invited, settings):
    _, _, url = invited
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(url, {"name": "x" * 2000, "action": "save"})
    assert response.status_code == 413


def test_mentor_profile_is_saved_from_the_form(client, invited, questions):
    invitation, _, url = invited
    client.post(
        url,
        {
            **form_data(questions, {0: "x"}, name="Ada L.", github="https://github.com/ada"),
            "action": "save",
        },
    )
    mentor = Mentor.objects.get(pk=invitation.interview.mentor.pk)
    assert (mentor.name, mentor.github, mentor.role) == (
        "Ada L.",
        "https://github.com/ada",
        "Principal Data Scientist",
    )
