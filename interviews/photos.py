"""Mentor photos: checked by content, scaled down, stripped of metadata."""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's format name -> the extension we store.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 50_000_000  # refuse decompression bombs long before Pillow's own limit
NOT_AN_IMAGE = (
    "This file is not a JPEG, PNG or WebP image. Please choose a photo in one of those formats."
)


def process_photo(upload, basename="photo"):
    """Validate an uploaded photo and return a cleaned ContentFile.

    The file's name is ignored: Pillow reads the content to find the format.
    Re-encoding drops EXIF, GPS and other metadata; orientation is applied first.
    """
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            f"This photo is {filesizeformat(upload.size)}; the limit is "
            f"{filesizeformat(settings.PHOTO_MAX_BYTES)}. Please choose a smaller one."
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(NOT_AN_IMAGE)
        if width * height > MAX_PIXELS:
            raise ValidationError("This photo has too many pixels. Please choose a smaller one.")
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(NOT_AN_IMAGE) from None

    side = settings.PHOTO_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = BytesIO()
    options = {"quality": 85} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    # No exif=, icc_profile= or pnginfo=: the saved file carries pixels only.
    image.save(out, format=image_format, **options)
    return ContentFile(out.getvalue(), name=f"{basename}.{ALLOWED_FORMATS[image_format]}")
