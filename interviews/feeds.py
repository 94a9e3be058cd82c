"""Atom feeds: new interviews; new answers to one question or with one lesson;
one mentor's answers.

Entries carry the whole sanitized HTML in <content> (a short plain-text
<summary> beside it), the mentor as author, the interview's publication
date as `published` and the answer's last change as `updated`. Items come
from the `published()` QuerySet methods like every public page.

An approved update is news too, but not a new interview: the entry keeps
its id (its link) and `published`, gets a new `updated`, says "Updated:" in
its title and when in its summary, and moves up to its update's place
(`latest_changes()`: entries by their latest update, else publication).
"""

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import Truncator

from .markdown import CONTROL_CHARACTERS
from .models import Answer, Interview, Lesson, Mentor, Question

FEED_ITEMS = 30
SUMMARY_WORDS = 60


class FullContentAtom1Feed(Atom1Feed):
    """Atom with an entry's full HTML in <content>, which Atom1Feed leaves out."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        if item.get("license_url"):
            # The Atom License Extension (RFC 4946), beside the <rights> statement.
            handler.addQuickElement("link", "", {"rel": "license", "href": item["license_url"]})


def plain(text):
    # XML 1.0 cannot carry control characters; drop any in names and titles.
    return CONTROL_CHARACTERS.sub("", text)


def updated_title(item, title):
    """An entry's title, saying so when the item was updated after publishing."""
    return f"Updated: {title}" if item.revised_at else title


def updated_on(item):
    """ "Updated on 3 December 2026. " for an updated item, else ""."""
    if not item.revised_at:
        return ""
    return f"Updated on {date_format(timezone.localtime(item.revised_at), 'j F Y')}. "


class BaseFeed(Feed):
    feed_type = FullContentAtom1Feed
    language = "en"

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request; a copy per request can hold
        # the request for the links the framework does not make absolute.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def item_author_name(self, item):
        return plain(self.mentor_of(item).name)

    def item_author_link(self, item):
        return self.request.build_absolute_uri(self.mentor_of(item).get_absolute_url())

    def summary(self, text):
        # Atom1Feed marks the summary as HTML, so plain text is escaped.
        return escape(Truncator(text).words(SUMMARY_WORDS))

    def title_of(self, item):
        raise NotImplementedError

    def item_title(self, item):
        return plain(updated_title(item, self.title_of(item)))

    def item_extra_kwargs(self, item):
        return {"content": self.item_content(item), "license_url": self.license_of(item).url}

    def item_copyright(self, item):
        license = self.license_of(item)
        return plain(f"{self.mentor_of(item).name}. {license.short_name}: {license.url}")

    def license_of(self, item):
        interview = item if isinstance(item, Interview) else item.interview
        return interview.reuse_license


class LatestInterviewsFeed(BaseFeed):
    """`/feed/`: the newest published interviews, each entry the whole interview."""

    title = f"New interviews · {settings.SITE_NAME}"
    subtitle = settings.SITE_TAGLINE

    def link(self):
        return reverse("interviews:mentor-list")

    def items(self):
        answers = (
            Answer.objects.select_related("question")
            .defer("search_vector")
            .order_by("question__position", "question__pk")
        )
        return (
            Interview.objects.published()
            .latest_changes(FEED_ITEMS)
            .select_related("mentor")
            .prefetch_related(Prefetch("answers", queryset=answers))[:FEED_ITEMS]
        )

    def mentor_of(self, interview):
        return interview.mentor

    def title_of(self, interview):
        mentor = interview.mentor
        return f"{mentor.name}, {mentor.headline}" if mentor.headline else mentor.name

    def item_link(self, interview):
        return interview.mentor.get_absolute_url()

    def item_description(self, interview):
        answers = list(interview.answers.all())
        if interview.revised_at:
            # What the latest update changed, then the interview's opening.
            changed = [a.question.title for a in answers if a.revised_at == interview.revised_at]
            if changed:
                return self.summary(
                    f"{updated_on(interview)}Changed answers: {', '.join(changed)}."
                )
        first = next(iter(answers), None)
        return self.summary(first.body_text if first else interview.mentor.bio)

    def item_content(self, interview):
        return render_to_string("interviews/feeds/interview_content.html", {"interview": interview})

    def item_pubdate(self, interview):
        return interview.published_at

    def item_updateddate(self, interview):
        return max(
            [interview.published_at, interview.updated_at]
            + [answer.updated_at for answer in interview.answers.all()]
        )


