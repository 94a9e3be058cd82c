"""Lessons: the tags editors put on answers, their old slugs, and the tagging rows.

How many published answers carry a lesson is stored on it
(`published_answer_count`, kept by `interviews.models.counts`), so the
pages that list lessons with their counts read a few hundred rows rather
than count a quarter of a million tags.
"""

import hashlib

from django.db import models, transaction
from django.db.models import Count, F
from django.db.models.functions import Lower
from django.utils.text import slugify
from taggit.models import TagBase, TaggedItemBase

from ..links import slug_url
from .counts import keep_stored_count


class LessonQuerySet(models.QuerySet):
    def annotate_usage(self):
        """`usage`: answers carrying the lesson, published or not (for editors)."""
        return self.annotate(usage=Count("tagged_answers"))

    def public(self):
        """Lessons readers may see: on at least one published answer."""
        return self.filter(published_answer_count__gt=0)

    def moved(self, slugs):
        """{slug: current slug} for `slugs` that now live under another address:
        a renamed or merged lesson (LessonRedirect), or a slug typed in capitals."""
        lowered = {slug: slug.lower() for slug in slugs}
        redirects = dict(
            LessonRedirect.objects.filter(old_slug__in=set(lowered.values())).values_list(
                "old_slug", "lesson__slug"
            )
        )
        current = {slug: redirects.get(low, low) for slug, low in lowered.items()}
        public = set(
            self.public().filter(slug__in=set(current.values())).values_list("slug", flat=True)
        )
        return {slug: new for slug, new in current.items() if new != slug and new in public}

    def in_use(self):
        """Lessons on at least one published answer, most used first, with `answer_count`."""
        return (
            self.public()
            .annotate(answer_count=F("published_answer_count"))
            .order_by("-published_answer_count", "name")
        )


class Lesson(TagBase):
    """A lesson tag on answers ("start simple", "MLOps").

    Names are unique regardless of case, in the database as well as through
    TAGGIT_CASE_INSENSITIVE, so "MLOps" and "mlops" are always one lesson.
    Renaming or merging leaves a LessonRedirect, so old links keep working.
    """

    published_answer_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Published answers carrying the lesson (kept by counts.refresh_counts()).",
    )

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="lesson_name_ci_unique")]
        indexes = [
            # `in_use()`: the lessons index and the home page's most used lessons.
            models.Index(
                fields=["-published_answer_count", "name"],
                name="lesson_in_use_idx",
                condition=models.Q(published_answer_count__gt=0),
            )
        ]

    def save(self, *args, **kwargs):
        old_slug = None
        if self.pk is not None and not self._state.adding:
            old_slug = Lesson.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        super().save(*args, **keep_stored_count(self, kwargs))
        if old_slug is not None and old_slug != self.slug:
            LessonRedirect.point(old_slug, self)

    def get_absolute_url(self):
        return slug_url("interviews:lesson-detail", self.slug)

    def slugify(self, tag, i=None):
        """ASCII slugs ("Café" -> "cafe"), so every lesson URL is a <slug:...>;
        a name with no ASCII letters at all gets a stable hash instead."""
        base = slugify(tag) or "lesson-" + hashlib.sha1(tag.encode()).hexdigest()[:8]
        return f"{base}_{i}" if i is not None else base

    def merge(self, others):
        """Move every answer of `others` to this lesson, then delete them.

        An answer already carrying this lesson keeps one tag, not two; the
        merged lessons' URLs redirect here. Rows move with update(), which
        sends no signals: services.merge_lessons() runs the upkeep after.
        """
        others = [lesson for lesson in others if lesson.pk != self.pk]
        if not others:
            return 0
        with transaction.atomic():
            other_ids = [lesson.pk for lesson in others]
            # One tag per answer: rows for answers that already carry this
            # lesson (or another of the merged ones) are dropped, the rest move.
            tagged = set(
                TaggedAnswer.objects.filter(tag=self).values_list("content_object_id", flat=True)
            )
            moving, dropping = [], []
            for pk, answer_id in (
                TaggedAnswer.objects.filter(tag_id__in=other_ids)
                .order_by("pk")
                .values_list("pk", "content_object_id")
            ):
                (dropping if answer_id in tagged else moving).append(pk)
                tagged.add(answer_id)
            TaggedAnswer.objects.filter(pk__in=dropping).delete()
            TaggedAnswer.objects.filter(pk__in=moving).update(tag=self)
            for lesson in others:
                LessonRedirect.point(lesson.slug, self)
            LessonRedirect.objects.filter(lesson_id__in=other_ids).update(lesson=self)
            Lesson.objects.filter(pk__in=other_ids).delete()
        return len(moving)


class LessonRedirect(models.Model):
    """An old lesson slug (renamed or merged away) and the lesson it now means."""

    old_slug = models.SlugField(max_length=100, unique=True)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.lesson_id}"

    @classmethod
    def point(cls, old_slug, lesson):
        """Send `old_slug` to `lesson`; a slug in use again stops redirecting."""
        cls.objects.update_or_create(old_slug=old_slug, defaults={"lesson": lesson})
        cls.objects.filter(old_slug=lesson.slug).delete()


class TaggedAnswer(TaggedItemBase):
    content_object = models.ForeignKey("interviews.Answer", on_delete=models.CASCADE)
    # Indexed with the answer below, which serves lookups by lesson too.
    tag = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="tagged_answers", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_answer_unique")
        ]
        indexes = [
            # A lesson's answers straight from the index, without reading the table:
            # lesson filters, lesson pages and feeds, the stored counts. The answer
            # is included rather than a key column, so PostgreSQL 18 never prefers
            # skipping through it over the unique index when looking up by answer.
            models.Index(
                fields=["tag"], include=["content_object"], name="tagged_answer_lesson_idx"
            )
        ]
