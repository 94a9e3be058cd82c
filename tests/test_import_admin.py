"""The admin's "Import interviews" page: a preview, the editor's decisions, then the import."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.models import Answer, ImportUpload, Interview, Mentor, Question

pytestmark = pytest.mark.django_db

URL = reverse("admin:interviews_interview_import")
GOOD = b"---\nname: Ada Example\n---\n### How do you learn continuously?\n\nPapers.\n"
OLDER = "How do you know your work made a difference?"  # question 11, scored 0.44
UNMATCHED = f"---\nname: Bo Example\n---\n### {OLDER}\n\nRevenue per model.\n".encode()


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/markdown")


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("collection.zip", buffer.getvalue(), content_type="application/zip")


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_the_interview_list_links_to_the_import_page(editor_client):
    response = editor_client.get(reverse("admin:interviews_interview_changelist"))
    assert URL in response.content.decode()
    page = editor_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<input type="file" name="files" accept=".md,.mdx,.markdown,.txt,.zip' in html
    assert '<textarea name="paste"' in html
    assert 'value="preview"' in html and 'value="import"' not in html  # a preview comes first


def test_a_preview_saves_nothing_and_import_saves_it(editor_client, questions):
    response = editor_client.post(
        URL,
        {
            "files": [
                upload("ada.md", GOOD),
                upload("latin1.md", "### Café?\n\nOui.\n".encode("latin-1")),
                upload("empty.md", b"Nothing to see.\n"),
            ],
            "publish": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview, nothing saved yet" in html
    assert "ada.md: created: Ada Example" in html
    assert "+ Learning continuously (question 16, similar wording (0.57))" in html
    assert "latin1.md: not UTF-8 text (byte 0xe9 at offset 7)" in html
    assert "empty.md: skipped: no questions: placeholder" in html
    assert "3 files: 1 created, 0 updated, 0 unchanged, 1 skipped, 0 held, 1 failed" in html
    assert not Mentor.objects.exists()

    staged = hidden(html, "upload")
    response = editor_client.post(URL, {"upload": staged, "publish": "on", "action": "import"})
    html = response.content.decode()
    assert "Imported: 3 files: 1 created" in html
    assert Interview.objects.get().status == Interview.Status.PUBLISHED
    assert not ImportUpload.objects.exists()  # the staged files are gone once imported


def test_an_unmatched_question_is_the_editors_decision_and_is_remembered(editor_client, questions):
    response = editor_client.post(URL, {"files": [upload("bo.md", UNMATCHED)]})
    html = response.content.decode()
    assert "bo.md: held until every question is placed" in html
    assert f"“{OLDER}”" in html
    # The nearest standard questions come first in the choice, with their scores.
    nearest = html.index('<optgroup label="Nearest">')
    assert html.index("11. Quantifying impact (score 0.44)", nearest) < html.index("Other standard")
    assert "Keep as a follow-up" in html
    staged = hidden(html, "upload")

    # Import without deciding: nothing is saved, and the page says why.
    response = editor_client.post(
        URL, {"upload": staged, "action": "import", "wording-1": OLDER, "question-1": ""}
    )
    assert "Place every question below before importing" in response.content.decode()
    assert not Mentor.objects.exists()

    response = editor_client.post(
        URL,
        {
            "upload": staged,
            "action": "import",
            "wording-1": OLDER,
            "question-1": "quantifying-impact",
        },
    )
    assert "Imported: 1 file: 1 created" in response.content.decode()
    impact = Question.objects.get(slug="quantifying-impact")
    assert OLDER in impact.alternative_texts
    assert Answer.objects.get(interview__mentor__name="Bo Example").question == impact

    # The next file asking it that way matches by itself.
    again = UNMATCHED.replace(b"Bo Example", b"Cy Example")
    response = editor_client.post(URL, {"files": [upload("cy.md", again)]})
    html = response.content.decode()
    assert "question 11, an alternative wording" in html and "0 held" in html

    # The question's page lists the wording with the interviews that used it.
    page = editor_client.get(reverse("admin:interviews_question_change", args=[impact.pk]))
    html = page.content.decode()
    assert OLDER in html  # editable among the alternative wordings
    bo = Interview.objects.get(mentor__name="Bo Example")
    assert (
        f'“{OLDER}”: <a href="/admin/interviews/interview/{bo.pk}/change/">Bo Example</a>' in html
    )


def test_a_decision_stays_on_the_page_when_previewing_again(editor_client, questions):
    staged = hidden(
        editor_client.post(URL, {"files": [upload("bo.md", UNMATCHED)]}).content.decode(), "upload"
    )
    response = editor_client.post(
        URL, {"upload": staged, "action": "preview", "wording-1": OLDER, "question-1": "follow-up"}
    )
    html = response.content.decode()
    assert "follow-up, as the editor decided" in html
    assert '<option value="follow-up" selected>Keep as a follow-up</option>' in html
    assert not Question.objects.filter(is_standard=False).exists()


def test_a_zip_of_a_collection_is_read_whole(editor_client, questions):
    archive = zipped(
        {
            "interviews/ada.md": GOOD,
            "interviews/older/cy.mdx": GOOD.replace(b"Ada", b"Cy"),
            "interviews/.hidden.md": b"ignored",
            "__MACOSX/interviews/._ada.md": b"ignored",
            "interviews/notes.json": b"{}",
        }
    )
    response = editor_client.post(URL, {"files": [archive]})
    html = response.content.decode()
    assert "collection.zip/interviews/ada.md: created" in html
    assert "collection.zip/interviews/older/cy.mdx: created" in html
    assert "2 files: 2 created" in html


def test_a_broken_zip_is_reported(editor_client, questions):
    response = editor_client.post(
        URL, {"files": [SimpleUploadedFile("c.zip", b"not a zip", content_type="application/zip")]}
    )
    assert "c.zip: not a zip file that can be read" in response.content.decode()


PASTED = """A conversation with Bo about shipping forecasts.