class AnswerFeed(BaseFeed):
    """Entries are single answers, newest interviews first."""

    def answers(self, obj):
        raise NotImplementedError

    def items(self, obj):
        return self.answers(obj).latest_changes(FEED_ITEMS).for_display()[:FEED_ITEMS]

    def mentor_of(self, answer):
        return answer.interview.mentor

    def item_link(self, answer):
        return answer.get_absolute_url()

    def item_description(self, answer):
        return self.summary(updated_on(answer) + answer.body_text)

    def item_content(self, answer):
        return answer.body_html

    def item_pubdate(self, answer):
        return answer.interview.published_at

    def item_updateddate(self, answer):
        # An answer written before its interview was published was last
        # updated, for readers, when it was published.
        return max(answer.updated_at, answer.interview.published_at)

    def item_categories(self, answer):
        return [plain(lesson.name) for lesson in answer.shown_lessons]


class QuestionFeed(AnswerFeed):
    """`/questions/<slug>/feed/`: new answers to one question."""

    def get_object(self, request, slug):
        return get_object_or_404(Question.objects.public(), slug=slug)

    def answers(self, question):
        return Answer.objects.published().filter(question=question)

    def title(self, question):
        return plain(f"New answers to “{question.title}” · {settings.SITE_NAME}")

    def subtitle(self, question):
        return plain(question.text)

    def link(self, question):
        return question.get_absolute_url()

    def title_of(self, answer):
        return answer.interview.mentor.name


class LessonFeed(AnswerFeed):
    """`/lessons/<slug>/feed/`: new answers carrying one lesson.

    Like the lesson's page: 404 while no published answer carries it, and a
    301 to the new address after a rename or merge (MovedOrGoneMiddleware).
    """

    def get_object(self, request, slug):
        return get_object_or_404(Lesson.objects.public(), slug=slug)

    def answers(self, lesson):
        return Answer.objects.published().with_lessons([lesson])

    def title(self, lesson):
        return plain(f"New answers on {lesson.name} · {settings.SITE_NAME}")

    def subtitle(self, lesson):
        return plain(f"Answers from mentors tagged with the lesson “{lesson.name}”.")

    def link(self, lesson):
        return lesson.get_absolute_url()

    def title_of(self, answer):
        return f"{answer.interview.mentor.name} on {answer.question.title.lower()}"


class MentorFeed(AnswerFeed):
    """`/mentors/<slug>/feed/`: one mentor's answers, the latest updated first,
    then in the interview's order.

    An approved update changes the entries' `updated` dates and titles, so a
    feed reader shows what the mentor rewrote. 404 (410 through
    MovedOrGoneMiddleware once withdrawn) for a mentor not published.
    """

    def get_object(self, request, slug):
        return get_object_or_404(Mentor.objects.published(), slug=slug)

    def answers(self, mentor):
        return Answer.objects.published().filter(interview__mentor=mentor)

    def items(self, mentor):
        return (
            self.answers(mentor)
            .for_display()
            .order_by(F("revised_at").desc(nulls_last=True), "question__position", "question__pk")
        )

    def title(self, mentor):
        return plain(f"Interview with {mentor.name} · {settings.SITE_NAME}")

    def subtitle(self, mentor):
        return plain(mentor.headline or f"{mentor.name} on applying machine learning at work.")

    def link(self, mentor):
        return mentor.get_absolute_url()

    def title_of(self, answer):
        return answer.question.title
