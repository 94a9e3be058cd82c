"""Choices shared by several model modules, in one place that imports none of them.

`Interview.Status` is `InterviewStatus` (so the workflow's transition table
and the interview model name the same values without importing each other).
"""

from django.db import models


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
