"""Resources mentors cite: every link in an answer, recorded when it is saved.

- `Resource`: one normalised URL (citations.py), its site and a title
  chosen from the link texts mentors gave it, with stored counts of the
  published answers citing it and of their distinct mentors;
- `Citation`: one answer linking one resource, with the link's text (an
  answer linking the same resource twice cites it once);
- `QuestionResource`: how many published answers to one question cite one
  resource (a question page's "most cited", `/resources/?question=`);
- `LessonResource`: the same for the answers tagged with one lesson, and
  their mentors (a lesson page's "most cited").

Citations are recorded for every answer, published or not
(`record_citations()`, run by upkeep.answer_saved after each save); the
counts count only the answers `Answer.objects.published()` returns, the
rule every other stored count follows, and are recomputed per resource by
`refresh_resource_counts()` whenever an answer citing it is published,
edited, withdrawn or deleted (upkeep.py).
"""

from itertools import islice

from django.apps import apps as global_apps
from django.contrib.postgres.expressions import ArraySubquery
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject, Length

from ..citations import NOT_A_TITLE, cited_links, site_hosts
from .content import Answer

# Mentors shown beside each resource in a list; the rest are counted.
CITERS_SHOWN = 5


class ResourceQuerySet(models.QuerySet):
    def cited(self):
        """Resources cited by at least one published answer."""
        return self.filter(citation_count__gt=0)

    def ranked(self):
        """Most mentors first, then most citations: a resource one mentor cites,
        however often, is listed below every one that two mentors cite."""
        return self.order_by("-mentor_count", "-citation_count", "url")

    def with_citers(self, answers=None, limit=CITERS_SHOWN):
        """Annotate `citers`: the latest `limit` published answers (of `answers`,
        when given) citing each resource, as {mentor, mentor_slug, question,
        question_slug} dicts, in the same query."""
        citations = Citation.objects.filter(
            resource=OuterRef("pk"),
            answer__in=Answer.objects.published() if answers is None else answers,
        )
        rows = citations.order_by("-pk").values(
            row=JSONObject(
                mentor="answer__interview__mentor__name",
                mentor_slug="answer__interview__mentor__slug",
                question="answer__question__title",
                question_slug="answer__question__slug",
            )
        )[:limit]
        return self.annotate(citers=ArraySubquery(rows))


class Resource(models.Model):
    url = models.URLField(max_length=2000, unique=True, help_text="Normalised (citations.py).")
    host = models.CharField(max_length=255, help_text="The site, without www.")
    title = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="The link text published answers use most (empty: the address is shown).",
    )
    citation_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Published answers citing it (stored)."
    )
    mentor_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Their distinct mentors (stored)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-mentor_count", "-citation_count", "url"]
        indexes = [
            # /resources/: cited resources in `ranked()` order, all sites or one.
            models.Index(
                F("mentor_count").desc(),
                F("citation_count").desc(),
                "url",
                name="resource_ranked_idx",
                condition=Q(citation_count__gt=0),
            ),
            models.Index(
                "host",
                F("mentor_count").desc(),
                F("citation_count").desc(),
                "url",
                name="resource_host_ranked_idx",
                condition=Q(citation_count__gt=0),
            ),
        ]

    def __str__(self):
        return self.shown_title

    @property
    def shown_title(self):
        """The title, else the address without its scheme."""
        return self.title or self.url.removeprefix("https://")


class Citation(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="citations")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="citations")
    text = models.CharField(max_length=300, blank=True, help_text="The link's text.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "resource"], name="citation_unique")
        ]
        indexes = [
            # A resource's citations, newest first (`with_citers()`, the recounts).
            models.Index("resource", F("id").desc(), name="citation_resource_idx"),
        ]

    def __str__(self):
        return f"Answer {self.answer_id} cites {self.resource_id}"


class QuestionResource(models.Model):
    """How many published answers to `question` cite `resource` (a stored count;
    one answer per mentor and question, so it is also how many mentors)."""

    question = models.ForeignKey(
        "interviews.Question", on_delete=models.CASCADE, related_name="resource_uses"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="question_uses")
    answer_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "resource"], name="question_resource_unique"
            )
        ]
        indexes = [
            models.Index(
                "question", F("answer_count").desc(), "resource", name="question_resource_idx"
            )
        ]

    def __str__(self):
        return f"{self.resource_id} on question {self.question_id}: {self.answer_count}"


class LessonResource(models.Model):
    """How many published answers tagged `lesson` cite `resource`, and how many
    mentors gave them (a stored count: a lesson spans questions, so one mentor
    may cite a resource under one lesson several times)."""

    lesson = models.ForeignKey(
        "interviews.Lesson", on_delete=models.CASCADE, related_name="resource_uses"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="lesson_uses")
    answer_count = models.PositiveIntegerField()
    mentor_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lesson", "resource"], name="lesson_resource_unique")
        ]
        indexes = [
            models.Index(
                "lesson",
                F("mentor_count").desc(),
                F("answer_count").desc(),
                "resource",
                name="lesson_resource_idx",
            )
        ]

    def __str__(self):
        return f"{self.resource_id} under lesson {self.lesson_id}: {self.answer_count}"


