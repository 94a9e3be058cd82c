"""The open dataset: every answer its mentor licensed CC BY 4.0, with its
mentor, question and lessons, as CSV and JSON Lines plus a Frictionless
Data Package (`datapackage.json`) describing every field, the licence and
how to cite it.

`write(directory)` is `manage.py export_dataset DIR`; `publish_latest()`
writes the same files to the default storage under `dataset/`, where
/data/ offers them (the worker runs it after a publish, withdraw or
approved edit: tasks.rebuild_dataset). Nothing all-rights-reserved is read:
`licensed_answers()` is the one rule.
"""

import csv
import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .links import slug_url
from .models import Answer, Lesson, Mentor, Question, last_public_change
from .models.enums import License

STORAGE_DIR = "dataset"
LICENSE = License.CC_BY
CHUNK = 2000


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    required: bool = False

    def descriptor(self):
        field = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "array":
            # In the CSV an array is one cell, its items separated by "; ".
            field = {
                **field,
                "type": "string",
                "description": f"{self.description} (CSV: "
                "items separated by “; ”; JSON Lines: a list).",
            }
        if self.required:
            field["constraints"] = {"required": True}
        return field


# Every file's columns, in order: the package's schema and /data/'s field list.
TABLES = {
    "answers": [
        Field("id", "integer", "The answer's stable id (the API uses the same).", True),
        Field("mentor", "string", "The mentor's slug: `slug` in mentors.", True),
        Field("question", "string", "The question's slug: `slug` in questions.", True),
        Field(
            "asked_as", "string", "The wording the mentor was asked, when not the question's own."
        ),
        Field("body_markdown", "string", "The answer as the mentor wrote it (Markdown).", True),
        Field("body_text", "string", "The answer as plain text.", True),
        Field("lessons", "array", "Slugs of the lessons editors tagged it with: `slug` in lessons"),
        Field("published_at", "datetime", "When the interview was published (UTC).", True),
        Field("updated_at", "datetime", "When the answer last changed (UTC).", True),
        Field("url", "string", "The answer's page on the site.", True),
        Field("license", "string", "The answer's licence (SPDX identifier).", True),
    ],
    "mentors": [
        Field("slug", "string", "The mentor's stable id, as in their page's address.", True),
        Field("name", "string", "Their name, as they gave it.", True),
        Field("role", "string", "Their job title when interviewed."),
        Field("company", "string", "Where they worked when interviewed."),
        Field("bio", "string", "A few sentences about them, in their words."),
        Field("website", "string", "Their website."),
        Field("linkedin", "string", "Their LinkedIn profile."),
        Field("github", "string", "Their GitHub profile."),
        Field("x", "string", "Their X (Twitter) profile."),
        Field("url", "string", "Their interview's page on the site.", True),
    ],
    "questions": [
        Field("slug", "string", "The question's stable id, as in its page's address.", True),
        Field("position", "integer", "Where it comes in the interview.", True),
        Field("title", "string", "A short title.", True),
        Field("text", "string", "The wording mentors are asked.", True),
        Field(
            "is_standard", "boolean", "Asked of every mentor (else one mentor's follow-up).", True
        ),
        Field("url", "string", "Its page on the site: every answer to it.", True),
    ],
    "lessons": [
        Field("slug", "string", "The lesson's stable id, as in its page's address.", True),
        Field("name", "string", "The lesson, as editors named it.", True),
        Field("answers", "integer", "How many answers in this dataset carry it.", True),
        Field("url", "string", "Its page on the site.", True),
    ],
}
KEYS = {"answers": "id", "mentors": "slug", "questions": "slug", "lessons": "slug"}
FOREIGN_KEYS = {"answers": [("mentor", "mentors", "slug"), ("question", "questions", "slug")]}


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def licensed_answers():
    """Published answers whose mentor chose CC BY: everything the dataset holds."""
    return Answer.objects.published().filter(interview__license=LICENSE)


def _iso(value, timespec="seconds"):
    return value.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def rows():
    """{table: iterator of dicts}, read in chunks so memory stays flat."""
    # Plain values, not model instances, and lesson slugs from the answers' own
    # copy of their lesson ids: at 160,000 answers the rebuild is the worker's
    # biggest job (docs/performance.md has its time and memory).
    answers = (
        licensed_answers()
        .order_by("pk")
        .values_list(
            "pk",
            "interview__mentor_id",
            "interview__mentor__slug",
            "question_id",
            "question__slug",
            "asked_as",
            "body",
            "body_text",
            "lesson_ids",
            "published_at",
            "updated_at",
        )
    )
    lesson_slugs = dict(Lesson.objects.values_list("pk", "slug"))
    lesson_counts = {}
    mentor_ids, question_ids = set(), set()

    def answer_rows():
        for row in answers.iterator(chunk_size=CHUNK):
            pk, mentor_id, mentor, question_id, question, asked_as, body, text = row[:8]
            lesson_ids, published_at, updated_at = row[8:]
            lessons = sorted(lesson_slugs[i] for i in lesson_ids if i in lesson_slugs)
            for slug in lessons:
                lesson_counts[slug] = lesson_counts.get(slug, 0) + 1
            mentor_ids.add(mentor_id)
            question_ids.add(question_id)
            yield {
                "id": pk,
                "mentor": mentor,
                "question": question,
                "asked_as": asked_as,
                "body_markdown": body,
                "body_text": text,
                "lessons": lessons,
                "published_at": _iso(published_at),
                "updated_at": _iso(updated_at),
                "url": absolute(slug_url("interviews:answer-detail", mentor, question)),
                "license": "CC-BY-4.0",
            }

    def mentor_rows():
        for mentor in Mentor.objects.filter(pk__in=mentor_ids).order_by("slug"):
            yield {f.name: getattr(mentor, f.name, "") for f in TABLES["mentors"][:-1]} | {
                "url": absolute(mentor.get_absolute_url())
            }

    def question_rows():
        for question in Question.objects.filter(pk__in=question_ids).order_by("position", "pk"):
            yield {
                "slug": question.slug,
                "position": question.position,
                "title": question.title,
                "text": question.text,
                "is_standard": question.is_standard,
                "url": absolute(question.get_absolute_url()),
            }

    def lesson_rows():
        for lesson in Lesson.objects.filter(slug__in=lesson_counts).order_by("slug"):
            yield {
                "slug": lesson.slug,
                "name": lesson.name,
                "answers": lesson_counts[lesson.slug],
                "url": absolute(lesson.get_absolute_url()),
            }

    # Answers first: the other tables hold what the answers referred to.
    return {
        "answers": answer_rows,
        "mentors": mentor_rows,
        "questions": question_rows,
        "lessons": lesson_rows,
    }


