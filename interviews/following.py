"""The work behind following by email: messages when an interview is
published or updated, the weekly digest, and forgetting requests nobody
confirmed. Run by the worker (tasks enqueued by services.py, and
`housekeeping()` from housekeeping.py), and by `manage.py send_digest`.

Messages go out in batches: subscribers are read `BATCH_SIZE` at a time
(`.iterator(chunk_size=...)`, which prefetches per chunk), each batch's
messages are rendered, stored with one bulk insert and handed to one
`deliver_batch` task (one SMTP connection). Memory stays that of one batch
however many subscribers there are. Every message has an idempotency key
(the event or ISO week, and the subscriber), so running a task again sends
nothing twice.
"""

import logging
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django_tasks import task

from . import emails, tasks
from .models import Answer, Interview, Lesson, Mentor, OutgoingEmail, Question, Revision, Subscriber

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


# --- Sending in batches -------------------------------------------------------------


def with_follows(subscribers):
    """`subscribers` with the ids of what each follows, fetched per chunk."""
    return subscribers.prefetch_related(
        Prefetch("questions", queryset=Question.objects.only("pk")),
        Prefetch("lessons", queryset=Lesson.objects.only("pk")),
        Prefetch("mentors", queryset=Mentor.objects.only("pk")),
    ).order_by("pk")


def queue_in_batches(subscribers, message_for, *, batch_size=BATCH_SIZE, progress=None, stamp=None):
    """Queue one message per subscriber for whom `message_for(subscriber)`
    returns (kind, context, key) (None: nothing to send), `batch_size` at a
    time, each batch delivered by one task. How many were queued.

    `stamp`, when given, is called with each batch's subscriber ids (the
    digest records when each was last considered). `progress` is called
    with (subscribers read, messages queued) after every batch.
    """
    read = queued = 0
    batch, ids = [], []
    for subscriber in subscribers.iterator(chunk_size=batch_size):
        read += 1
        ids.append(subscriber.pk)
        message = message_for(subscriber)
        if message is not None:
            kind, context, key = message
            context = {**context, "subscriber": subscriber, "manage_link": subscriber.manage_link}
            batch.append(
                emails.build(
                    kind, subscriber.email, context, key=key, headers=subscriber.list_headers()
                )
            )
        if len(ids) >= batch_size:
            queued += store_batch(batch, ids, stamp)
            batch, ids = [], []
            if progress:
                progress(read, queued)
    if ids:
        queued += store_batch(batch, ids, stamp)
        if progress:
            progress(read, queued)
    return queued


def store_batch(messages, subscriber_ids, stamp=None):
    """Insert the messages not already stored, and enqueue one delivery for them."""
    with transaction.atomic():
        keys = [message.key for message in messages]
        existing = set(OutgoingEmail.objects.filter(key__in=keys).values_list("key", flat=True))
        new = [message for message in messages if message.key not in existing]
        # ignore_conflicts: a run beside this one may have stored some meanwhile.
        OutgoingEmail.objects.bulk_create(new, ignore_conflicts=True)
        ids = list(
            OutgoingEmail.objects.queued()
            .filter(key__in=[message.key for message in new])
            .values_list("pk", flat=True)
        )
        if ids:
            tasks.deliver_batch.enqueue(ids)
        if stamp:
            stamp(subscriber_ids)
    return len(ids)


# --- As it happens ----------------------------------------------------------------


@task()
def notify_followers(interview_id, event_key, updated=False):
    """Tell the followers who want messages as they happen about a newly
    published interview (all-interview followers, followers of its mentor,
    of a question it answers, of a lesson on its answers) or, `updated`, an
    approved update of it (its mentor's followers). `event_key` names the
    event in the messages' idempotency keys."""
    interview = Interview.objects.published().select_related("mentor").filter(pk=interview_id)
    interview = interview.first()
    if interview is None:
        return 0  # withdrawn since: nothing to announce
    answers = list(
        interview.answers.select_related("question").order_by("question__position", "pk")
    )
    question_ids = {answer.question_id for answer in answers}
    lesson_ids = {lesson_id for answer in answers for lesson_id in answer.lesson_ids or ()}
    if updated:
        subscribers = Subscriber.objects.following(mentor_ids=[interview.mentor_id])
    else:
        subscribers = Subscriber.objects.following(
            mentor_ids=[interview.mentor_id],
            question_ids=question_ids,
            lesson_ids=lesson_ids,
            everything=True,
        )
    subscribers = with_follows(
        subscribers.confirmed().filter(frequency=Subscriber.Frequency.INSTANT)
    )
    questions = {answer.question_id: answer.question for answer in answers}
    lessons = Lesson.objects.in_bulk(lesson_ids)
    link = emails.absolute(interview.mentor.get_absolute_url())

    def message_for(subscriber):
        followed_questions = [
            questions[q.pk] for q in subscriber.questions.all() if q.pk in questions
        ]
        followed_lessons = [
            lessons[lesson.pk] for lesson in subscriber.lessons.all() if lesson.pk in lessons
        ]
        context = {
            "interview": interview,
            "mentor": interview.mentor,
            "link": link,
            "updated": updated,
            "because_all": subscriber.follows_all and not updated,
            "because_mentor": any(m.pk == interview.mentor_id for m in subscriber.mentors.all()),
            "because_questions": sorted(followed_questions, key=lambda q: q.position),
            "because_lessons": sorted(followed_lessons, key=lambda lesson: lesson.name),
        }
        return "follow_interview", context, f"follow:{event_key}:{subscriber.pk}"

    return queue_in_batches(subscribers, message_for)


