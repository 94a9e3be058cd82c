"""Factories named for the states tests need (PublishedInterviewFactory, ...)."""

import factory
from django.utils import timezone

from interviews.models import Answer, Interview, Mentor, Question
from interviews.models.enums import License


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Mentor Number{n}")
    slug = factory.Sequence(lambda n: f"mentor-{n}")
    role = "Staff ML Engineer"
    company = factory.Sequence(lambda n: f"Company {n}")
    bio = "Builds forecasting systems."
    email = factory.LazyAttribute(lambda o: f"{o.slug}@example.com")


class FollowUpQuestionFactory(factory.django.DjangoModelFactory):
    """A question asked of one mentor only; the standard set comes from a migration."""

    class Meta:
        model = Question

    text = factory.Sequence(lambda n: f"What about follow-up number {n}?")
    title = factory.Sequence(lambda n: f"Follow-up {n}")
    slug = factory.Sequence(lambda n: f"follow-up-{n}")
    position = 100
    is_standard = False


class DraftInterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    mentor = factory.SubFactory(MentorFactory)
    status = Interview.Status.DRAFT
    intro = "An *introduction*."


class SubmittedInterviewFactory(DraftInterviewFactory):
    status = Interview.Status.SUBMITTED
    license = License.CC_BY  # submitting needs the mentor's choice


class PublishedInterviewFactory(DraftInterviewFactory):
    status = Interview.Status.PUBLISHED
    license = License.CC_BY
    published_at = factory.Sequence(lambda n: timezone.now() - timezone.timedelta(days=n))


class WithdrawnInterviewFactory(DraftInterviewFactory):
    status = Interview.Status.WITHDRAWN
    license = License.CC_BY
    published_at = factory.LazyFunction(timezone.now)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer
        skip_postgeneration_save = True

    interview = factory.SubFactory(PublishedInterviewFactory)
    question = factory.LazyFunction(lambda: Question.objects.standard().first())
    body = factory.Sequence(lambda n: f"Answer number {n}: start with a **baseline**.")

    @factory.post_generation
    def lessons(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


def invitation_with_token(name="Ada Example", email="ada@example.com", days=30, **kwargs):
    """An invitation and the token of its link."""
    from interviews.models import Invitation

    invitation = Invitation.create_for(name=name, email=email, days=days, **kwargs)
    return invitation, invitation.token


def answer_by(name, question, lessons=(), interview_factory=PublishedInterviewFactory, **kw):
    """An answer to `question` by a new mentor called `name` (published by default)."""
    interview = interview_factory(mentor=MentorFactory(name=name))
    return AnswerFactory(interview=interview, question=question, lessons=list(lessons), **kw)
