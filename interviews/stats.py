"""Numbers for the editors: the review queue and the dashboard (followers included)."""

from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from .models import (
    Interview,
    Invitation,
    Lesson,
    Nomination,
    OutgoingEmail,
    Question,
    Revision,
    Subscriber,
)


class Median(Aggregate):
    """PostgreSQL's PERCENTILE_CONT(0.5): the median, for numbers and intervals alike."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


def review_queue():
    """What waits for an editor, oldest first."""
    return {
        "interviews": Interview.objects.filter(status=Interview.Status.SUBMITTED)
        .select_related("mentor")
        .order_by("submitted_at", "pk"),
        "revisions": Revision.objects.filter(status=Revision.Status.SUBMITTED)
        .select_related("interview__mentor")
        .order_by("submitted_at", "pk"),
        "nominations": Nomination.objects.filter(status=Nomination.Status.NEW).order_by(
            "created_at", "pk"
        ),
    }


def queue_counts():
    """How many of each wait, for the admin index page."""
    return {
        "interviews": Interview.objects.filter(status=Interview.Status.SUBMITTED).count(),
        "revisions": Revision.objects.filter(status=Revision.Status.SUBMITTED).count(),
        "nominations": Nomination.objects.filter(status=Nomination.Status.NEW).count(),
        "failed_emails": OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count(),
    }


def dashboard():
    now = timezone.now()
    by_status = dict(
        Interview.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    statuses = [
        (label, by_status.get(value, 0), value) for value, label in Interview.Status.choices
    ]
    # Links to interviews the mentor has not sent yet.
    draft = Q(interview__status=Interview.Status.DRAFT)
    invitations = Invitation.objects.aggregate(
        outstanding=Count("pk", filter=draft & Invitation.in_state(Invitation.State.ACTIVE, now)),
        expired=Count("pk", filter=draft & Invitation.in_state(Invitation.State.EXPIRED, now)),
    )
    median = Invitation.objects.filter(
        interview__status=Interview.Status.PUBLISHED, interview__published_at__gte=F("created_at")
    ).aggregate(
        median=Median(
            ExpressionWrapper(
                F("interview__published_at") - F("created_at"), output_field=DurationField()
            ),
            output_field=DurationField(),
        )
    )["median"]
    published = by_status.get(Interview.Status.PUBLISHED, 0)
    questions = [
        {
            "question": q,
            "answers": q.answer_count,
            "share": round(100 * q.answer_count / published) if published else 0,
        }
        for q in Question.objects.asked().with_answer_counts()
    ]
    return {
        "statuses": statuses,
        "invitations": invitations,
        "median_days": round(median.total_seconds() / 86400, 1) if median is not None else None,
        "published": published,
        "questions": questions,
        "least_answered": sorted(questions, key=lambda row: row["answers"])[:3],
        "lessons": Lesson.objects.in_use()[:15],
        "following": following(),
    }


def following(top=10):
    """Followers by email: totals, and the most followed questions, lessons and
    mentors (confirmed addresses only), read from the follow tables."""
    totals = Subscriber.objects.aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        pending=Count("pk", filter=Q(confirmed_at__isnull=True)),
        weekly=Count(
            "pk", filter=Q(confirmed_at__isnull=False, frequency=Subscriber.Frequency.WEEKLY)
        ),
        everything=Count("pk", filter=Q(confirmed_at__isnull=False, follows_all=True)),
    )

    def most_followed(relation, item, label):
        through = getattr(Subscriber, relation).through
        return list(
            through.objects.filter(subscriber__confirmed_at__isnull=False)
            .values(pk=F(f"{item}_id"), label=F(f"{item}__{label}"))
            .annotate(followers=Count("subscriber_id"))
            .order_by("-followers", "label")[:top]
        )

    return {
        **totals,
        "questions": most_followed("questions", "question", "title"),
        "lessons": most_followed("lessons", "lesson", "name"),
        "mentors": most_followed("mentors", "mentor", "name"),
    }
