"""Mentors' photos: checked by content, resized, stripped, and deleted when no longer used."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from interviews import services
from interviews.forms import AnswersForm
from interviews.models import Mentor, Revision
from interviews.photos import process_photo
from tests.factories import invitation_with_token


def image_file(name="photo.jpg", size=(2000, 1500), image_format="JPEG", exif=True):
    image = Image.new("RGB", size, (200, 120, 40))
    out = BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0131] = "Editing software"  # Software
        options["exif"] = data.tobytes()
    image.save(out, format=image_format, **options)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{image_format.lower()}")


def test_valid_photo_is_resized_and_stripped_of_metadata(settings):
    settings.PHOTO_MAX_SIDE = 800
    upload = image_file()
    assert Image.open(BytesIO(upload.read())).getexif()  # the original has EXIF

    cleaned = process_photo(upload, basename="ada")

    image = Image.open(BytesIO(cleaned.read()))
    assert image.format == "JPEG"
    assert max(image.size) == 800 and image.size == (800, 600)
    assert not image.getexif()
    assert cleaned.name == "ada.jpg"


@pytest.mark.parametrize("image_format, extension", [("PNG", "png"), ("WEBP", "webp")])
def test_png_and_webp_keep_their_format(image_format, extension):
    cleaned = process_photo(image_file(f"p.{extension}", (300, 300), image_format, exif=False))
    assert Image.open(BytesIO(cleaned.read())).format == image_format
    assert cleaned.name.endswith(f".{extension}")


def test_a_non_image_named_png_is_refused():
    fake = SimpleUploadedFile(
        "photo.png", b"#!/bin/sh\necho not an image\n", content_type="image/png"
    )
    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP image"):
        process_photo(fake)


def test_other_image_formats_are_refused_whatever_their_name():
    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP image"):
        process_photo(image_file("photo.jpg", (50, 50), "GIF", exif=False))


def test_photos_over_the_size_limit_are_refused(settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="the limit is 1000"):
        process_photo(image_file())


@pytest.mark.django_db
def test_photo_uploaded_through_the_form_is_stored_clean(client, questions, stored_media):
    invitation, token = invitation_with_token(name="Ada Example")
    data = {
        "name": "Ada Example",
        "action": "save",
        "photo": image_file("holiday.png", (1600, 1600), "PNG"),
    }
    data.update({AnswersForm.field_name(q): "" for q in questions})

    response = client.post(f"/submit/{token}/", data)

    assert response.status_code == 302
    mentor = Mentor.objects.get(pk=invitation.interview.mentor.pk)
    assert mentor.photo.name.startswith("mentors/ada-example")
    assert stored_media.names() == [mentor.photo.name]
    # What a reader's browser gets at the photo's public address: the resized file.
    status, body, content_type = stored_media.get(mentor.photo.url)
    assert status == 200 and content_type == "image/png"
    with Image.open(BytesIO(body)) as stored:
        assert stored.size == (800, 800) and stored.format == "PNG"
        assert not stored.info.get("exif")


@pytest.mark.django_db
def test_non_image_upload_through_the_form_is_refused_and_text_kept(client, questions):
    _, token = invitation_with_token()
    data = {
        "name": "Ada Example",
        "action": "save",
        "photo": SimpleUploadedFile("me.png", b"not an image"),
    }
    data.update({AnswersForm.field_name(q): "" for q in questions})
    data[AnswersForm.field_name(questions[0])] = "Keep this"

    response = client.post(f"/submit/{token}/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "not a JPEG, PNG or WebP image" in html
    assert "Keep this" in html


# --- Files that are no longer anyone's photo are deleted ---------------------------


def served(stored_media, url):
    return stored_media.get(url)[0]


def save_profile(client, token, questions, answers=None, **extra):
    data = {"name": "Ada Example", "action": extra.pop("action", "save"), "license": "cc-by-4.0"}
    data.update(extra)
    data.update(
        {AnswersForm.field_name(q): (answers or {}).get(i, "") for i, q in enumerate(questions)}
    )
    response = client.post(f"/submit/{token}/", data)
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.mark.django_db
def test_a_replaced_or_removed_photo_is_no_longer_served(
    client, questions, stored_media, django_capture_on_commit_callbacks
):
    invitation, token = invitation_with_token(name="Ada Example")
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, token, questions, photo=image_file("one.jpg"))
    first = Mentor.objects.get(pk=invitation.interview.mentor.pk).photo.url
    assert served(stored_media, first) == 200

    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, token, questions, photo=image_file("two.jpg"))
    second = Mentor.objects.get(pk=invitation.interview.mentor.pk).photo.url
    assert served(stored_media, first) == 404
    assert served(stored_media, second) == 200

    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, token, questions, remove_photo="on")
    assert Mentor.objects.get(pk=invitation.interview.mentor.pk).photo.name == ""
    assert served(stored_media, second) == 404
    assert stored_media.names("mentors/") == []


@pytest.mark.django_db
def test_a_revisions_photo_replaces_the_old_one_or_goes_when_declined(
    client, questions, stored_media, editor, settings, django_capture_on_commit_callbacks
):
    settings.MENTOR_MIN_ANSWERS = 1
    invitation, token = invitation_with_token(name="Ada Example")
    interview = invitation.interview
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, token, questions, {0: "An answer."}, photo=image_file("old.jpg"))
    interview.refresh_from_db()
    interview.submit()
    services.publish(interview, by=editor)
    old = interview.mentor.photo.url

    # A new photo in edits after publishing, approved: the old file goes, the new one is served.
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, token, questions, {0: "An answer."}, photo=image_file("new.jpg"))
        save_profile(client, token, questions, {0: "An answer."}, action="submit")
    revision = Revision.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_revision(revision, by=editor)
    new = Mentor.objects.get(pk=interview.mentor.pk).photo.url
    assert new != old
    assert served(stored_media, old) == 404 and served(stored_media, new) == 200
    assert Revision.objects.get().photo.name == ""  # the file is the mentor's now

    # Another, declined: its file goes, the mentor's stays.
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, token, questions, {0: "An answer."}, photo=image_file("other.jpg"))
        save_profile(client, token, questions, {0: "An answer."}, action="submit")
    declined = Revision.objects.get(status=Revision.Status.SUBMITTED)
    proposed = declined.photo.url
    assert served(stored_media, proposed) == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_revision(declined, by=editor, note="Keep the old one")
    assert served(stored_media, proposed) == 404
    assert served(stored_media, new) == 200
    assert stored_media.names("mentors/") == [Mentor.objects.get(pk=interview.mentor.pk).photo.name]
