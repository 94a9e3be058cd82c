"""The interview domain: mentors, the question set, interviews and answers
(lessons are in `lessons.py`, the stored counts in `counts.py`).

What readers may see is decided once, in `Interview.public_filter()`; every
public QuerySet method (`Interview.objects.published()`,
`Answer.objects.published()`, `Mentor.objects.published()`,
`Lesson.objects.in_use()`) goes through it. Answers carry a copy of the
outcome, `Answer.published_at` (their interview's date while it is public,
empty otherwise), computed from that rule by `update_published_at()` whenever
an interview's status or date changes: the public lists then filter and sort
answers on one indexed table, without joining interviews.

Each answer stores the document search finds it by (`Answer.search_vector`):
saving an answer, its mentor, its question or a lesson, and tagging, refresh
it through `AnswerQuerySet.update_search_fields()` (upkeep.py).

Over 400 lines on purpose: the four models' QuerySets, and the SQL
expressions the answers' stored fields are computed with, refer to each other
(answers are public by their interview's rule; the search document is built
from the mentor, question and lessons), and one module keeps that in view.
"""

from django.apps import apps as global_apps
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from taggit.managers import TaggableManager

from ..expressions import IsAnyOf, id_array
from ..links import slug_url
from ..markdown import (
    answer_anchor,
    html_to_text,
    intro_anchor,
    render_markdown,
    validate_site_images,
)
from .counts import keep_stored_count
from .enums import InterviewSource, InterviewStatus, License
from .workflow import InterviewWorkflow


def unique_slug(model, text, max_length=120, exclude=None, fallback="item"):
    """A slug for `text` that no other row of `model` uses yet (adds -2, -3, ...).

    `exclude` is the pk of the row the slug is for, when it exists already.
    """
    base = slugify(text)[:max_length].strip("-") or fallback
    candidate, n = base, 1
    others = model._default_manager.exclude(pk=exclude) if exclude else model._default_manager
    while others.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- QuerySets: the domain words views, admin and commands use ------------------


class MentorQuerySet(models.QuerySet):
    def published(self):
        """Mentors with a published interview."""
        return self.filter(Exists(Interview.objects.published().filter(mentor=OuterRef("pk"))))


class QuestionQuerySet(models.QuerySet):
    def standard(self):
        """The set every mentor is asked, retired ones included, in order."""
        return self.filter(is_standard=True).order_by("position", "pk")

    def asked(self):
        """The questions a mentor is asked today."""
        return self.standard().filter(is_active=True)

    def public(self):
        """Questions with a page (`Question.has_page`, the same rule in SQL): those
        asked today, and any other once it has a published answer (a retired
        question, one mentor's follow-up)."""
        return self.filter(Q(is_standard=True, is_active=True) | Q(published_answer_count__gt=0))

    def with_answer_counts(self):
        """Annotate `answer_count`: the number of published answers (a stored count)."""
        return self.annotate(answer_count=F("published_answer_count"))


class InterviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(Interview.public_filter())

    def newest_first(self):
        return self.order_by(F("published_at").desc(nulls_last=True), "-pk")

    def latest_changes(self, limit):
        """The `limit` interviews most recently published or updated, latest
        first (`changed_at`): the new interviews feed. See AnswerQuerySet's."""
        return latest_changes(self, self.newest_first(), limit)


def latest_changes(queryset, newest, limit):
    """`queryset`'s `limit` rows by when readers last saw them change (their
    latest update, else their publication: `changed_at`), latest first.

    Those are among the `limit` first of `newest` (the queryset newest
    published first) and the `limit` latest updated, since an update always
    follows the publication: two lists their indexes keep in order, where
    sorting every row by the expression would read them all.
    """
    updated = queryset.filter(revised_at__isnull=False).order_by("-revised_at", "-pk")
    return (
        queryset.model.objects.filter(
            Q(pk__in=newest.values("pk")[:limit]) | Q(pk__in=updated.values("pk")[:limit])
        )
        .annotate(changed_at=Coalesce("revised_at", "published_at"))
        .order_by("-changed_at", "-pk")
    )


