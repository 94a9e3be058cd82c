"""Answers that change over time: approving a mentor's revision keeps each
changed answer's earlier version; readers see "Updated on", the versions
with a word diff, and the interview's updates; editors can ask a published
mentor to revisit chosen questions."""

import re

import pytest
from django.utils import timezone

from interviews import services
from interviews.models import Answer, AnswerVersion, Interview, Revision
from tests.factories import AnswerFactory, invitation_with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(questions, editor):
    """A published interview (Ada Example) with two answers."""
    invitation, _ = invitation_with_token(name="Ada Example", email="ada@example.com")
    interview = invitation.interview
    AnswerFactory(interview=interview, question=questions[0], body="Start with a *baseline* model.")
    AnswerFactory(interview=interview, question=questions[1], body="Talk to the users.")
    interview.submit()
    interview.publish(by=editor)
    return Interview.objects.get(pk=interview.pk)


def approve(interview, editor, bodies):
    """Approve a revision of `interview` whose answers say `bodies` ({question: text})."""
    revision = Revision.start_from(interview)
    for answer in revision.answers.all():
        if answer.question in bodies:
            answer.body = bodies[answer.question]
            answer.save()
    revision.submit()
    services.approve_revision(revision, by=editor)
    return revision


def test_approving_keeps_the_replaced_text_of_each_changed_answer(published, questions, editor):
    revision = approve(published, editor, {questions[0]: "Start with a *simple* model."})

    changed = Answer.objects.get(interview=published, question=questions[0])
    unchanged = Answer.objects.get(interview=published, question=questions[1])
    (version,) = AnswerVersion.objects.all()
    assert version.answer == changed and version.number == 1
    assert version.body == "Start with a *baseline* model."
    assert version.body_html == "<p>Start with a <em>baseline</em> model.</p>"
    assert version.public_from == published.published_at
    assert version.public_until == changed.revised_at
    assert version.replaced_by == revision
    assert unchanged.revised_at is None and not unchanged.versions.exists()
    assert Interview.objects.get(pk=published.pk).revised_at == changed.revised_at


def test_a_second_update_numbers_on_from_the_first(published, questions, editor):
    approve(published, editor, {questions[0]: "Second text."})
    first_update = Answer.objects.get(question=questions[0]).revised_at
    approve(published, editor, {questions[0]: "Third text."})

    versions = list(Answer.objects.get(question=questions[0]).versions.order_by("number"))
    assert [(v.number, v.body) for v in versions] == [
        (1, "Start with a *baseline* model."),
        (2, "Second text."),
    ]
    assert versions[1].public_from == first_update == versions[0].public_until


def test_an_answer_added_by_an_update_has_no_earlier_version(published, questions, editor):
    revision = Revision.start_from(published)
    revision.answers.create(question=questions[2], body="A new answer.")
    revision.submit()
    services.approve_revision(revision, by=editor)

    added = Answer.objects.get(question=questions[2])
    assert added.revised_at is None and not AnswerVersion.objects.exists()
    assert Interview.objects.get(pk=published.pk).revised_at is None


def test_the_answer_page_says_updated_and_links_its_versions(client, published, questions, editor):
    answer = Answer.objects.get(question=questions[0])
    assert "Updated on" not in client.get(answer.get_absolute_url()).content.decode()

    approve(published, editor, {questions[0]: "Start with a *simple* model."})
    answer.refresh_from_db()

    html = client.get(answer.get_absolute_url()).content.decode()
    when = timezone.localtime(answer.revised_at).replace(microsecond=0).isoformat()
    assert f'Updated on <time datetime="{when}">' in html
    assert f'href="{answer.get_absolute_url()}versions/"' in html


def test_the_versions_page_lists_every_version_and_points_search_engines_away(
    client, published, questions, editor
):
    approve(published, editor, {questions[0]: "Second text."})
    approve(published, editor, {questions[0]: "Third text."})
    answer = Answer.objects.get(question=questions[0])

    response = client.get(f"{answer.get_absolute_url()}versions/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{answer.get_absolute_url()}versions/1/"' in html
    assert f'href="{answer.get_absolute_url()}versions/2/"' in html
    assert html.index("versions/2/") < html.index("versions/1/")  # newest first
    assert '<meta name="robots" content="noindex, follow">' in html
    assert f'<link rel="canonical" href="http://testserver{answer.get_absolute_url()}">' in html


def test_a_version_page_shows_its_text_and_a_word_diff_against_the_next(
    client, published, questions, editor
):
    approve(published, editor, {questions[0]: "Start with a *simple* model."})
    approve(published, editor, {questions[0]: "Start with a *simple* model, then iterate."})
    answer = Answer.objects.get(question=questions[0])

    first = client.get(f"{answer.get_absolute_url()}versions/1/").content.decode()
    assert "<p>Start with a <em>baseline</em> model.</p>" in first
    diff = re.search(r'<div class="word-diff">(.*?)</div>', first, re.S).group(1)
    assert (
        '<del><span class="visually-hidden">[removed: </span>baseline'
        '<span class="visually-hidden">]</span></del>'
    ) in diff
    assert '<ins><span class="visually-hidden">[added: </span>simple' in diff
    assert "iterate" not in diff  # against version 2, not the current text
    assert '<meta name="robots" content="noindex, follow">' in first
    assert f'<link rel="canonical" href="http://testserver{answer.get_absolute_url()}">' in first

    second = client.get(f"{answer.get_absolute_url()}versions/2/").content.decode()
    diff = re.search(r'<div class="word-diff">(.*?)</div>', second, re.S).group(1)
    assert "[added: </span>, then iterate" in diff  # against the current answer
    assert "the current answer" in second


def test_versions_that_do_not_exist_are_404(client, published, questions, editor):
    answer = Answer.objects.get(question=questions[1])
    assert client.get(f"{answer.get_absolute_url()}versions/").status_code == 404  # never updated
    approve(published, editor, {questions[1]: "Talk to the users first."})
    assert client.get(f"{answer.get_absolute_url()}versions/1/").status_code == 200
    assert client.get(f"{answer.get_absolute_url()}versions/2/").status_code == 404
    assert client.get(f"{answer.get_absolute_url()}versions/0/").status_code == 404


def test_versions_of_a_withdrawn_interview_are_gone_with_it(client, published, questions, editor):
    approve(published, editor, {questions[0]: "Second text."})
    answer = Answer.objects.get(question=questions[0])
    services.withdraw(published, by=editor, note="Asked to")
    assert client.get(f"{answer.get_absolute_url()}versions/1/").status_code in {404, 410}


def test_the_interview_page_lists_its_updates(client, published, questions, editor):
    assert 'id="updates"' not in client.get(published.get_absolute_url()).content.decode()
    approve(published, editor, {questions[0]: "Second text.", questions[1]: "Ask the users."})
    approve(published, editor, {questions[0]: "Third text."})
    interview = Interview.objects.get(pk=published.pk)

    html = client.get(interview.get_absolute_url()).content.decode()
    section = re.search(r'<section class="updates".*?</section>', html, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert len(items) == 2  # two updates, newest first
    slug = interview.mentor.slug
    assert f'href="/mentors/{slug}/{questions[0].slug}/versions/2/"' in items[0]
    assert questions[1].slug not in items[0]
    assert f'href="/mentors/{slug}/{questions[0].slug}/versions/1/"' in items[1]
    assert f'href="/mentors/{slug}/{questions[1].slug}/versions/1/"' in items[1]
    when = timezone.localtime(interview.revised_at).replace(microsecond=0).isoformat()
    assert f'<a href="#updates">Updated on <time datetime="{when}">' in html
