"""The licence each mentor chooses for their interview, and where readers see it."""

import io
import json
import re
from textwrap import dedent

import pytest
from django.core.management import call_command

from interviews import services
from interviews.models import Interview, Revision
from interviews.models.enums import License
from tests.factories import AnswerFactory, PublishedInterviewFactory, invitation_with_token
from tests.test_metadata import head
from tests.test_submission import form_data

pytestmark = pytest.mark.django_db

CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture
def invited(questions, settings):
    settings.MENTOR_MIN_ANSWERS = 1
    invitation, token = invitation_with_token(email="ada@example.com")
    return invitation.interview, f"/submit/{token}/"


def test_the_form_offers_both_licences_with_none_preselected(client, invited):
    _, url = invited
    html = client.get(url).content.decode()
    radios = re.findall(r'<input type="radio" name="license"[^>]*>', html)
    assert [re.search(r'value="([^"]+)"', r).group(1) for r in radios] == License.values
    assert not any("checked" in radio for radio in radios)
    assert "How may others reuse your interview?" in html


def test_a_draft_saves_without_a_licence_but_submitting_needs_one_and_keeps_the_text(
    client, invited, questions
):
    interview, url = invited
    data = {**form_data(questions, {0: "My first answer."}), "license": ""}

    saved = client.post(url, {**data, "action": "save"})
    assert saved.status_code == 302
    assert Interview.objects.get(pk=interview.pk).license == ""

    refused = client.post(url, {**data, "action": "submit"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "Please choose how others may reuse your interview." in html
    assert "My first answer." in html
    assert Interview.objects.get(pk=interview.pk).status == Interview.Status.DRAFT

    accepted = client.post(url, {**data, "license": "cc-by-4.0", "action": "submit"})
    assert accepted.status_code == 302
    interview.refresh_from_db()
    assert interview.status == Interview.Status.SUBMITTED and interview.license == "cc-by-4.0"


def test_a_made_up_licence_is_refused(client, invited, questions):
    _, url = invited
    data = {**form_data(questions, {0: "Words."}), "license": "public-domain", "action": "save"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_published_mentor_changes_the_licence_through_a_reviewed_revision(
    client, invited, questions, editor
):
    interview, url = invited
    client.post(
        url,
        {
            **form_data(questions, {0: "Words."}),
            "license": "all-rights-reserved",
            "action": "submit",
        },
    )
    services.publish(interview, by=editor)

    response = client.post(
        url, {**form_data(questions, {0: "Words."}), "license": "cc-by-4.0", "action": "submit"}
    )
    assert response.status_code == 302
    revision = Revision.objects.get(interview=interview)
    assert revision.license == "cc-by-4.0"
    interview.refresh_from_db()
    assert interview.license == "all-rights-reserved"  # until an editor approves
    assert [row.label for row in revision.changes()] == ["Licence"]

    services.approve_revision(revision, by=editor)
    interview.refresh_from_db()
    assert interview.license == "cc-by-4.0"


def test_the_interview_page_its_json_ld_and_the_answer_page_state_the_licence(
    client, questions, settings
):
    interview = PublishedInterviewFactory(license=License.CC_BY)
    answer = AnswerFactory(interview=interview, question=questions[0])
    closed = PublishedInterviewFactory(license=License.ALL_RIGHTS_RESERVED)
    AnswerFactory(interview=closed, question=questions[0])

    html = client.get(interview.get_absolute_url()).content.decode()
    assert f'<a rel="license" href="{CC_BY_URL}">CC BY 4.0</a>' in html
    page = head(client, interview.get_absolute_url())
    assert json.loads(page.json_ld[0])["license"] == CC_BY_URL
    assert (
        f'rel="license" href="{CC_BY_URL}"'
        in client.get(answer.get_absolute_url()).content.decode()
    )

    closed_html = client.get(closed.get_absolute_url()).content.decode()
    arr_url = f"{settings.SITE_URL}/data/#all-rights-reserved"
    assert f'<a rel="license" href="{arr_url}">All rights reserved</a>' in closed_html
    question_ld = json.loads(head(client, questions[0].get_absolute_url()).json_ld[0])
    licences = {a["license"] for a in question_ld["mainEntity"]["suggestedAnswer"]}
    assert licences == {CC_BY_URL, arr_url}


def test_feed_entries_carry_the_licence(client, questions):
    interview = PublishedInterviewFactory(license=License.CC_BY)
    AnswerFactory(interview=interview, question=questions[0])

    for url in ("/feed/", f"{questions[0].get_absolute_url()}feed/"):
        feed = client.get(url).content.decode()
        assert f'<link href="{CC_BY_URL}" rel="license"' in feed
        assert "<rights>" in feed and f"CC BY 4.0: {CC_BY_URL}</rights>" in feed


def import_file(tmp_path, license_line):
    path = tmp_path / "ada.md"
    path.write_text(
        dedent(
            f"""\
            ---
            name: Ada Licensed
            {license_line}
            ---

            ### How do you spend your time day-to-day?

            Reading and writing.
            """
        )
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_interviews", str(path), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.mark.parametrize(
    "line, expected",
    [
        ("license: CC BY 4.0", "cc-by-4.0"),
        ("licence: cc-by-4.0", "cc-by-4.0"),
        ("license: All rights reserved", "all-rights-reserved"),
        ("", "all-rights-reserved"),
    ],
)
def test_imports_read_the_license_key_and_default_to_all_rights_reserved(
    questions, tmp_path, line, expected
):
    import_file(tmp_path, line)
    assert Interview.objects.get(mentor__name="Ada Licensed").license == expected


def test_an_unknown_license_in_a_file_is_reported_with_the_file(questions, tmp_path):
    with pytest.raises(Exception) as failure:
        import_file(tmp_path, "license: GPL")
    assert "ada.md" in str(failure.value) or "ada.md" in getattr(failure.value, "args", [""])[0]
    assert not Interview.objects.filter(mentor__name="Ada Licensed").exists()