# --- The weekly digest ----------------------------------------------------------------


def iso_week(moment):
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(moment):
    """Monday 00:00 of `moment`'s ISO week, in UTC."""
    moment = moment.astimezone(UTC)
    return datetime.combine(moment.date() - timedelta(days=moment.weekday()), time.min, UTC)


class WeekContent:
    """What was published or updated in the 7 days before `now`, read once
    for every subscriber's digest: a week's interviews are few."""

    def __init__(self, now):
        since = now - timedelta(days=7)
        self.interviews = list(
            Interview.objects.published()
            .filter(published_at__gte=since)
            .select_related("mentor")
            .newest_first()
        )
        new_ids = {interview.pk for interview in self.interviews}
        self.updated = [
            revision.interview
            for revision in Revision.objects.filter(
                status=Revision.Status.APPROVED, decided_at__gte=since
            )
            .filter(Interview.public_filter("interview__"))
            .exclude(interview_id__in=new_ids)
            .select_related("interview__mentor")
            .order_by("-decided_at")
        ]
        self.updated = list({interview.pk: interview for interview in self.updated}.values())
        self.answers = list(
            Answer.objects.published()
            .filter(interview_id__in=new_ids)
            .select_related("question", "interview__mentor")
            .order_by("question__position", "-published_at", "pk")
        )
        lesson_ids = {lesson_id for answer in self.answers for lesson_id in answer.lesson_ids or ()}
        self.lessons = Lesson.objects.in_bulk(lesson_ids)

    def __bool__(self):
        return bool(self.interviews or self.updated)

    def for_subscriber(self, subscriber):
        """The digest's sections for one subscriber; None when nothing matches."""
        mentor_ids = {mentor.pk for mentor in subscriber.mentors.all()}
        question_ids = {question.pk for question in subscriber.questions.all()}
        lesson_ids = {lesson.pk for lesson in subscriber.lessons.all()}
        interviews = [
            interview
            for interview in self.interviews
            if subscriber.follows_all or interview.mentor_id in mentor_ids
        ]
        updated = [interview for interview in self.updated if interview.mentor_id in mentor_ids]
        by_question, by_lesson = {}, {}
        for answer in self.answers:
            if answer.question_id in question_ids:
                by_question.setdefault(answer.question, []).append(answer)
            for lesson_id in answer.lesson_ids or ():
                if lesson_id in lesson_ids:
                    by_lesson.setdefault(self.lessons[lesson_id], []).append(answer)
        if not (interviews or updated or by_question or by_lesson):
            return None
        return {
            "interviews": interviews,
            "updated": updated,
            "by_question": list(by_question.items()),
            "by_lesson": sorted(by_lesson.items(), key=lambda pair: pair[0].name),
        }


def digest_due(subscribers, now):
    """Confirmed weekly subscribers not yet considered for `now`'s ISO week."""
    return subscribers.confirmed().filter(
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=week_start(now)),
        frequency=Subscriber.Frequency.WEEKLY,
    )


def send_digest(now=None, *, batch_size=BATCH_SIZE, progress=None):
    """Queue this ISO week's digest for every weekly subscriber not yet
    considered this week (each is stamped, with or without a digest, so a
    second run reads nobody). How many digests were queued."""
    now = now or timezone.now()
    week = iso_week(now)
    due = digest_due(Subscriber.objects.all(), now)
    if not due.exists():
        return 0  # the week's run is done: what housekeeping finds every other minute
    content = WeekContent(now)
    subscribers = with_follows(due)

    def message_for(subscriber):
        sections = content.for_subscriber(subscriber) if content else None
        if sections is None:
            return None
        return "follow_digest", {"week": week, **sections}, f"digest:{week}:{subscriber.pk}"

    def stamp(ids):
        Subscriber.objects.filter(pk__in=ids).update(last_digest_at=now)

    return queue_in_batches(
        subscribers, message_for, batch_size=batch_size, progress=progress, stamp=stamp
    )


def digest_is_due(now):
    """Once a week, from settings.FOLLOW_DIGEST_WEEKDAY at FOLLOW_DIGEST_HOUR (UTC)."""
    now = now.astimezone(UTC)
    return (now.weekday(), now.hour) >= (
        settings.FOLLOW_DIGEST_WEEKDAY,
        settings.FOLLOW_DIGEST_HOUR,
    )


# --- Housekeeping ---------------------------------------------------------------------


def expire_requests(now=None):
    """Forget requests not confirmed within their link's lifetime. How many."""
    return Subscriber.objects.expired_requests(now).forget()


def housekeeping(now=None):
    """Run every minute by housekeeping.py: expiry, and the digest when due.

    The digest's query reads only subscribers not yet stamped this week, so
    the runs after the week's one read nothing.
    """
    now = now or timezone.now()
    expire_requests(now)
    if digest_is_due(now):
        sent = send_digest(now)
        if sent:
            logger.info("Weekly digest for %s: %s queued.", iso_week(now), sent)