# What an answer card, its JSON-LD and its feed entry read (`for_display()`).
CARD_FIELDS = (
    "interview_id",
    "question_id",
    "body_html",
    "body_text",
    "published_at",
    "revised_at",
    "updated_at",
    "question__slug",
    "question__text",
    "question__title",
    "question__position",
    "interview__mentor_id",
    "interview__status",
    "interview__published_at",
    "interview__license",
    "interview__mentor__name",
    "interview__mentor__slug",
    "interview__mentor__role",
    "interview__mentor__company",
)


class AnswerQuerySet(models.QuerySet):
    def published(self):
        """Answers of public interviews (the stored outcome of `Interview.public_filter()`)."""
        return self.filter(published_at__isnull=False)

    def newest_first(self):
        return self.order_by(F("published_at").desc(nulls_last=True), "-pk")

    def latest_changes(self, limit):
        """The `limit` answers most recently published or updated, latest first
        (`changed_at`): the feeds, where an update is news as a new answer is."""
        # The order of answer_public_newest_idx (and answer_public_question_idx).
        return latest_changes(self, self.order_by("-published_at", "-pk"), limit)

    def with_ids(self, ids):
        """These answers whose id is in `ids` (one array parameter, however many)."""
        return self.filter(IsAnyOf(F("pk"), id_array(ids)))

    def with_lessons(self, lessons):
        """Answers carrying every one of `lessons` (Lesson rows or ids: an AND filter).

        Two or more read the answers' copy of their lesson ids, `lesson_ids @>
        {...}`: the GIN index intersects the lessons' answers itself, where
        joining the tagging rows of two common lessons meant reading tens of
        thousands. One lesson alone is read from its tagging rows' covering
        index, without visiting the (wide) answer rows: a third faster for a
        lesson on 36,000 answers.
        """
        ids = sorted({getattr(lesson, "pk", lesson) for lesson in lessons})
        if len(ids) == 1:
            tagged = self.model.tags.through.objects
            return self.filter(Exists(tagged.filter(content_object=OuterRef("pk"), tag_id=ids[0])))
        return self.filter(lesson_ids__contains=ids) if ids else self

    def answering_with_lessons(self, question, lessons):
        """Answers to `question` carrying every one of `lessons` (Lesson rows or ids).

        Read from `question_lessons` through its GIN index: the index keeps
        the answers of each (question, lesson) pair, a sixteenth of each
        lesson's answers, so a question page filtered by two common lessons
        reads a few thousand index entries instead of three lists of ten
        thousand or more (the question's answers and each lesson's).
        """
        ids = {getattr(lesson, "pk", lesson) for lesson in lessons}
        keys = sorted(question_lesson_key(question.pk, pk) for pk in ids)
        answers = self.filter(question=question)
        return answers.filter(question_lessons__contains=keys) if keys else answers

    def with_lesson_chips(self):
        """Each answer's lessons as an array in its row (`lesson_chips`, read
        through `Answer.shown_lessons`), sorted by name.

        Cheaper than taggit's prefetch: that second query and its DISTINCT
        join cost more than the rest of a page of ten answers together.
        """
        chips = (
            self.model.tags.through.objects.filter(content_object=OuterRef("pk"))
            .order_by("tag__name")
            .values(chip=JSONObject(id="tag_id", name="tag__name", slug="tag__slug"))
        )
        return self.annotate(lesson_chips=ArraySubquery(chips))

    def for_display(self):
        """Load what an answer card shows (and its JSON-LD and feed entry), its
        lessons included, in one query.

        Only those columns: a page of cards is mostly the time spent turning
        rows into objects, and the rest (the Markdown source, the search
        document, the mentor's biography, a dozen timestamps) is never shown.
        """
        return (
            self.select_related("question", "interview__mentor")
            .only(*CARD_FIELDS)
            .with_lesson_chips()
        )

    def update_search_fields(self):
        """Recompute what finds these answers, in one UPDATE: the search
        document and the copies of their lesson ids.

        update() sends no signals: callers invalidate cached pages (upkeep.py).
        """
        return self.update(
            search_vector=answer_search_vector(),
            lesson_ids=answer_lesson_ids(),
            question_lessons=answer_question_lessons(),
        )

    def update_published_at(self):
        """Copy each answer's public date from its interview, in one UPDATE:
        the interview's `published_at` if `Interview.public_filter()` holds, else NULL."""
        public_date = Interview.objects.filter(
            Interview.public_filter(), pk=OuterRef("interview_id")
        )
        return self.update(published_at=Subquery(public_date.values("published_at")[:1]))


