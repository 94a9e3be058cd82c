"""The admin's "Import interviews" page: the command's options and report, for uploads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.models import Interview, Mentor

pytestmark = pytest.mark.django_db

URL = reverse("admin:interviews_interview_import")
GOOD = b"---\nname: Ada Example\n---\n### How do you learn continuously?\n\nPapers.\n"


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/markdown")


def test_the_interview_list_links_to_the_import_page(editor_client):
    response = editor_client.get(reverse("admin:interviews_interview_changelist"))
    assert URL in response.content.decode()
    page = editor_client.get(URL)
    assert page.status_code == 200
    assert b'<input type="file" name="files" accept=".md,.markdown,.txt' in page.content
    assert b" multiple required " in page.content


def test_uploaded_files_are_imported_and_bad_ones_reported(editor_client, questions):
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

    assert response.status_code == 200
    html = response.content.decode()
    assert "ada.md: created: Ada Example" in html
    assert "+ Learning continuously (question 16, similar wording (0.57))" in html
    assert "latin1.md: not UTF-8 text (byte 0xe9 at offset 7)" in html
    assert "empty.md: no questions found" in html
    assert "3 files: 1 created, 0 updated, 0 unchanged, 2 failed" in html
    assert Interview.objects.get().status == Interview.Status.PUBLISHED


def test_dry_run_saves_nothing(editor_client, questions):
    response = editor_client.post(URL, {"files": [upload("ada.md", GOOD)], "dry_run": "on"})
    assert "Dry run: nothing was saved" in response.content.decode()
    assert not Mentor.objects.exists()


def test_mentor_and_role_for_a_file_without_front_matter(editor_client, questions):
    data = b"How do you spend your time day-to-day?\n\nReading.\n"
    editor_client.post(
        URL, {"files": [upload("email.txt", data)], "mentor": "Bo Example", "role": "ML Lead"}
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


def test_no_files_is_a_form_error(editor_client):
    response = editor_client.post(URL, {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_only_editors_may_import(client, django_user_model):
    assert client.get(URL).status_code == 302  # to the login page
    staff = django_user_model.objects.create_user("s", "s@example.com", "pw", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