How do you spend your time day-to-day?

Reading ‘papers’ and writing code.

“How do you learn continuously?”

A reading group.

More articles about machine learning

As an Amazon Associate we earn from qualifying purchases.
"""


def test_pasted_text_shows_where_it_goes_and_is_cut_where_the_editor_says(editor_client, questions):
    response = editor_client.post(URL, {"paste": PASTED, "mentor": "Bo Example"})
    html = response.content.decode()
    assert "<td>left out: before the start</td><td>A conversation with Bo" in html
    assert "<td>question 1</td><td>How do you spend your time day-to-day?</td>" in html
    assert "<td>left out: after the end</td><td>More articles about machine learning</td>" in html
    assert '<option value="2" selected>¶ 2: How do you spend' in html
    assert '<option value="5" selected>¶ 5: A reading group.' in html
    assert PASTED.splitlines()[0] in html  # the textarea keeps what was pasted

    response = editor_client.post(
        URL,
        {
            "paste": PASTED,
            "mentor": "Bo Example",
            "paste_start": "1",
            "paste_end": "5",
            "action": "import",
        },
    )
    assert "Imported: 1 file: 1 created" in response.content.decode()
    interview = Interview.objects.get(mentor__name="Bo Example")
    assert interview.intro == "A conversation with Bo about shipping forecasts."
    learning = interview.answers.get(question__slug="continuous-learning")
    assert learning.body == "A reading group."  # the footer stayed out


def test_a_paste_and_files_at_once_is_a_form_error_that_keeps_the_paste(editor_client, questions):
    response = editor_client.post(URL, {"paste": PASTED, "files": [upload("ada.md", GOOD)]})
    html = response.content.decode()
    assert "Paste one interview or upload files" in html
    assert "A conversation with Bo about shipping forecasts." in html
    assert not Mentor.objects.exists()


def test_mentor_and_role_for_a_file_without_front_matter(editor_client, questions):
    data = b"How do you spend your time day-to-day?\n\nReading.\n"
    response = editor_client.post(
        URL, {"files": [upload("email.txt", data)], "mentor": "Bo Example", "role": "ML Lead"}
    )
    staged = hidden(response.content.decode(), "upload")
    editor_client.post(
        URL, {"upload": staged, "mentor": "Bo Example", "role": "ML Lead", "action": "import"}
    )
    mentor = Mentor.objects.get()
    assert (mentor.name, mentor.role) == ("Bo Example", "ML Lead")


def test_a_mentor_name_with_several_files_is_a_form_error(editor_client, questions):
    response = editor_client.post(
        URL, {"files": [upload("a.md", GOOD), upload("b.md", GOOD)], "mentor": "Bo Example"}
    )
    assert response.status_code == 200
    assert "A mentor&#x27;s name is for one file" in response.content.decode()
    assert not Mentor.objects.exists()


def test_nothing_to_import_is_a_form_error(editor_client):
    response = editor_client.post(URL, {})
    assert response.status_code == 200
    assert "Upload files or paste an interview." in response.content.decode()


def test_another_editors_upload_is_not_theirs_to_import(
    editor_client, questions, django_user_model
):
    other = django_user_model.objects.create_user("o", "o@example.com", "pw", is_staff=True)
    staged = ImportUpload.stage(other, [("ada.md", GOOD)])
    response = editor_client.post(URL, {"upload": staged.pk, "action": "import"})
    assert "The files of that preview are gone" in response.content.decode()
    assert not Mentor.objects.exists()


def test_only_editors_may_import(client, django_user_model):
    assert client.get(URL).status_code == 302  # to the login page
    staff = django_user_model.objects.create_user("s", "s@example.com", "pw", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
