"""Choices shared by several model modules, in one place that imports none of them.

`Interview.Status` is `InterviewStatus` (so the workflow's transition table
and the interview model name the same values without importing each other).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse


class InterviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REJECTED = "rejected", "Rejected"


class InterviewSource(models.TextChoices):
    FORM = "form", "Mentor's form"
    IMPORT = "import", "Imported"
    ADMIN = "admin", "Entered by an editor"


class License(models.TextChoices):
    """How a mentor lets others reuse their interview (their choice, on the form).

    An interview with no choice yet (a draft) is shown as all rights reserved:
    `Interview.reuse_license`.
    """

    CC_BY = "cc-by-4.0", "CC BY 4.0: anyone may reuse it, crediting me"
    ALL_RIGHTS_RESERVED = "all-rights-reserved", "All rights reserved: read it here only"

    @property
    def short_name(self):
        return {"cc-by-4.0": "CC BY 4.0", "all-rights-reserved": "All rights reserved"}[self.value]

    @property
    def url(self):
        """The licence's text: Creative Commons' deed, or the site's own note on /data/."""
        if self is License.CC_BY:
            return "https://creativecommons.org/licenses/by/4.0/"
        return f"{settings.SITE_URL}{reverse('interviews:data')}#all-rights-reserved"

    @property
    def spdx(self):
        """The SPDX identifier, or None: all rights reserved is not a licence SPDX names."""
        return "CC-BY-4.0" if self is License.CC_BY else None
