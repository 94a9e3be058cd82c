"""Load the demo mentors and interviews written for this project.

The content lives in `interviews/demo/*.toml`, one fictional mentor a file.
Running the command again updates what changed and duplicates nothing.

Images the answers show are in `interviews/demo/media/`: they are stored
through the default storage under `demo/` (as an upload would be) and an
answer names one as `{media}/file.png`.

An answer with an `earlier` text was updated after publishing: it is loaded
with that text, then an approved revision (the model's steps, emailing no
one) replaces it with `body`, dated `updated_days_ago`; so the demo has an
answer with an earlier version. Once only: a later run finds the version.
"""

import re
import tomllib
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from interviews.models import Answer, AnswerVersion, Interview, Lesson, Mentor, Question, Revision
from interviews.models.enums import License

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "demo"
MEDIA_REFERENCE = re.compile(r"\{media\}/([\w.-]+)")


class Command(BaseCommand):
    help = "Load the demo mentors and interviews (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--first-run",
            action="store_true",
            help="Do nothing when the database already has mentors (used by `make run`).",
        )
        parser.add_argument("--dir", type=Path, default=DEMO_DIR, help="Where the .toml files are.")

    def handle(self, *args, first_run=False, dir=DEMO_DIR, **options):
        if first_run and Mentor.objects.exists():
            self.stdout.write("Demo content: the database already has mentors; nothing to do.")
            return
        files = sorted(dir.glob("*.toml"))
        if not files:
            raise CommandError(f"No demo files (*.toml) in {dir}.")
        questions = {q.position: q for q in Question.objects.standard()}
        media = store_media(dir / "media")
        created = updated = answers = 0
        with transaction.atomic():
            for path in files:
                data = read_toml(path)
                was_created, n_answers = load_mentor(path, data, questions, media)
                created += was_created
                updated += not was_created
                answers += n_answers
        lessons = Lesson.objects.in_use().count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {created} mentors created, {updated} updated, "
                f"{answers} answers, {lessons} lessons in use."
            )
        )


def read_toml(path):
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        # The message carries the line and column.
        raise CommandError(f"{path}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text ({exc.reason})") from exc


def store_media(folder):
    """{file name: URL} of the demo's images, stored through the default storage."""
    urls = {}
    for path in sorted(folder.glob("*")) if folder.is_dir() else ():
        name = f"demo/{path.name}"
        # Replaced, not saved beside: the storage would otherwise pick a new name.
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(path.read_bytes()))
        urls[path.name] = default_storage.url(name)
    return urls


def expand_media(text, media, path):
    def url(match):
        if match.group(1) not in media:
            raise CommandError(f"{path}: no demo image {match.group(1)} in demo/media/")
        return media[match.group(1)]

    return MEDIA_REFERENCE.sub(url, text)


def load_mentor(path, data, questions, media):
    """Create or update one mentor, their published interview and its answers."""
    try:
        slug = data["slug"]
        defaults = {field: data.get(field, "") for field in Mentor.PROFILE_FIELDS}
        defaults["email"] = f"{slug}@example.com"
        mentor, created = Mentor.objects.update_or_create(slug=slug, defaults=defaults)
        interview = mentor.interviews.order_by("pk").first() or Interview(mentor=mentor)
        interview.intro = data.get("intro", "").strip()
        interview.source = Interview.Source.ADMIN
        interview.status = Interview.Status.PUBLISHED
        # Demo mentors share their answers (the open dataset has rows) unless
        # their file keeps all rights, as one does.
        interview.license = data.get("license", License.CC_BY)
        if interview.published_at is None:
            interview.published_at = timezone.now() - timedelta(days=data["published_days_ago"])
        interview.save()
        kept, updates = [], {}
        for item in data["answers"]:
            question = questions[item["question"]]
            body = expand_media(item["body"].strip(), media, path)
            if "earlier" in item and not AnswerVersion.objects.filter(
                answer__interview=interview, answer__question=question
            ):
                updates[question] = (body, item["updated_days_ago"])
                body = expand_media(item["earlier"].strip(), media, path)
            answer, _ = Answer.objects.update_or_create(
                interview=interview, question=question, defaults={"body": body}
            )
            answer.tags.set(item.get("lessons", []))
            kept.append(answer.pk)
        interview.answers.exclude(pk__in=kept).delete()
        if updates:
            load_update(interview, updates)
    except KeyError as exc:
        raise CommandError(f"{path}: missing key or unknown question {exc}") from exc
    return created, len(kept)


def load_update(interview, updates):
    """Approve a revision replacing answers' text ({question: (text, days ago)}),
    then date it as it happened: the versions were public from the interview's
    publication until their update."""
    revision = Revision.start_from(interview)
    for question, (body, _) in updates.items():
        revision.answers.filter(question=question).update(body=body)
    revision.submit()
    revision.approve(by=None, note="The mentor's update (demo content).")
    for question, (_, days_ago) in updates.items():
        when = timezone.now() - timedelta(days=days_ago)
        AnswerVersion.objects.filter(replaced_by=revision, answer__question=question).update(
            public_from=interview.published_at, public_until=when
        )
        Answer.objects.filter(interview=interview, question=question).update(revised_at=when)
    when = timezone.now() - timedelta(days=min(days for _, days in updates.values()))
    Interview.objects.filter(pk=interview.pk).update(revised_at=when)
    Revision.objects.filter(pk=revision.pk).update(submitted_at=when, decided_at=when)
