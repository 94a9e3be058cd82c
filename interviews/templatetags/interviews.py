"""Template helpers for the interviews pages.

Lesson filter links add or remove one lesson from the lessons a page is
filtered by. Views put `active_lessons` (Lesson rows) and `filter_path`
(where filtered links point: the question page, `/lessons/` or `/search/`)
in the context, and optionally `filter_keep`: (name, value) pairs every
filter link carries, such as the search terms.
"""

from html import escape
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .. import meta, search
from ..links import slug_url_maker

register = template.Library()


def _filter_url(context, slugs):
    # The page number is dropped: a different filter starts on page one.
    query = urlencode([*context.get("filter_keep", []), *(("tag", slug) for slug in slugs)])
    path = context["filter_path"]
    return f"{path}?{query}" if query else path


def _active_slugs(context):
    return [lesson.slug for lesson in context.get("active_lessons", [])]


@register.simple_tag(takes_context=True)
def with_lesson(context, slug):
    """This page narrowed by one more lesson."""
    slugs = _active_slugs(context)
    return _filter_url(context, slugs if slug in slugs else [*slugs, slug])


@register.simple_tag(takes_context=True)
def without_lesson(context, slug=None):
    """This page without one lesson, or without any when no slug is given."""
    if slug is None:
        return _filter_url(context, [])
    return _filter_url(context, [s for s in _active_slugs(context) if s != slug])


def count_chip(url, name, count):
    """One lesson as a chip linking to `url`, with how many answers carry it."""
    return format_html(
        '<li><a class="chip" href="{}">{} <span class="count">{}<span class="visually-hidden"> '
        "{}</span></span></a></li>",
        url,
        name,
        count,
        "answer" if count == 1 else "answers",
    )


@register.simple_tag(takes_context=True)
def narrowing_items(context):
    """The <li> of each of `narrowing_lessons`: this page narrowed by it, and
    how many of its answers carry it."""
    return format_html_join(
        "",
        "{}",
        (
            (count_chip(with_lesson(context, lesson.slug), lesson.name, lesson.answer_count),)
            for lesson in context["narrowing_lessons"]
        ),
    )


@register.simple_tag
def lesson_count_chips(lessons):
    """The <li> of each lesson (with `answer_count`): its page, and how many answers carry it."""
    return format_html_join(
        "",
        "{}",
        (
            (count_chip(lesson.get_absolute_url(), lesson.name, lesson.answer_count),)
            for lesson in lessons
        ),
    )


# The part of a page that a lesson filter, a search facet or a page link changes.
# With htmx loaded, the links marked data-hx-boost inside it fetch the next page and
# swap in just this region, pushing the new URL so it stays shareable; without
# JavaScript they are plain links. The whole page is fetched (not a fragment), so
# one URL always answers the same HTML, whatever caches it.
FILTER_REGION = (
    'id="filter-results" class="filter-results" data-hx-target="#filter-results" '
    'data-hx-select="#filter-results" data-hx-swap="outerHTML" data-hx-push-url="true"'
)


# htmx reads its attributes with a data- prefix too; only that form is valid HTML.
@register.simple_tag
def filter_region():
    """The attributes of the region lesson filters replace (see FILTER_REGION)."""
    return mark_safe(FILTER_REGION)


@register.simple_tag
def field_widget(field, **attrs):
    """Render a form field's widget tied to its help text and errors for screen readers."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-help")
    if field.errors:
        described_by.append(f"{field.auto_id}-errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def highlight(headline):
    """A search headline as safe HTML, the matching words in <mark>."""
    return search.highlight(headline)


@register.filter
def marked(headline):
    """Whether a search headline holds a match."""
    return search.marked(headline)


@register.filter
def json_ld(data):
    """`data` as a schema.org JSON-LD <script>, escaped to stay inside it."""
    return meta.json_ld_script(data)


@register.simple_tag
def lesson_index_items(lessons):
    """The <li> of each lesson on /lessons/ ({name, slug, answer_count} dicts).

    The one piece of markup built with f-strings and html.escape rather than
    format_html: /lessons/ lists hundreds of lessons, where format_html_join
    costs three times as long as the whole rest of the page
    (docs/performance.md). Every value is escaped.
    """
    url = slug_url_maker("interviews:lesson-detail")
    return mark_safe(
        "".join(
            f'<li><a href="{escape(url(lesson["slug"]))}">{escape(lesson["name"])}</a> '
            f'<span class="count">{lesson["answer_count"]:d}<span class="visually-hidden"> '
            f"answer{'' if lesson['answer_count'] == 1 else 's'}</span></span></li>"
            for lesson in lessons
        )
    )


# Answer cards and lesson chips repeat ten to twenty times a page: built here
# with format_html (every value escaped) rather than template includes, which
# cost most of an uncached page's rendering (docs/performance.md). This module
# is their one home: no template spells the same markup.


@register.simple_tag
def lesson_chips(lessons):
    """An answer's lessons (`Answer.shown_lessons`) as links to their pages."""
    if not lessons:
        return ""
    url = slug_url_maker("interviews:lesson-detail")
    return format_html(
        '<ul class="chips" aria-label="Lessons">{}</ul>',
        format_html_join(
            "",
            '<li><a class="chip" href="{}">{}</a></li>',
            ((url(lesson.slug), lesson.name) for lesson in lessons),
        ),
    )


@register.simple_tag
def answer_card(answer, show_mentor=False):
    """One answer (loaded with `for_display()`): its text, lessons and permalink,
    headed by its mentor when `show_mentor`."""
    question = answer.question
    header = ""
    if show_mentor:
        mentor = answer.interview.mentor
        header = format_html(
            '<h3 class="answer__mentor"><a href="{}#{}">{}</a></h3>',
            mentor.get_absolute_url(),
            question.slug,
            mentor.name,
        )
        if mentor.headline:
            header += format_html('\n    <p class="answer__headline">{}</p>', mentor.headline)
    return format_html(
        '<article class="answer" id="answer-{}">\n'
        '  <header class="answer__header">\n    {}\n  </header>\n'
        '  <div class="prose">{}</div>\n'
        "  {}\n"
        '  <p class="small answer__permalink"><a href="{}" rel="bookmark">Link to this answer</a></p>\n'
        "</article>\n",
        answer.pk,
        header,
        # Sanitized when the answer was saved (markdown.py).
        mark_safe(answer.body_html),
        lesson_chips(answer.shown_lessons),
        answer.get_absolute_url(),
    )


@register.filter
def machine_time(value):
    """A datetime for a <time datetime> attribute: HTML allows at most three
    fraction digits, so the seconds are whole (Django's "c" keeps microseconds)."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