def last_public_change():
    """When what readers can see last changed: an interview published, withdrawn
    or edited, or a published answer saved (an answer's save touches its
    interview's updated_at only sometimes, so answers count too). What is
    built from the content (the dataset, the search vocabulary) is stale
    when older."""
    interviews = Interview.objects.filter(
        Q(status=Interview.Status.PUBLISHED) | Q(status=Interview.Status.WITHDRAWN)
    ).aggregate(at=Max("updated_at"))["at"]
    answers = Answer.objects.published().aggregate(at=Max("updated_at"))["at"]
    return max([t for t in (interviews, answers) if t], default=None)


# The text search configuration documents and queries are read with: English
# stemming and stop words, accents ignored ("Zoe" finds "Zoë", "cafe" finds
# "café"). Created by migration 0019 (PostgreSQL's unaccent extension).
SEARCH_CONFIG = "applyingml"


def answer_search_vector(apps=global_apps, config=SEARCH_CONFIG):
    """The weighted document an answer is found by, as one SQL expression.

    The question and the lessons weigh most (A), then who answered (B), then
    the answer's text (D): a lesson match outranks a passing mention. Related
    rows come in through subqueries because an UPDATE cannot join; `apps`
    lets the data migration use its historical models.
    """
    question_model = apps.get_model("interviews", "Question")
    interview_model = apps.get_model("interviews", "Interview")
    tagged_model = apps.get_model("interviews", "TaggedAnswer")
    question = question_model.objects.filter(pk=OuterRef("question_id")).values(
        words=Concat("title", Value(" "), "text", output_field=models.TextField())
    )
    mentor = interview_model.objects.filter(pk=OuterRef("interview_id")).values(
        words=Concat(
            "mentor__name",
            Value(" "),
            "mentor__role",
            Value(" "),
            "mentor__company",
            output_field=models.TextField(),
        )
    )
    lessons = (
        tagged_model.objects.filter(content_object=OuterRef("pk"))
        .values("content_object")
        .annotate(words=StringAgg("tag__name", " "))
        .values("words")
    )
    return (
        SearchVector(Subquery(question), Subquery(lessons), weight="A", config=config)
        + SearchVector(Subquery(mentor), weight="B", config=config)
        + SearchVector("body_text", weight="D", config=config)
    )


def answer_lesson_ids(apps=global_apps):
    """An answer's lesson ids, sorted, as one SQL expression (see `answer_search_vector()`)."""
    tagged_model = apps.get_model("interviews", "TaggedAnswer")
    return ArraySubquery(
        tagged_model.objects.filter(content_object=OuterRef("pk"))
        .order_by("tag_id")
        .values("tag_id")
    )


def question_lesson_key(question_id, lesson_id):
    """The entry of `Answer.question_lessons` for one lesson of an answer to one question."""
    return f"{question_id}:{lesson_id}"


