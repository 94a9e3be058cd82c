"""An answer's own page: permalink, the way onward, related answers."""

import pytest
from django.utils.html import escape

from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
    WithdrawnInterviewFactory,
)

pytestmark = pytest.mark.django_db

SHARED_WORDS = "Shadow deployments compare champion and challenger models on live traffic."


def answer_by(name, question, body="An answer.", lessons=(), interview_factory=None, **kw):
    interview = (interview_factory or PublishedInterviewFactory)(
        mentor=MentorFactory(name=name, **kw)
    )
    return AnswerFactory(interview=interview, question=question, body=body, lessons=list(lessons))


def test_every_answer_has_its_own_page(client, questions):
    interview = PublishedInterviewFactory(
        mentor=MentorFactory(name="Ada Example", slug="ada-example", company="Initech")
    )
    first = AnswerFactory(interview=interview, question=questions[0], body="First.")
    answer = AnswerFactory(
        interview=interview, question=questions[3], body="Ask *why* first.", lessons=["scoping"]
    )
    last = AnswerFactory(interview=interview, question=questions[7], body="Last.")

    url = f"/mentors/ada-example/{questions[3].slug}/"
    assert answer.get_absolute_url() == url
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{escape(questions[3].text)}</h1>" in html
    assert "Ask <em>why</em> first." in html
    assert 'href="/mentors/ada-example/">Ada Example</a>, Staff ML Engineer, Initech' in html
    assert f'href="{url}" rel="bookmark">Link to this answer</a>' in html
    # Onward: the answer in its interview, every answer to the question, the lesson,
    # and the mentor's previous and next answers.
    assert f'href="/mentors/ada-example/#{questions[3].slug}"' in html
    assert f'href="{questions[3].get_absolute_url()}"' in html
    assert 'href="/lessons/scoping/"' in html
    assert f'rel="prev" href="{first.get_absolute_url()}"' in html
    assert f'rel="next" class="prev-next__next" href="{last.get_absolute_url()}"' in html


def test_mentor_page_keeps_anchors_and_links_each_answer_page(client, questions):
    answer = answer_by("Anchored", questions[2])
    html = client.get(answer.interview.mentor.get_absolute_url()).content.decode()
    assert f'id="{questions[2].slug}"' in html
    assert (
        answer.get_anchor_url()
        == f"{answer.interview.mentor.get_absolute_url()}#{questions[2].slug}"
    )
    assert f'href="{answer.get_absolute_url()}" rel="bookmark">Link to this answer' in html


def test_answer_cards_link_to_the_answer_page(client, questions):
    answer = answer_by("Carded", questions[4], lessons=["cards"])
    for url in (questions[4].get_absolute_url(), "/lessons/cards/"):
        html = client.get(url).content.decode()
        assert f'href="{answer.get_absolute_url()}" rel="bookmark"' in html, url


@pytest.mark.parametrize(
    "factory, status", [(DraftInterviewFactory, 404), (WithdrawnInterviewFactory, 410)]
)
def test_unpublished_answers_have_no_page(client, questions, factory, status):
    answer = answer_by("Hidden", questions[0], interview_factory=factory)
    assert client.get(answer.get_absolute_url()).status_code == status


def test_unknown_answers_are_404(client, questions):
    answer = answer_by("Known", questions[0])
    mentor_slug = answer.interview.mentor.slug
    assert client.get(f"/mentors/{mentor_slug}/{questions[1].slug}/").status_code == 404
    assert client.get(f"/mentors/{mentor_slug}/no-such-question/").status_code == 404
    assert client.get(f"/mentors/nobody/{questions[0].slug}/").status_code == 404


def related_names(client, answer):
    response = client.get(answer.get_absolute_url())
    return [a.interview.mentor.name for a in response.context["related_answers"]]


def test_related_answers_share_lessons_or_vocabulary(client, questions):
    question = questions[11]
    answer = answer_by("Reader", question, SHARED_WORDS, ["shadow deployments", "monitoring"])
    answer_by("Two Lessons", question, "Alerts.", ["shadow deployments", "monitoring"])
    answer_by("One Lesson", question, "Dashboards.", ["monitoring"])
    answer_by("Same Words", question, f"{SHARED_WORDS} Then we promote the challenger.")
    answer_by("Unrelated", question, "I ask the sales team what went wrong.", ["sales"])
    answer_by("Other Question", questions[10], SHARED_WORDS, ["monitoring"])

    assert related_names(client, answer) == ["Two Lessons", "One Lesson", "Same Words"]


def test_related_answers_exclude_the_mentors_own_and_unpublished_ones(client, questions):
    question = questions[11]
    answer = answer_by("Reader", question, SHARED_WORDS, ["monitoring"])
    AnswerFactory(interview=answer.interview, question=questions[10], lessons=["monitoring"])
    for factory in (DraftInterviewFactory, WithdrawnInterviewFactory):
        answer_by(f"Not {factory.__name__}", question, SHARED_WORDS, ["monitoring"], factory)
    answer_by("Published", question, SHARED_WORDS, ["monitoring"])

    assert related_names(client, answer) == ["Published"]


def test_at_most_five_related_answers(client, questions):
    answer = answer_by("Reader", questions[1], lessons=["careers"])
    for n in range(7):
        answer_by(f"Peer{n}", questions[1], lessons=["careers"])
    html = client.get(answer.get_absolute_url()).content.decode()
    assert html.count('class="related-answer"') == 5


@pytest.mark.parametrize("others", [3, 30])
def test_answer_page_query_count_is_constant(client, questions, django_assert_num_queries, others):
    answer = answer_by("Reader", questions[5], SHARED_WORDS, ["monitoring"])
    for n in range(others):
        answer_by(f"Peer{n}", questions[5], SHARED_WORDS, ["monitoring", f"lesson {n}"])
    for question in questions[6:9]:
        AnswerFactory(interview=answer.interview, question=question)
    # answer with question, mentor and lessons, the interview's answers
    # (previous/next), related answers with theirs
    with django_assert_num_queries(3):
        response = client.get(answer.get_absolute_url())
    assert len(response.context["related_answers"]) == min(others, 5)
