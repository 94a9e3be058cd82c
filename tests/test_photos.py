from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from interviews.forms import AnswersForm
from interviews.models import Mentor
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
def test_photo_uploaded_through_the_form_is_stored_clean(client, questions, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
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
    with Image.open(mentor.photo.path) as stored:
        assert stored.size == (800, 800) and stored.format == "PNG"


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
