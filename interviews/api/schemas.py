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

from ..models import Lesson, Mentor, Question


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

    @staticmethod
    def resolve_mentor(answer):
        return answer.interview.mentor


class MentorOut(ModelSchema):
    """A mentor, read from `published_mentors()` (their interview's fields annotated)."""

    photo_url: str | None = Field(description="Their photo, if they gave one.")
    intro_html: str = Field(description="The interview's introduction, as sanitized HTML.")
    published_at: datetime = Field(description="When their interview was published.")
    url: str
    answers_url: str = Field(description="Their published answers, in this API.")

    class Meta:
        model = Mentor
        fields = [
            "id",
            "slug",
            "name",
            "role",
            "company",
            "bio",
            "website",
            "linkedin",
            "github",
            "x",
            "photo_credit",
        ]

    @staticmethod
    def resolve_photo_url(mentor):
        if not mentor.photo:
            return None
        # MEDIA_URL is a path, or a CDN's absolute address.
        url = mentor.photo.url
        return url if urlsplit(url).scheme else settings.SITE_URL + url

    @staticmethod
    def resolve_url(mentor):
        return page_url(mentor)

    @staticmethod
    def resolve_answers_url(mentor):
        return api_url(f"answers/?mentor={mentor.slug}")


class MentorDetail(MentorOut):
    answers: list[AnswerBase] = Field(description="Their published answers, in question order.")