def answer_question_lessons(apps=global_apps):
    """An answer's `question_lessons`, as one SQL expression (see `question_lesson_key()`)."""
    tagged_model = apps.get_model("interviews", "TaggedAnswer")
    text = models.TextField()
    return ArraySubquery(
        tagged_model.objects.filter(content_object=OuterRef("pk"))
        .order_by("tag_id")
        .values(
            key=Concat(
                Cast(OuterRef("question_id"), text),
                Value(":"),
                Cast("tag_id", text),
                output_field=text,
            )
        )
    )


def write_answer_texts(existing, texts, create):
    """Make a set of answers say `texts` ({question id: Markdown}); "" removes one.

    `existing` is {question id: answer} (an Answer or a RevisionAnswer);
    `create(question_id, text)` adds a missing one. Each answer is saved
    through its own save(), so whatever it renders from its text follows.
    The one loop for the mentor's draft, the revision and its approval.
    """
    for question_id, text in texts.items():
        answer = existing.get(question_id)
        if text and answer is None:
            create(question_id, text)
        elif text and answer.body != text:
            answer.body = text
            answer.save()
        elif not text and answer is not None:
            answer.delete()


# --- Models ------------------------------------------------------------------------


class Mentor(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    role = models.CharField("job title", max_length=160, blank=True)
    company = models.CharField(max_length=160, blank=True)
    bio = models.TextField(max_length=1000, blank=True, help_text="A few plain-text sentences.")
    website = models.URLField(blank=True)
    linkedin = models.URLField("LinkedIn", blank=True)
    github = models.URLField("GitHub", blank=True)
    x = models.URLField("X (Twitter)", blank=True)
    photo = models.ImageField(upload_to="mentors/", blank=True)
    photo_credit = models.CharField(max_length=200, blank=True)
    email = models.EmailField(
        blank=True, help_text="Private: for editors to reach the mentor, never shown on the site."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentorQuerySet.as_manager()

    # What mentors edit about themselves (the answer form, revisions).
    PROFILE_FIELDS = ["name", "role", "company", "bio", "website", "linkedin", "github", "x"]

    class Meta:
        ordering = ["name"]
        indexes = [
            # Finds names by trigram similarity, so search forgives a typo in a name.
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="mentor_name_trgm_idx")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Mentor, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("interviews:mentor-detail", self.slug)

    @property
    def headline(self):
        """'Role, Company' with whichever parts are known."""
        return ", ".join(part for part in (self.role, self.company) if part)

    def links(self):
        """(label, url) pairs for the links the mentor gave, in a fixed order."""
        pairs = [
            ("Website", self.website),
            ("LinkedIn", self.linkedin),
            ("GitHub", self.github),
            ("X", self.x),
        ]
        return [(label, url) for label, url in pairs if url]


class Question(models.Model):
    text = models.TextField(help_text="The canonical wording, as mentors see it.")
    title = models.CharField(max_length=80, help_text="A short title for navigation.")
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in which it is asked.")
    help_text = models.TextField(blank=True, help_text="Shown to mentors under the question.")
    is_standard = models.BooleanField(
        default=True,
        help_text="In the set every mentor is asked. Off for a follow-up asked of one mentor.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Asked of new mentors. Retired questions stay on old interviews."
    )
    alternative_texts = ArrayField(
        models.TextField(),
        default=list,
        blank=True,
        help_text="Older or other phrasings, one per line; used to match imported text.",
    )
    published_answer_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Published answers (kept by counts.refresh_counts())."
    )
    answers_by_year = models.JSONField(
        default=dict,
        editable=False,
        help_text='Published answers by year of publication, {"2025": 12} '
        "(kept by counts.refresh_counts()).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["is_standard", "position"], name="question_standard_pos_idx")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Question, self.title or self.text[:60])
        super().save(*args, **keep_stored_count(self, kwargs))

    def get_absolute_url(self):
        return slug_url("interviews:question-detail", self.slug)

    @property
    def has_page(self):
        """QuestionQuerySet.public()'s rule, for a question already loaded."""
        return (self.is_standard and self.is_active) or self.published_answer_count > 0


class Interview(InterviewWorkflow, models.Model):
    Status = InterviewStatus
    Source = InterviewSource

    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="interviews")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    intro = models.TextField(blank=True, help_text="Markdown, shown above the answers.")
    intro_html = models.TextField(blank=True, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADMIN)
    # The mentor's choice; blank until they make it (no answer is preselected).
    license = models.CharField(
        "licence",
        max_length=30,
        choices=License.choices,
        blank=True,
        help_text="How others may reuse the interview: the mentor chooses.",
    )
    draft_saved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mentor last saved their answers."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    revised_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an approved revision last changed an answer's text (its latest update).",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped on every save, to refuse overwriting edits."
    )
    share_image = models.FileField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="Its link-preview image in the default storage (share.py keeps it).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="interview_published_has_date",
            ),
            # One interview per mentor: edits after publication are revisions
            # of it, and imports and exports are keyed by the mentor.
            models.UniqueConstraint(fields=["mentor"], name="interview_one_per_mentor"),
        ]
        indexes = [
            # `published().newest_first()`: the home page, /mentors/ and the feed.
            # Partial on the rows Interview.public_filter() selects.
            models.Index(
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                name="interview_public_newest_idx",
                condition=Q(status="published"),
            ),
            # The latest updates: the new interviews feed lists them beside new ones.
            models.Index(
                F("revised_at").desc(),
                name="interview_public_revised_idx",
                condition=Q(status="published", revised_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Interview #{self.pk} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.intro_html = render_markdown(self.intro, intro_anchor(self.mentor_id))
        if self.pk is not None:
            # Every save is a new version: the admin refuses to save a form
            # opened at an older one (see InterviewAdminForm).
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        # What the answers' copy of the public date follows: upkeep.interview_saved()
        # compares it with the state loaded (from_db) and keeps it current.
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("interviews:mentor-detail", self.mentor.slug)

    def clean(self):
        # The admin's form says what the mentor's form says (markdown.validate_site_images).
        try:
            validate_site_images(self.intro)
        except ValidationError as exc:
            raise ValidationError({"intro": exc.messages}) from None

    @classmethod
    def from_db(cls, db, field_names, values):
        interview = super().from_db(db, field_names, values)
        interview._stored_public_state = interview._public_state()
        return interview

    def _public_state(self):
        # What the answers' copy depends on; None when a field was not loaded.
        if "status" not in self.__dict__ or "published_at" not in self.__dict__:
            return None
        return (self.status, self.published_at)

    @staticmethod
    def public_filter(prefix=""):
        """The one rule for what readers see: published interviews only.

        `prefix` applies it across a relation, e.g. "interview__" from Answer.
        """
        return Q(**{f"{prefix}status": Interview.Status.PUBLISHED})

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED

    @property
    def reuse_license(self):
        """The licence readers are shown: all rights reserved until the mentor chose."""
        return License(self.license or License.ALL_RIGHTS_RESERVED)

    def mark_saved(self):
        """Stamp a mentor's draft save."""
        self.draft_saved_at = timezone.now()
        self.save(update_fields=["draft_saved_at", "updated_at"])


class Answer(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    body_text = models.TextField(
        blank=True, editable=False, help_text="Plain text of body_html, for search."
    )
    asked_as = models.TextField(
        blank=True,
        default="",
        db_default="",  # bulk loads (seed_scale's COPY) leave it out
        help_text="The wording the question was asked in where this answer came from "
        "(an imported file), when it is not the question's own.",
    )
    tags = TaggableManager(
        "lessons", through="TaggedAnswer", blank=True, help_text="Lessons, separated by commas."
    )
    search_vector = SearchVectorField(null=True, editable=False)
    lesson_ids = ArrayField(
        models.BigIntegerField(),
        default=list,
        blank=True,
        editable=False,
        help_text="Ids of the answer's lessons, sorted (a copy of its TaggedAnswer rows, "
        "kept by update_search_fields()), for lesson filters through a GIN index.",
    )
    question_lessons = ArrayField(
        models.TextField(),
        default=list,
        blank=True,
        editable=False,
        help_text="'question id:lesson id' for each of the answer's lessons (kept by "
        "update_search_fields()), for a question's answers filtered by lessons.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The interview's publication date while it is public, else empty "
        "(a copy, kept by Interview.save()).",
    )
    revised_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an approved revision last changed the text: set exactly when the "
        "answer has earlier versions (AnswerVersion).",
    )
    share_image = models.FileField(
        max_length=200,
        blank=True,
        db_default="",  # bulk loads (seed_scale's COPY) leave it out
        editable=False,
        help_text="Its link-preview image in the default storage (share.py keeps it).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["question__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "question"], name="answer_one_per_interview_question"
            ),
        ]
        indexes = [
            models.Index(fields=["question", "interview"], name="answer_question_idx"),
            # Lesson filters: public answers carrying every one of some lessons
            # (`with_lessons()`), intersected inside the index.
            GinIndex(
                fields=["lesson_ids"],
                name="answer_public_lessons_idx",
                condition=Q(published_at__isnull=False),
            ),
            # A question page filtered by lessons (`answering_with_lessons()`).
            GinIndex(
                fields=["question_lessons"],
                name="answer_public_q_lessons_idx",
                condition=Q(published_at__isnull=False),
            ),
            # A question page: its public answers, newest first (and their count).
            models.Index(
                fields=["question", "-published_at", "id"],
                name="answer_public_question_idx",
                condition=Q(published_at__isnull=False),
            ),
            # All public answers, newest first: lesson feeds, search's candidates.
            models.Index(
                fields=["-published_at", "-id"],
                name="answer_public_newest_idx",
                condition=Q(published_at__isnull=False),
            ),
            # The latest updates of public answers: the answer feeds list them
            # beside new answers.
            models.Index(
                fields=["-revised_at"],
                name="answer_public_revised_idx",
                condition=Q(published_at__isnull=False, revised_at__isnull=False),
            ),
            # The latest edit of a public answer: the sitemap index's lastmod.
            models.Index(
                fields=["-updated_at"],
                name="answer_public_updated_idx",
                condition=Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Answer #{self.pk}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(
            self.body, answer_anchor(self.interview_id, self.question_id)
        )
        self.body_text = html_to_text(self.body_html)
        # The copy of Interview.public_filter()'s outcome; `is_public` is its
        # in-memory form. Interview.save() keeps existing answers in step.
        self.published_at = self.interview.published_at if self.interview.is_public else None
        if kwargs.get("update_fields") is not None:
            fields = {*kwargs["update_fields"], "published_at"}
            if "body" in fields:
                # Everything readers see of the text (pages, search, snippets,
                # feeds, descriptions, JSON-LD) reads these, not `body`.
                fields |= {"body_html", "body_text"}
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The answer's own page (load `interview__mentor` and `question` with it)."""
        return slug_url("interviews:answer-detail", self.interview.mentor.slug, self.question.slug)

    def clean(self):
        # The admin's forms say what the mentor's form says (markdown.validate_site_images).
        try:
            validate_site_images(self.body)
        except ValidationError as exc:
            raise ValidationError({"body": exc.messages}) from None

    def get_anchor_url(self):
        """The answer in place: its stable anchor on the mentor's page."""
        return f"{self.interview.get_absolute_url()}#{self.question.slug}"

    @cached_property
    def shown_lessons(self):
        """The answer's lessons by name: from the row when loaded through
        `for_display()`, else one query."""
        chips = getattr(self, "lesson_chips", None)
        if chips is None:
            return list(self.tags.all())
        lesson = global_apps.get_model("interviews", "Lesson")
        return [
            lesson.from_db(None, ["id", "name", "slug"], [chip["id"], chip["name"], chip["slug"]])
            for chip in chips
        ]