def write(directory):
    """Write the dataset into `directory`: {table: rows written}."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table, make_rows in rows().items():
        names = [f.name for f in TABLES[table]]
        arrays = {f.name for f in TABLES[table] if f.type == "array"}
        count = 0
        with (
            open(directory / f"{table}.csv", "w", newline="", encoding="utf-8") as csv_file,
            open(directory / f"{table}.jsonl", "w", encoding="utf-8") as jsonl_file,
        ):
            writer = csv.DictWriter(csv_file, fieldnames=names)
            writer.writeheader()
            for row in make_rows():
                jsonl_file.write(json.dumps(row, ensure_ascii=False) + "\n")
                writer.writerow({k: "; ".join(v) if k in arrays else v for k, v in row.items()})
                count += 1
        counts[table] = count
    (directory / "datapackage.json").write_text(
        json.dumps(descriptor(counts), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return counts


def citation(year=None):
    year = year or datetime.now(UTC).year
    return (
        f"{settings.SITE_NAME} contributors ({year}). {settings.SITE_NAME}: mentor interviews "
        f"on applying machine learning [Data set]. {absolute('/data/')}"
    )


def descriptor(counts):
    """The Frictionless Data Package describing the files `write()` made."""
    resources = []
    for table, fields in TABLES.items():
        schema = {"fields": [f.descriptor() for f in fields], "primaryKey": [KEYS[table]]}
        if table in FOREIGN_KEYS:
            schema["foreignKeys"] = [
                {"fields": [field], "reference": {"resource": other, "fields": [key]}}
                for field, other, key in FOREIGN_KEYS[table]
            ]
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": f"{counts.get(table, 0)} rows. The same rows as JSON Lines: "
                f"{table}.jsonl.",
                "schema": schema,
            }
        )
    return {
        "name": "applyingml-interviews",
        "title": f"{settings.SITE_NAME}: mentor interviews (CC BY 4.0 answers)",
        "description": "What experienced practitioners have learned about applying machine "
        "learning at work: every answer whose mentor chose CC BY 4.0, with the mentors, the "
        "questions and the lessons editors tagged. Answers under all rights reserved are not "
        "included.",
        "homepage": absolute("/data/"),
        # To the microsecond: is_stale() compares it with the content's last change.
        "created": _iso(datetime.now(UTC), "microseconds"),
        "licenses": [
            {"name": "CC-BY-4.0", "path": LICENSE.url, "title": "Creative Commons Attribution 4.0"}
        ],
        "sources": [{"title": settings.SITE_NAME, "path": absolute("/")}],
        "citation": citation(),
        "keywords": ["machine learning", "interviews", "mentors", "careers"],
        "resources": resources,
    }


# --- The latest files, in the default storage, for /data/ -----------------------------


def stored_name(filename):
    return f"{STORAGE_DIR}/{filename}"


FILES = [f"{t}.{ext}" for t in TABLES for ext in ("csv", "jsonl")] + ["datapackage.json"]


# What readers' browsers are told each file is. Only a bucket stores it (S3
# keeps a content type per object); a disk's files get theirs from the server
# in front (Caddy), which says the same.
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "json": "application/json",
}


def publish_latest():
    """Write the dataset and replace the stored files with it: {table: rows}."""
    with tempfile.TemporaryDirectory(prefix="dataset-") as tmp:
        counts = write(tmp)
        # The package last, so a reader who sees the new package finds new files.
        for filename in sorted(FILES, key=lambda name: name == "datapackage.json"):
            name = stored_name(filename)
            content = ContentFile((Path(tmp) / filename).read_bytes())
            content.content_type = MEDIA_TYPES[filename.rsplit(".", 1)[1]]
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, content)
    return counts


def latest():
    """The stored package's descriptor, or None before the first build."""
    try:
        with default_storage.open(stored_name("datapackage.json")) as handle:
            return json.load(handle)
    except (FileNotFoundError, ValueError):  # not built yet, or not JSON
        return None


def is_stale():
    """Whether the stored files are older than the content (or missing)."""
    package = latest()
    changed = last_public_change()
    if package is None:
        return changed is not None
    return changed is not None and changed > built_at(package)


def built_at(package):
    return datetime.fromisoformat(package["created"].replace("Z", "+00:00"))
