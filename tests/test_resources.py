"""Resources mentors cite: links normalised and recorded at save, their counts
through every path that changes what is public, /resources/ and its filters,
and the short lists and state of practice on question and lesson pages."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interviews import services
from interviews.citations import cited_links, normalise_url
from interviews.models import (
    Answer,
    Citation,
    Interview,
    Lesson,
    LessonResource,
    QuestionResource,
    Resource,
    refresh_counts,
    refresh_resource_counts,
)
from interviews.views import practice
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
    answer_by,
)

pytestmark = pytest.mark.django_db

PAPER = "https://arxiv.org/abs/1810.03993"
REPO = "https://github.com/evidentlyai/evidently"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("https://arxiv.org/abs/1810.03993", PAPER),
        ("HTTP://WWW.ArXiv.org/abs/1810.03993/", PAPER),
        ("http://arxiv.org/abs/1810.03993#section-2", PAPER),
        ("https://arxiv.org/abs/1810.03993?utm_source=x&utm_medium=email&fbclid=1", PAPER),
        ("https://arxiv.org/abs/1810.03993?gclid=2&ref=blog&mc_cid=3&mc_eid=4", PAPER),
        ("https://arxiv.org:443/abs/1810.03993", PAPER),
        ("https://user@arxiv.org/abs/1810.03993", PAPER),
        ("https://example.org/a?b=2&a=1&utm_campaign=c", "https://example.org/a?a=1&b=2"),
        ("https://example.org/Case/Kept", "https://example.org/Case/Kept"),
        ("https://example.org:8080/x/", "https://example.org:8080/x"),
        ("https://www.example.org/", "https://example.org"),
        ("https://example.org/search?q=a+b", "https://example.org/search?q=a+b"),
    ],
)
def test_urls_are_normalised(href, expected):
    assert normalise_url(href)[0] == expected


@pytest.mark.parametrize(
    "href",
    [
        "mailto:someone@example.org",
        "/questions/new-problem/",
        "#footnote",
        "ftp://example.org/file",
        "https://[broken/",
        "https://example.org:notaport/",
        "https://127.0.0.1:8000/mentors/someone/",  # this site (SITE_URL)
        "http://localhost/lessons/",  # this site (ALLOWED_HOSTS)
        "https://example.org/" + "a" * 2100,
    ],
)
def test_links_that_are_not_resources_are_skipped(href):
    assert normalise_url(href, own_hosts={"127.0.0.1", "localhost"}) is None


def test_links_are_read_from_the_stored_html_with_their_text():
    html = (
        f'<p>Read <a href="{PAPER}/">“Model Cards for <em>Model</em> Reporting”</a>, '
        f'<a href="http://www.arxiv.org/abs/1810.03993?utm_source=x">again</a>, '
        '<a href="mailto:a@example.org">me</a>, <a href="/lessons/">lessons</a> and '
        f'<a href="{REPO}"><img src="x.png" alt="Evidently"></a>.</p>'
    )
    assert cited_links(html, own_hosts=set()) == {
        PAPER: ("arxiv.org", "Model Cards for Model Reporting"),
        REPO: ("github.com", "Evidently"),
    }


def linking(*links):
    """Markdown citing each (url, text)."""
    return "Useful: " + ", ".join(f"[{text}]({url})" for url, text in links) + "."


def cite(question, name, *links, interview_factory=PublishedInterviewFactory, lessons=()):
    return answer_by(name, question, lessons, interview_factory, body=linking(*links))


def counts():
    return {
        r.url: (r.citation_count, r.mentor_count)
        for r in Resource.objects.filter(citation_count__gt=0)
    }


def recount():
    """The counts the slow way, through Interview.public_filter()."""
    public = Citation.objects.filter(Interview.public_filter("answer__interview__"))
    return {
        url: (n, mentors)
        for url, n, mentors in public.values_list("resource__url")
        .annotate(n=Count("pk"), mentors=Count("answer__interview__mentor", distinct=True))
        .order_by()
    }


def per_question():
    return {
        (u.question_id, u.resource.url): u.answer_count
        for u in QuestionResource.objects.select_related("resource")
    }


def assert_in_step():
    assert counts() == recount()
    public = Citation.objects.filter(Interview.public_filter("answer__interview__"))
    assert per_question() == {
        (q, url): n
        for q, url, n in public.values_list("answer__question", "resource__url")
        .annotate(n=Count("pk"))
        .order_by()
    }
    tagged = public.filter(answer__taggedanswer__isnull=False)
    assert per_lesson() == {
        (lesson, url): (n, mentors)
        for lesson, url, n, mentors in tagged.values_list(
            "answer__taggedanswer__tag__name", "resource__url"
        )
        .annotate(
            n=Count("answer", distinct=True), mentors=Count("answer__interview", distinct=True)
        )
        .order_by()
    }


def per_lesson():
    return {
        (row.lesson.name, row.resource.url): (row.answer_count, row.mentor_count)
        for row in LessonResource.objects.select_related("lesson", "resource")
    }


def test_links_are_recorded_at_save_for_drafts_too_and_counted_once_published(questions, editor):
    draft = DraftInterviewFactory(mentor=MentorFactory(name="Draft Mentor"))
    answer = AnswerFactory(
        interview=draft, question=questions[0], body=linking((PAPER, "Model cards"))
    )
    assert list(answer.citations.values_list("resource__url", "text")) == [(PAPER, "Model cards")]
    assert counts() == {}

    draft.publish(by=editor)

    assert counts() == {PAPER: (1, 1)}
    assert Resource.objects.get(url=PAPER).title == "Model cards"
    assert_in_step()


def test_editing_a_published_answer_moves_its_counts(questions):
    answer = cite(questions[0], "Editor Mentor", (PAPER, "paper"), (REPO, "Evidently"))
    cite(questions[1], "Other Mentor", (REPO, "Evidently"))
    assert counts() == {PAPER: (1, 1), REPO: (2, 2)}

    answer.body = linking((REPO, "Evidently, the tool"))
    answer.save()

    assert counts() == {REPO: (2, 2)}
    assert answer.citations.get().text == "Evidently, the tool"
    assert_in_step()


def test_withdrawing_and_republishing_take_the_citations_with_them(questions, editor):
    answer = cite(questions[0], "Withdrawn Mentor", (PAPER, "paper"))
    interview = answer.interview

    services.withdraw(interview, by=editor, note="Asked to.")
    assert counts() == {}
    assert QuestionResource.objects.count() == 0

    interview.refresh_from_db()
    interview.republish(by=editor)
    assert counts() == {PAPER: (1, 1)}
    assert_in_step()


def test_deleting_an_answer_or_an_interview_removes_its_citations(questions):
    first = cite(questions[0], "First Mentor", (PAPER, "paper"), (REPO, "repo"))
    second = cite(questions[0], "Second Mentor", (PAPER, "paper"))
    AnswerFactory(interview=second.interview, question=questions[1], body=linking((REPO, "x")))

    first.delete()
    assert counts() == {PAPER: (1, 1), REPO: (1, 1)}
    assert_in_step()

    second.interview.delete()
    assert counts() == {}
    assert_in_step()


def test_one_mentor_citing_in_two_answers_is_two_citations_by_one_mentor(questions):
    answer = cite(questions[0], "Keen Mentor", (PAPER, "paper"))
    AnswerFactory(interview=answer.interview, question=questions[1], body=linking((PAPER, "paper")))
    assert counts() == {PAPER: (2, 1)}


def test_merging_lessons_keeps_counts_and_moves_the_lesson_filter(client, questions):
    cite(questions[0], "Tagged Mentor", (PAPER, "paper"), lessons=["ml ops"])
    cite(questions[1], "Other Mentor", (REPO, "repo"), lessons=["MLOps"])
    before = counts()
    mlops = Lesson.objects.get(name="MLOps")

    services.merge_lessons(mlops, [Lesson.objects.get(name="ml ops")])

    assert counts() == before
    assert_in_step()
    page = client.get("/resources/?tag=mlops")
    assert {r.url for r in page.context["resources"]} == {PAPER, REPO}
    lesson_page = client.get("/lessons/mlops/")
    assert {r.url for r in lesson_page.context["top_resources"]} == {PAPER, REPO}
    # The merged lesson's address on /resources/ moves to the survivor.
    assert client.get("/resources/?tag=ml-ops").headers["Location"] == "/resources/?tag=mlops"


def test_the_title_is_the_link_text_used_most_never_here_or_an_address(questions):
    cite(questions[0], "A", (PAPER, "here"))
    cite(questions[0], "B", (PAPER, "arxiv.org/abs/1810.03993"))
    assert Resource.objects.get(url=PAPER).shown_title == "arxiv.org/abs/1810.03993"
    cite(questions[0], "C", (PAPER, "Model Cards for Model Reporting"))
    cite(questions[1], "D", (PAPER, "Model cards"))
    cite(questions[2], "E", (PAPER, "Model cards"))
    assert Resource.objects.get(url=PAPER).title == "Model cards"


def test_a_recount_repairs_counts_that_drifted(questions):
    cite(questions[0], "A", (PAPER, "Model cards"))
    Resource.objects.update(citation_count=9, mentor_count=9, title="wrong")
    QuestionResource.objects.all().delete()

    refresh_resource_counts()

    assert_in_step()
    assert Resource.objects.get(url=PAPER).title == "Model cards"


def test_the_migration_fills_citations_from_answers_already_stored(questions):
    cite(questions[0], "A", (PAPER, "paper"), (REPO, "repo"))
    cite(questions[1], "B", (REPO, "repo"), interview_factory=DraftInterviewFactory)
    Resource.objects.all().delete()

    importlib.import_module("interviews.migrations.0017_resources").fill(apps, None)

    assert counts() == {PAPER: (1, 1), REPO: (1, 1)}
    assert Citation.objects.count() == 3
    assert_in_step()


# --- /resources/ ------------------------------------------------------------------


def resource_urls(response):
    return [resource.url for resource in response.context["resources"]]


def test_the_page_lists_the_most_cited_with_their_mentors_and_answers(client, questions):
    first = cite(questions[0], "Ada Citer", (REPO, "Evidently"))
    cite(questions[1], "Grace Citer", (REPO, "Evidently"), (PAPER, "Model cards"))
    cite(questions[2], "Hidden Citer", (PAPER, "x"), interview_factory=DraftInterviewFactory)

    response = client.get("/resources/")

    assert response.status_code == 200
    assert resource_urls(response) == [REPO, PAPER]
    html = response.content.decode()
    assert "Cited in 2 answers by 2 mentors" in html
    assert f'href="{first.get_absolute_url()}">Ada Citer</a>' in html
    assert "Hidden Citer" not in html
    assert '<span class="resource__host">github.com</span>' in html
    assert 'href="?host=github.com"' in html  # the site filter


def test_a_resource_one_mentor_cites_often_is_listed_below_one_two_mentors_cite(client, questions):
    keen = cite(questions[0], "Keen Mentor", (PAPER, "paper"))
    for question in questions[1:4]:
        AnswerFactory(interview=keen.interview, question=question, body=linking((PAPER, "paper")))
    cite(questions[0], "One", (REPO, "repo"))
    cite(questions[1], "Two", (REPO, "repo"))

    response = client.get("/resources/")

    assert resource_urls(response) == [REPO, PAPER]  # 4 citations, but one mentor
    assert "Cited in 4 answers by 1 mentor" in response.content.decode()


def test_filters_by_question_lessons_and_site(client, questions):
    cite(questions[0], "A", (PAPER, "paper"), lessons=["drift", "monitoring"])
    cite(questions[0], "B", (REPO, "repo"), lessons=["drift"])
    cite(questions[1], "C", ("https://github.com/other/tool", "tool"), lessons=["monitoring"])

    by_question = client.get(f"/resources/?question={questions[0].slug}")
    assert set(resource_urls(by_question)) == {PAPER, REPO}
    both = client.get("/resources/?tag=drift&tag=monitoring")
    assert resource_urls(both) == [PAPER]
    one = client.get("/resources/?tag=monitoring")
    assert set(resource_urls(one)) == {PAPER, "https://github.com/other/tool"}
    combined = client.get(f"/resources/?question={questions[0].slug}&tag=drift&host=github.com")
    assert resource_urls(combined) == [REPO]
    site = client.get("/resources/?host=www.GitHub.com")
    assert set(resource_urls(site)) == {REPO, "https://github.com/other/tool"}
    assert "Showing all 2 resources" in site.content.decode()


def test_the_list_is_paged(client, questions, monkeypatch):
    monkeypatch.setattr("interviews.views.resources.RESOURCES_PER_PAGE", 2)
    for n in range(5):
        cite(questions[0], f"Mentor {n}", (f"https://example.org/{n}", f"Resource {n}"))

    first, last = client.get("/resources/"), client.get("/resources/?page=3")

    assert len(first.context["resources"]) == 2 and len(last.context["resources"]) == 1
    assert 'href="?page=2"' in first.content.decode()
    filtered = client.get(f"/resources/?question={questions[0].slug}&page=3")
    assert len(filtered.context["resources"]) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("question=no-such-question", "No question has the address “no-such-question”."),
        ("tag=no-such-lesson", "No lesson called"),
        ("page=999", "There is no page 999 of this list: it has 1 page."),
        ("page=abc", "There is no page abc"),
        ("host=%3Cscript%3E", "That is not the name of a site."),
    ],
)
def test_bad_parameters_answer_a_clear_page(client, questions, query, message):
    cite(questions[0], "A", (PAPER, "paper"))
    response = client.get(f"/resources/?{query}")
    assert response.status_code == 404
    html = response.content.decode()
    assert message in html
    assert '<a href="/resources/">Show every resource</a>' in html


def test_an_empty_site_says_so(client, questions):
    response = client.get("/resources/")
    assert response.status_code == 200
    assert "No published answer cites a resource yet" in response.content.decode()


# --- question and lesson pages ------------------------------------------------------


def test_a_question_page_shows_its_state_of_practice(client, questions):
    question = questions[0]
    old = cite(question, "Old Mentor", (PAPER, "paper"), lessons=["drift", "monitoring"])
    Interview.objects.filter(pk=old.interview_id).update(
        published_at=timezone.now().replace(year=2023)
    )
    old.interview.refresh_from_db()
    old.interview.answers.all().update_published_at()
    cite(question, "New Mentor", (PAPER, "paper"), lessons=["drift"])
    cite(question, "Third Mentor", (REPO, "repo"))
    answer_by("Quiet Mentor", question, ["drift"])
    cite(questions[1], "Elsewhere", (REPO, "repo"), (REPO + "/x", "other"))
    # This year, whatever the factories' sequence of dates has reached; bulk
    # updates send no signals, so the counts are refreshed as their callers do.
    Interview.objects.exclude(pk=old.interview_id).update(published_at=timezone.now())
    Answer.objects.all().update_published_at()
    refresh_counts()

    response = client.get(question.get_absolute_url())

    html = response.content.decode()
    section = html[html.index('<section class="practice"') : html.index('<div id="filter-results"')]
    assert '<span class="practice__figure">4</span> mentors answered' in section
    assert re.search(r">drift</a> <span class=\"count\">75%", section)
    assert re.search(r">monitoring</a> <span class=\"count\">25%", section)
    assert section.index(PAPER) < section.index(REPO)  # 2 mentors before 1
    assert REPO + "/x" not in section  # cited on another question only
    assert f'href="/resources/?question={question.slug}"' in section
    assert '<svg class="year-chart" role="img" aria-labelledby="years-title years-desc"' in section
    year = timezone.now().year
    assert f"2023: 1 answer; 2024: 0 answers; 2025: 0 answers; {year}: 3 answers." in section
    assert f"<tr><td>{year}</td><td>3</td></tr>" in section


def test_answers_by_year_are_stored_and_follow_a_redated_interview(questions):
    answer = cite(questions[0], "Dated Mentor", (PAPER, "paper"))
    year = answer.interview.published_at.year
    questions[0].refresh_from_db()
    assert questions[0].answers_by_year == {str(year): 1}

    interview = answer.interview
    interview.published_at = interview.published_at.replace(year=2021)
    interview.save()

    questions[0].refresh_from_db()
    assert questions[0].answers_by_year == {"2021": 1}


def test_year_bars_scale_to_the_highest_and_fill_missing_years():
    bars = practice.year_bars({2021: 2, 2023: 4})
    assert [(bar.year, bar.count) for bar in bars] == [(2021, 2), (2022, 0), (2023, 4)]
    assert bars[2].height == 2 * bars[0].height and bars[1].height == 0
    assert all(bar.y + bar.height == practice.CHART_HEIGHT - practice.LABEL_HEIGHT for bar in bars)
    assert practice.year_bars({}) == []


def test_a_question_without_answers_shows_no_chart(client, questions):
    html = client.get(questions[3].get_absolute_url()).content.decode()
    assert '<span class="practice__figure">0</span> mentors answered' in html
    assert "<svg" not in html


def test_a_lesson_page_reads_stored_counts_that_follow_tagging(client, questions):
    answer = cite(questions[0], "A", (PAPER, "paper"), lessons=["drift"])
    cite(questions[1], "A2", (REPO, "repo"), lessons=["drift", "monitoring"])
    assert per_lesson() == {
        ("drift", PAPER): (1, 1),
        ("drift", REPO): (1, 1),
        ("monitoring", REPO): (1, 1),
    }

    answer.tags.add("monitoring")
    assert per_lesson()[("monitoring", PAPER)] == (1, 1)
    answer.tags.remove("drift")
    assert ("drift", PAPER) not in per_lesson()
    assert_in_step()

    # The lesson's own page reads the stored rows, not its answers' citations.
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/lessons/monitoring/")
    assert [r.url for r in page.context["top_resources"]] == [PAPER, REPO]
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "interviews_lessonresource" in sql and "interviews_citation" not in sql


def test_a_lesson_page_shows_what_its_answers_cite_most(client, questions):
    cite(questions[0], "A", (PAPER, "paper"), lessons=["drift"])
    cite(questions[1], "B", (PAPER, "paper"), lessons=["drift"])
    cite(questions[2], "C", (REPO, "repo"), lessons=["drift"])
    cite(questions[2], "D", ("https://example.org/untagged", "untagged"))

    html = client.get("/lessons/drift/").content.decode()

    section = html[html.index('<section class="top-resources"') :]
    section = section[: section.index("</section>")]
    assert section.index(PAPER) < section.index(REPO)
    assert "untagged" not in section
    assert 'href="/resources/?tag=drift"' in section


def test_seed_scale_links_resources_as_the_renderer_would(questions):
    from io import StringIO

    from django.core.management import call_command

    from interviews import scale_data
    from interviews.markdown import render_markdown

    call_command("seed_scale", "--mentors", "20", stdout=StringIO())

    linked = Citation.objects.select_related("answer")
    assert linked.count() > 20
    for citation in linked[:20]:
        assert citation.answer.body_html == render_markdown(citation.answer.body)
        assert scale_data.answer_text(citation.answer.body) == citation.answer.body_text
    assert_in_step()
    assert Resource.objects.filter(url__contains="utm_").count() == 0
    call_command("seed_scale", "--reset", "--mentors", "0", stdout=StringIO())
    assert not Citation.objects.exists() and counts() == {}
