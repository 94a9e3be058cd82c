"""Files an editor uploaded to the admin's import page, kept between preview and import."""

import base64
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

KEPT_FOR = timedelta(days=1)  # an editor who walks away comes back to upload again


class ImportUpload(models.Model):
    """The uploaded files of one import preview.

    A file input cannot be filled in again, so the files an editor previewed
    wait here while they decide the questions the matcher could not place;
    "Import" reads them back from this row and deletes it. In the database
    rather than on disk, so that any web process can finish what another began.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # [{"name": ..., "data": base64 of the bytes}] as uploaded (a file that
    # is not UTF-8 is the importer's to report), or {"name": ..., "error": ...}
    # for a file that could not be read (a broken zip member).
    files = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import upload #{self.pk}"

    @classmethod
    def stage(cls, user, sources):
        """Keep (name, bytes or an exception) pairs for `user`; forget old uploads."""
        cls.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
        files = [
            {"name": name, "error": str(data)}
            if isinstance(data, Exception)
            else {"name": name, "data": base64.b64encode(data).decode("ascii")}
            for name, data in sources
        ]
        return cls.objects.create(uploaded_by=user, files=files)

    def sources(self):
        """(name, bytes, "") for each file, or (name, None, why it could not be read)."""
        return [
            (item["name"], None, item["error"])
            if "error" in item
            else (item["name"], base64.b64decode(item["data"]), "")
            for item in self.files
        ]

    @property
    def names(self):
        return [item["name"] for item in self.files]
