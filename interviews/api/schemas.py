"""What the API shows of each thing, field by field.

Every schema names its fields: a field added to a model stays out of the
API until it is listed here, so nothing private (a mentor's email, an
invitation, an editor's note or name, a draft) can appear by accident.
Items carry their stable `id`, their slug where they have one and `url`,
the absolute address of their page on the site.
"""

from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from ninja import Field, ModelSchema, Schema

from ..models import Lesson, Question


def page_url(obj):
    """The absolute address of `obj`'s page on the site."""
    return settings.SITE_URL + obj.get_absolute_url()


def api_url(path):
    return f"{settings.SITE_URL}/api/v1/{path}"


class Error(Schema):
    detail: str = Field(description="What was wrong, in a sentence.")


class LessonRef(Schema):
    slug: str
    name: str


class QuestionRef(Schema):
    id: int
    slug: str
    title: str
    url: str

    @staticmethod
    def resolve_url(question):
        return page_url(question)


class MentorRef(Schema):
    id: int
    slug: str
    name: str
    role: str
    company: str
    url: str

    @staticmethod
    def resolve_url(mentor):
        return page_url(mentor)


class QuestionOut(ModelSchema):
    answer_count: int = Field(description="Published answers to the question.")
    url: str
    answers_url: str = Field(description="Its published answers, in this API.")

    class Meta:
        model = Question
        fields = ["id", "slug", "title", "text", "position", "is_standard"]

    @staticmethod
    def resolve_answer_count(question):
        return question.published_answer_count

    @staticmethod
    def resolve_url(question):
        return page_url(question)

    @staticmethod
    def resolve_answers_url(question):
        return api_url(f"answers/?question={question.slug}")


class LessonOut(ModelSchema):
    answer_count: int = Field(description="Published answers carrying the lesson.")
    url: str
    answers_url: str = Field(description="Its published answers, in this API.")

    class Meta:
        model = Lesson
        fields = ["id", "slug", "name"]

    @staticmethod
    def resolve_answer_count(lesson):
        return lesson.published_answer_count

    @staticmethod
    def resolve_url(lesson):
        return page_url(lesson)

    @staticmethod
    def resolve_answers_url(lesson):
        return api_url(f"answers/?lesson={lesson.slug}")


class LicenseOut(Schema):
    code: str = Field(description='"cc-by-4.0", or "all-rights-reserved" (also until chosen).')
    name: str
    url: str = Field(description="The licence's text, or the site's note on all rights reserved.")

    @staticmethod
    def resolve_code(license):
        return license.value

    @staticmethod
    def resolve_name(license):
        return license.short_name

    @staticmethod
    def resolve_url(license):
        return license.url


class AnswerBase(Schema):
    id: int
    url: str = Field(description="The answer's own page.")
    question: QuestionRef
    published_at: datetime = Field(description="When its interview was published.")
    updated_at: datetime
    body_html: str = Field(description="The answer as sanitized HTML.")
    body_text: str = Field(description="The answer as plain text.")
    lessons: list[LessonRef] = Field(description="The lessons editors tagged it with, by name.")

    @staticmethod
    def resolve_url(answer):
        return page_url(answer)

    @staticmethod
    def resolve_lessons(answer):
        return answer.shown_lessons


class AnswerOut(AnswerBase):
    mentor: MentorRef
    license: LicenseOut = Field(description="How others may reuse it (its interview's licence).")

    @staticmethod
    def resolve_license(answer):
        return answer.interview.reuse_license

    @staticmethod
    def resolve_mentor(answer):
        return answer.interview.mentor


class MentorOut(Schema):
    """A mentor, read from their published interview (`select_related("mentor")`)."""

    id: int = Field(alias="mentor.id")
    slug: str = Field(alias="mentor.slug")
    name: str = Field(alias="mentor.name")
    role: str = Field(alias="mentor.role")
    company: str = Field(alias="mentor.company")
    bio: str = Field(alias="mentor.bio")
    website: str = Field(alias="mentor.website")
    linkedin: str = Field(alias="mentor.linkedin")
    github: str = Field(alias="mentor.github")
    x: str = Field(alias="mentor.x")
    photo_url: str | None = Field(description="Their photo, if they gave one.")
    photo_credit: str = Field(alias="mentor.photo_credit")
    intro_html: str = Field(description="The interview's introduction, as sanitized HTML.")
    published_at: datetime = Field(description="When their interview was published.")
    license: LicenseOut = Field(description="How others may reuse their interview.")
    url: str
    answers_url: str = Field(description="Their published answers, in this API.")

    @staticmethod
    def resolve_photo_url(interview):
        photo = interview.mentor.photo
        if not photo:
            return None
        # MEDIA_URL is a path, or a CDN's absolute address.
        return photo.url if urlsplit(photo.url).scheme else settings.SITE_URL + photo.url

    @staticmethod
    def resolve_license(interview):
        return interview.reuse_license

    @staticmethod
    def resolve_url(interview):
        return page_url(interview.mentor)

    @staticmethod
    def resolve_answers_url(interview):
        return api_url(f"answers/?mentor={interview.mentor.slug}")


class MentorDetail(MentorOut):
    answers: list[AnswerBase] = Field(description="Their published answers, in question order.")

    @staticmethod
    def resolve_answers(interview):
        return interview.answers_shown