def record_citations(answer, own_hosts=None):
    """Make `answer`'s Citation rows the links of its stored HTML.

    Returns the ids of the resources whose counts may have changed (cited
    before or now), empty when the links are as they were.
    """
    links = cited_links(answer.body_html, own_hosts)
    before = {
        url: (pk, resource_id, text)
        for pk, resource_id, url, text in answer.citations.values_list(
            "pk", "resource_id", "resource__url", "text"
        )
    }
    if {url: text for url, (_, _, text) in before.items()} == {
        url: text for url, (_, text) in links.items()
    }:
        return set()
    with transaction.atomic():
        resources = resource_ids(links)
        gone = [pk for url, (pk, _, _) in before.items() if url not in links]
        Citation.objects.filter(pk__in=gone).delete()
        Citation.objects.bulk_create(
            [
                Citation(answer_id=answer.pk, resource_id=resources[url], text=text)
                for url, (_, text) in links.items()
            ],
            update_conflicts=True,
            unique_fields=["answer", "resource"],
            update_fields=["text"],
        )
    return {resource for _, resource, _ in before.values()} | set(resources.values())


def resource_ids(links, model=None):
    """{url: Resource id} for `links` ({url: (host, text)}), creating the missing ones."""
    model = model or Resource
    if not links:
        return {}
    model.objects.bulk_create(
        [model(url=url, host=host) for url, (host, _) in links.items()],
        ignore_conflicts=True,
    )
    return dict(model.objects.filter(url__in=list(links)).values_list("url", "pk"))


def record_in_bulk(rows, own_hosts=None, apps=global_apps, chunk=2000):
    """Citations for many answers at once: `rows` are (answer id, body_html).

    For loads that save no answer (a data migration, seed_scale): a few
    inserts a chunk instead of an upkeep per answer. Counts are left to one
    refresh_resource_counts() after.
    """
    resource_model = apps.get_model("interviews", "Resource")
    citation_model = apps.get_model("interviews", "Citation")
    own_hosts = site_hosts() if own_hosts is None else own_hosts
    rows = iter(rows)
    while batch := list(islice(rows, chunk)):
        links = {pk: cited_links(html, own_hosts) for pk, html in batch}
        ids = resource_ids(
            {url: found for found_links in links.values() for url, found in found_links.items()},
            model=resource_model,
        )
        citation_model.objects.bulk_create(
            [
                citation_model(answer_id=pk, resource_id=ids[url], text=text)
                for pk, found_links in links.items()
                for url, (_, text) in found_links.items()
            ],
            ignore_conflicts=True,
        )


def refresh_resource_counts(resources=None, answers=None, apps=global_apps):
    """Recount `resources` (ids; every resource when None) from the citations of
    `answers`: `Answer.objects.published()` unless a data migration passes its
    own copy of that rule.

    A few statements whatever the number of citations: the counts and
    titles, then the resources' QuestionResource and LessonResource rows.
    """
    resource_model, citation_model, per_question_model, per_lesson_model = (
        apps.get_model("interviews", name)
        for name in ("Resource", "Citation", "QuestionResource", "LessonResource")
    )
    if answers is None:
        answers = Answer.objects.published()
    rows = resource_model.objects.all()
    uses = per_question_model.objects.all()
    lesson_uses = per_lesson_model.objects.all()
    counted = citation_model.objects.filter(answer__in=answers)
    if resources is not None:
        ids = set(resources)
        if not ids:
            return
        rows, uses = rows.filter(pk__in=ids), uses.filter(resource_id__in=ids)
        lesson_uses = lesson_uses.filter(resource_id__in=ids)
        counted = counted.filter(resource_id__in=ids)
    per_resource = counted.filter(resource=OuterRef("pk")).order_by().values("resource")
    # The link text used most (the longer of equals), leaving out "here" and bare addresses.
    titles = (
        counted.filter(resource=OuterRef("pk"))
        .exclude(text__iregex=NOT_A_TITLE)
        .order_by()
        .values("text")
        .annotate(n=Count("pk"))
        .order_by("-n", Length("text").desc(), "text")
        .values("text")[:1]
    )
    with transaction.atomic():
        rows.update(
            citation_count=Coalesce(Subquery(per_resource.annotate(n=Count("pk")).values("n")), 0),
            # One interview per mentor: distinct interviews are distinct mentors.
            mentor_count=Coalesce(
                Subquery(
                    per_resource.annotate(n=Count("answer__interview", distinct=True)).values("n")
                ),
                0,
            ),
            title=Coalesce(Subquery(titles), Value("")),
        )
        uses.delete()
        per_question_model.objects.bulk_create(
            per_question_model(question_id=question, resource_id=resource, answer_count=n)
            for question, resource, n in counted.order_by()
            .values_list("answer__question", "resource")
            .annotate(n=Count("pk"))
        )
        lesson_uses.delete()
        per_lesson_model.objects.bulk_create(
            per_lesson_model(lesson_id=lesson, resource_id=resource, answer_count=n, mentor_count=m)
            for lesson, resource, n, m in counted.order_by()
            .values_list("answer__taggedanswer__tag", "resource")
            .filter(answer__taggedanswer__tag__isnull=False)
            .annotate(n=Count("answer", distinct=True), m=Count("answer__interview", distinct=True))
        )
