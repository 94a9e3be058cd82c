"""Load published mentors in bulk, to see how the site behaves at scale.

    python manage.py seed_scale --mentors 10000     # 160,000 answers, ~500 lessons

Mentors are `scale-00001`, `scale-00002`, ...: running it again creates only
the ones missing (so `--mentors 20000` later adds 10,000 more), `--reset`
deletes them first. It runs beside demo content and reuses lessons that
already exist. The content is generated from word banks with a seeded RNG
(see interviews/scale_data.py), the same on every machine.

Rows go in with bulk INSERTs (mentors, interviews) and COPY (answers and
their lessons), a thousand mentors per transaction, with each answer's
HTML, plain text and public date computed in Python; then UPDATEs compute
the answers' search documents (on every core), their citations are
inserted in bulk and the stored counts recomputed, as `save()` and the
signals would have. Signals are not sent, so the page
cache is invalidated once at the end.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from interviews import pagecache, scale_data
from interviews.models import (
    Answer,
    Citation,
    Interview,
    InterviewEvent,
    Lesson,
    LessonUse,
    Mentor,
    Question,
    QuestionResource,
    Resource,
    SearchEntry,
    TaggedAnswer,
    refresh_counts,
    refresh_resource_counts,
)
from interviews.models.content import question_lesson_key
from interviews.models.resources import record_in_bulk

SLUG_PREFIX = "scale-"
BATCH = 1000


class Command(BaseCommand):
    help = "Create many published mentors with generated answers (for performance work)."

    def add_arguments(self, parser):
        parser.add_argument("--mentors", type=int, default=10_000, help="How many (default 10000).")
        parser.add_argument("--lessons", type=int, default=500, help="How many lessons to use.")
        parser.add_argument(
            "--seed", type=int, default=0, help="Another seed gives other (fixed) content."
        )
        parser.add_argument("--reset", action="store_true", help="Delete every scale mentor first.")

    def handle(self, *args, mentors, lessons, seed, reset, **options):
        started = time.monotonic()
        if reset:
            self.stdout.write(f"Deleted {delete_scale_content()} scale mentors.")
        questions = list(Question.objects.asked())
        if not questions:
            raise CommandError("No standard questions: run `manage.py migrate` first.")
        present = set(
            Mentor.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
        )
        wanted = [n for n in range(1, mentors + 1) if f"{SLUG_PREFIX}{n:05d}" not in present]
        if not wanted:
            self.stdout.write(
                f"Scale content: {len(present)} scale mentors already present; nothing to do."
            )
            return
        lesson_rows = ensure_lessons(scale_data.lesson_names(lessons))
        weights = scale_data.zipf_weights(len(lesson_rows))
        answers = tags = 0
        for start in range(0, len(wanted), BATCH):
            people = [
                scale_data.mentor(n, len(questions), weights, seed)
                for n in wanted[start : start + BATCH]
            ]
            with transaction.atomic():
                made = insert_batch(people, questions, lesson_rows)
            answers += made[0]
            tags += made[1]
            self.stdout.write(
                f"  {start + len(people)} of {len(wanted)} mentors "
                f"({time.monotonic() - started:.0f} s)"
            )
        finish(self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale content: {len(wanted)} mentors created ({len(present)} were there), "
                f"{answers} answers, {tags} lessons on answers, {len(lesson_rows)} lessons, "
                f"in {time.monotonic() - started:.0f} s."
            )
        )


def ensure_lessons(names):
    """Lesson rows for `names`, in order: existing ones (any case) reused, the rest created."""
    existing = {
        lesson.name_lower: lesson
        for lesson in Lesson.objects.annotate(name_lower=Lower("name")).filter(
            name_lower__in=[name.lower() for name in names]
        )
    }
    taken = set(Lesson.objects.values_list("slug", flat=True))
    missing = []
    for name in names:
        if name.lower() in existing:
            continue
        slug, n = slugify(name), 1
        while slug in taken:
            n += 1
            slug = f"{slugify(name)}-{n}"
        taken.add(slug)
        missing.append(Lesson(name=name, slug=slug))
    created = {lesson.name.lower(): lesson for lesson in Lesson.objects.bulk_create(missing)}
    return [existing.get(name.lower()) or created[name.lower()] for name in names]


def insert_batch(people, questions, lesson_rows):
    """Insert mentors, their published interviews, answers and lessons; (answers, tags)."""
    now = timezone.now()
    mentors = Mentor.objects.bulk_create(
        Mentor(
            name=p.name,
            slug=p.slug,
            role=p.role,
            company=p.company,
            bio=p.bio,
            email=f"{p.slug}@example.com",
        )
        for p in people
    )
    interviews = Interview.objects.bulk_create(
        Interview(
            mentor=mentor,
            status=Interview.Status.PUBLISHED,
            published_at=now - timedelta(days=p.published_days_ago),
            source=Interview.Source.IMPORT,
        )
        for mentor, p in zip(mentors, people, strict=True)
    )
    answer_table = Answer._meta.db_table
    with connection.cursor() as cursor:
        columns = (
            "interview_id, question_id, body, body_html, body_text, lesson_ids, question_lessons, "
            "published_at, created_at, updated_at"
        )
        with cursor.copy(f"COPY {answer_table} ({columns}) FROM STDIN") as copy:
            for interview, p in zip(interviews, people, strict=True):
                for question, (body, lessons) in zip(questions, p.answers, strict=True):
                    copy.write_row(
                        (
                            interview.pk,
                            question.pk,
                            body,
                            scale_data.answer_html(body),
                            scale_data.answer_text(body),
                            sorted(lesson_rows[index].pk for index in lessons),
                            sorted(
                                question_lesson_key(question.pk, lesson_rows[index].pk)
                                for index in lessons
                            ),
                            interview.published_at,  # public: the interview's date
                            interview.published_at,
                            interview.published_at,
                        )
                    )
        cursor.execute(
            f"SELECT id, interview_id, question_id FROM {answer_table} "
            "WHERE interview_id = ANY(%s)",
            [[interview.pk for interview in interviews]],
        )
        answer_ids = {(row[1], row[2]): row[0] for row in cursor.fetchall()}
        tags = 0
        with cursor.copy(
            f"COPY {TaggedAnswer._meta.db_table} (content_object_id, tag_id) FROM STDIN"
        ) as copy:
            for interview, p in zip(interviews, people, strict=True):
                for question, (_body, lessons) in zip(questions, p.answers, strict=True):
                    answer_id = answer_ids[(interview.pk, question.pk)]
                    for index in lessons:
                        copy.write_row((answer_id, lesson_rows[index].pk))
                        tags += 1
    return len(answer_ids), tags


def finish(stdout):
    """What save() and the signals would have done, once for every new row."""
    started = time.monotonic()
    update_search_fields(
        Answer.objects.filter(
            interview__mentor__slug__startswith=SLUG_PREFIX, search_vector__isnull=True
        )
    )
    stdout.write(f"  search documents ({time.monotonic() - started:.0f} s)")
    # The triggers filed every new entry by the old boundaries; spread them
    # into their tiers now rather than at the worker's next housekeeping.
    SearchEntry.objects.retier()
    record_in_bulk(
        Answer.objects.filter(
            interview__mentor__slug__startswith=SLUG_PREFIX,
            body_html__contains="<a",
            citations__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "body_html")
        .iterator(chunk_size=2000)
    )
    refresh_counts()
    refresh_resource_counts()
    pagecache.new_generation()
    # Fresh statistics for the planner, and (outside a transaction) a vacuum,
    # whose visibility map lets counts be answered from indexes alone. The
    # answers and the search entries are rewritten compactly: filling in the
    # answers' search fields left a dead copy of every new row, and the
    # triggers wrote each entry twice (then retier() moved most of them), so
    # the newest tier's 4,000 entries lay over 10,000 pages instead of about
    # 800. A search reads every match's page: unlike a site that grew or was
    # restored from a backup, it would read three times as many.
    in_transaction = connection.in_atomic_block
    with connection.cursor() as cursor:
        for model in (
            Mentor,
            Interview,
            Answer,
            SearchEntry,
            TaggedAnswer,
            Lesson,
            LessonUse,
            Resource,
            Citation,
            QuestionResource,
        ):
            if in_transaction:
                command = "ANALYZE"
            elif model in (Answer, SearchEntry):
                command = "VACUUM (FULL, ANALYZE)"
            else:
                command = "VACUUM ANALYZE"
            cursor.execute(f"{command} {model._meta.db_table}")


def update_search_fields(answers, chunk=4000):
    """`answers.update_search_fields()`, a chunk of ids at a time on every core.

    Stemming 160,000 answers is most of the command's time and PostgreSQL
    spends one core on one statement, so chunks run on as many connections
    as there are cores (each thread has its own).
    """
    bounds = answers.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return

    def update(start):
        try:
            answers.filter(pk__gte=start, pk__lt=start + chunk).update_search_fields()
        finally:
            connection.close()

    starts = range(bounds["low"], bounds["high"] + 1, chunk)
    if len(starts) == 1:  # a few mentors: here, in this connection's transaction
        answers.update_search_fields()
        return
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(update, starts))


def delete_scale_content():
    """Delete the scale mentors and everything of theirs, in SQL (no signals:
    a quarter of a million tag rows would each refresh a search document)."""
    mentors = Mentor.objects.filter(slug__startswith=SLUG_PREFIX)
    count = mentors.count()
    interviews = Interview.objects.filter(mentor__in=mentors)
    answers = Answer.objects.filter(interview__in=interviews)
    with transaction.atomic():
        for queryset in (
            TaggedAnswer.objects.filter(content_object__in=answers),
            Citation.objects.filter(answer__in=answers),
            answers,
            InterviewEvent.objects.filter(interview__in=interviews),
            interviews,
            mentors,
        ):
            queryset._raw_delete(queryset.db)
        # Lessons only scale mentors used; ones editors also use stay.
        Lesson.objects.filter(
            tagged_answers__isnull=True, name__in=scale_data.lesson_names()
        ).delete()
    refresh_resource_counts()
    return count
