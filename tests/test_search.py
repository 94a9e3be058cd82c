"""Full-text search: matching, ranking, highlights, filters and odd queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.models import SearchTerm
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    FollowUpQuestionFactory,
    MentorFactory,
    PublishedInterviewFactory,
    WithdrawnInterviewFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("interviews:search")
FILLER = " ".join(["We shipped it, measured it and kept going."] * 40)


def answer_by(name, question, body, lessons=(), interview_factory=PublishedInterviewFactory):
    interview = interview_factory(mentor=MentorFactory(name=name))
    return AnswerFactory(interview=interview, question=question, body=body, lessons=list(lessons))


def names(response):
    return [result.mentor_name for result in response.context["results"]]


def search(client, q, **params):
    response = client.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200
    return response


def test_a_lesson_match_ranks_above_a_passing_mention(client, questions):
    answer_by("Passing Mention", questions[2], f"{FILLER} We also tried feature stores once.")
    answer_by(
        "Tagged Lesson",
        questions[2],
        "Share one table of inputs across models.",
        ["feature stores"],
    )
    answer_by("Unrelated", questions[2], "Talk to the people who will use it.")

    assert names(search(client, "feature stores")) == ["Tagged Lesson", "Passing Mention"]


def test_a_question_match_ranks_above_a_passing_mention(client, questions):
    # questions[11] asks how mentors monitor performance in production.
    answer_by("Deep Mention", questions[2], f"{FILLER} Sometimes production breaks.")
    answer_by("On The Question", questions[11], "Dashboards and alerts.")

    assert names(search(client, "production")) == ["On The Question", "Deep Mention"]


def test_accents_are_ignored_in_names_text_and_queries(client, questions):
    answer_by("Zoë Castaing", questions[0], "I forecast bread for our cafés.")
    answer_by("Plain Writer", questions[1], "We met in a cafe near the office.")

    assert names(search(client, "Zoe")) == ["Zoë Castaing"]
    assert sorted(names(search(client, "cafe"))) == ["Plain Writer", "Zoë Castaing"]
    assert sorted(names(search(client, "café"))) == ["Plain Writer", "Zoë Castaing"]
    # Highlighted as written.
    assert "<mark>cafés</mark>" in search(client, "cafe").content.decode()


def test_english_stemming_matches_other_forms_of_a_word(client, questions):
    answer_by("Stemmed", questions[0], "I spend my days monitoring models.")
    assert names(search(client, "monitors")) == ["Stemmed"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"data quality"', {"Phrase"}),  # an exact phrase
        ("quality data", {"Phrase", "Reordered"}),  # every word, any order
        ("quality -dashboards", {"Phrase"}),  # a word left out
        ("kafka or flink", {"Kafka", "Flink"}),  # either word
    ],
)
def test_web_search_syntax(client, questions, q, expected):
    answer_by("Phrase", questions[0], "Most problems are data quality problems.")
    answer_by("Reordered", questions[0], "The quality of the data matters, and dashboards.")
    answer_by("Kafka", questions[0], "We stream events with Kafka.")
    answer_by("Flink", questions[0], "Flink does our windowed joins.")

    assert set(names(search(client, q))) == expected


def test_results_show_highlighted_snippets_that_stay_escaped(client, questions):
    answer_by("Highlighter", questions[0], "When a < b & the model drifts, \ue000retrain\ue001 it.")

    html = search(client, "drift").content.decode()

    assert "<mark>drifts</mark>" in html
    assert "a &lt; b &amp; the model" in html
    assert "<mark>retrain" not in html  # markers in the text cannot forge a highlight
    assert html.count("<mark>") == 1


def test_results_can_be_filtered_by_question(client, questions):
    answer_by("First Question", questions[0], "Baselines first.")
    answer_by("Second Question", questions[1], "Baselines, always.")

    everything = search(client, "baselines")
    filtered = search(client, "baselines", question=questions[1].slug)

    assert set(names(everything)) == {"First Question", "Second Question"}
    facets = {q.slug: q.hits for q in everything.context["question_facets"]}
    assert facets == {questions[0].slug: 1, questions[1].slug: 1}
    assert f"question={questions[1].slug}" in everything.content.decode()
    assert names(filtered) == ["Second Question"]
    assert client.get(SEARCH, {"q": "baselines", "question": "no-such"}).status_code == 404
    # A follow-up asked in an unpublished interview is not named, even to say "no results".
    hidden = answer_by(
        "Drafted", FollowUpQuestionFactory(), "Baselines.", (), DraftInterviewFactory
    )
    assert client.get(SEARCH, {"q": "x", "question": hidden.question.slug}).status_code == 404


def test_results_can_be_filtered_by_lesson(client, questions):
    answer_by("Tagged", questions[0], "Retrain weekly.", ["retraining"])
    answer_by("Untagged", questions[1], "Retrain when it drifts.", ["monitoring"])

    everything = search(client, "retrain")
    filtered = search(client, "retrain", tag="retraining")

    lessons = {lesson.name for lesson in everything.context["narrowing_lessons"]}
    assert lessons == {"retraining", "monitoring"}
    # Narrowing keeps the search terms.
    assert 'href="/search/?q=retrain&amp;tag=retraining"' in everything.content.decode()
    assert names(filtered) == ["Tagged"]
    assert "Showing 1 answer with" in filtered.content.decode()


def test_results_are_paginated_with_their_number(client, questions, settings):
    settings.SEARCH_RESULTS_PER_PAGE = 2
    for n in range(5):
        answer_by(f"Paged Mentor{n}", questions[n], "Labelling is most of the work.")

    first = search(client, "labelling")
    third = search(client, "labelling", page=3)

    assert "5 answers match “labelling”" in first.content.decode()
    assert len(first.context["results"]) == 2 and len(third.context["results"]) == 1
    assert 'href="?q=labelling&amp;page=2"' in first.content.decode()
    assert client.get(SEARCH, {"q": "labelling", "page": 9}).status_code == 404


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(client, questions, monkeypatch):
    monkeypatch.setattr("interviews.search.MAX_MATCHES", 3)
    answers = [
        answer_by(f"Capped Mentor{n}", questions[n], "Labelling is most of the work.")
        for n in range(5)
    ]
    newest = sorted(answers, key=lambda a: (a.published_at, a.pk), reverse=True)[:3]

    response = search(client, "labelling")

    assert "3+ answers match “labelling” (the newest 3 are ranked)" in response.content.decode()
    assert sorted(names(response)) == sorted(a.interview.mentor.name for a in newest)
    one = search(client, "labelling", question=questions[0].slug).content.decode()
    assert "1 answer matches “labelling”" in one


def test_mentor_names_match_with_small_typos(client, questions):
    answer_by("Priya Raman", questions[0], "Start with the user.")
    answer_by("Tomasz Wolski", questions[0], "Start with the data.")

    assert names(search(client, "Priya Ramen")) == ["Priya Raman"]
    assert names(search(client, "Tomas Wolsky")) == ["Tomasz Wolski"]
    assert names(search(client, "Priya")) == ["Priya Raman"]


def test_unpublished_and_withdrawn_answers_are_never_found(client, questions):
    answer_by("Visible", questions[0], "Anomaly detection.", ["anomalies"])
    answer_by("Drafted", questions[0], "Anomaly detection.", ["anomalies"], DraftInterviewFactory)
    answer_by(
        "Withdrawn", questions[1], "Anomaly detection.", ["anomalies"], WithdrawnInterviewFactory
    )

    response = search(client, "anomaly")

    assert names(response) == ["Visible"]
    assert [lesson.answer_count for lesson in response.context["narrowing_lessons"]] == [1]
    assert names(search(client, "Drafted")) == []


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "What would you like to read about?"),
        ("   ", "What would you like to read about?"),
        ("the and of", "Nothing to search for"),
        ("!!! ... ???", "Nothing to search for"),
        ("'", "Nothing to search for"),
        ('"', "Nothing to search for"),
        ('"unclosed quote', "No answers found"),
        ("a & | !", "Nothing to search for"),
        ("'; DROP TABLE interviews_answer; --", "No answers found"),
        ("drift\x00\x00", "No answers found"),
        ("\x00", "What would you like to read about?"),
        ("(model:* <-> !", "No answers found"),
        ("<script>alert(1)</script>", "No answers found"),
        ("word " * 100, "No answers found"),  # 500 characters
        ("日本語の回答", "No answers found"),
        ("café naïve", "No answers found"),
        ("🤖" * 500, "Nothing to search for"),
    ],
)
def test_odd_queries_get_a_helpful_page(client, questions, q, message):
    answer_by("Someone", questions[0], "An ordinary answer.")
    html = search(client, q).content.decode()
    assert message in html
    assert "<script>alert" not in html
    assert "longer than 500 characters" not in html


def test_bytes_that_are_not_utf8_in_the_query_get_a_page(client, questions):
    response = client.get(SEARCH + "?q=%ED%A0%80%FF+drift")
    assert response.status_code == 200


def test_a_query_longer_than_500_characters_is_shortened_with_a_note(client, questions):
    answer_by("Someone", questions[0], "Retraining pipelines.")
    response = search(client, "retraining " + "x" * 600)
    assert "longer than 500 characters" in response.content.decode()
    assert len(response.context["query"].text) == 500


def test_every_page_has_a_search_box(client, questions):
    answer = answer_by("Boxed", questions[0], "Anything.", ["boxes"])
    urls = [
        "/",
        "/mentors/",
        answer.interview.mentor.get_absolute_url(),
        "/questions/",
        questions[0].get_absolute_url(),
        "/lessons/",
        "/lessons/boxes/",
        SEARCH,
        "/no-such-page/",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert f'role="search" aria-label="Site search" action="{SEARCH}"' in html, url
        assert 'for="site-search-q"' in html and 'name="q"' in html, url


@pytest.mark.parametrize("count", [3, 30])
def test_search_page_query_count_is_constant(
    client, questions, settings, django_assert_num_queries, count
):
    settings.SEARCH_RESULTS_PER_PAGE = 50
    for n in range(count):
        lessons = [f"lesson {n}", "rollouts"]
        answer_by(f"Counted Mentor{n}", questions[n % 16], "Shadow deployments.", lessons)
    # matches, page with headlines and lessons, question facets, lesson facets
    with django_assert_num_queries(4):
        response = client.get(SEARCH, {"q": "shadow"})
    assert len(response.context["results"]) == count
    # filtered: + the active question and lesson, - the question facets; it
    # finds one answer, so + whether a word could be corrected ("Did you mean")
    with django_assert_num_queries(6):
        client.get(SEARCH, {"q": "shadow", "question": questions[0].slug, "tag": "lesson-0"})
    # nothing found: matches, then whether the words were all stop words
    with django_assert_num_queries(2):
        client.get(SEARCH, {"q": "the of"})
    # nothing found, not stop words: + "Did you mean"
    with django_assert_num_queries(3):
        client.get(SEARCH, {"q": "shadwo"})


def test_searching_reads_the_stored_vector_never_to_tsvector(client, questions):
    answer_by("Stored", questions[0], "Vectors are stored.")
    with CaptureQueriesContext(connection) as queries:
        search(client, "stored")
    assert queries.captured_queries
    assert not any("to_tsvector" in q["sql"] for q in queries.captured_queries)


def test_a_mistyped_word_offers_the_word_answers_use(client, questions):
    answer_by("Calibrated", questions[0], "Calibration matters more than accuracy here.")
    answer_by("Other", questions[1], "We kept the thresholds.")
    SearchTerm.objects.rebuild()

    response = search(client, "calibraton thresholds")

    assert response.context["results"] == [] or not response.context["results"]
    assert response.context["suggestion"] == "calibration thresholds"
    html = response.content.decode()
    assert 'Did you mean <a href="?q=calibration+thresholds">calibration thresholds</a>?' in html
    # A word the answers use is left alone, and so is a search that finds enough.
    assert search(client, "thresholds").context["suggestion"] is None


def test_the_vocabulary_follows_publishing_and_withdrawing(
    client, questions, editor, django_capture_on_commit_callbacks
):
    from interviews import services

    answer = answer_by("Soon Gone", questions[0], "Our zeitgeist detector was a spreadsheet.")
    with django_capture_on_commit_callbacks(execute=True):
        services.public_content_changed()
    assert SearchTerm.objects.filter(word="zeitgeist").exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(answer.interview, by=editor, note="Asked to.")

    # A withdrawn answer's words are suggested no more.
    assert not SearchTerm.objects.filter(word="zeitgeist").exists()
    assert search(client, "zeitgeit").context["suggestion"] is None


def test_housekeeping_rebuilds_a_stale_vocabulary(questions):
    from interviews import housekeeping
    from interviews import search as site_search

    answer_by("Fresh", questions[0], "Gradient boosting for tabular data.")
    assert site_search.search_terms_stale()
    housekeeping.run_housekeeping()
    assert not site_search.search_terms_stale()
    assert SearchTerm.objects.get(word="gradient").answers == 1


def test_snippets_mark_the_match_in_the_question_the_mentor_line_or_a_lesson(client, questions):
    # questions[11] asks how mentors monitor performance in production.
    answer_by("On The Question", questions[11], "Dashboards and alerts.")
    interview = PublishedInterviewFactory(
        mentor=MentorFactory(name="By Role", role="Forecasting lead", company="Breadline")
    )
    AnswerFactory(interview=interview, question=questions[0], body="I run the team.")
    answer_by("By Lesson", questions[2], "Share one table of inputs.", ["feature stores"])

    html = search(client, "production").content.decode()
    assert "<mark>production</mark>" in html.split("result__meta")[1]
    html = search(client, "breadline").content.decode()
    assert "Forecasting lead, <mark>Breadline</mark>" in html
    html = search(client, "feature stores").content.decode()
    assert "Found in its lessons: <mark>feature</mark> <mark>stores</mark>" in html


def test_the_search_box_suggests_lessons_mentors_and_questions_by_word_start(
    client, questions, django_assert_num_queries
):
    answer_by("Ngozi Adeyemi", questions[0], "Monitoring first.", ["monitoring"])
    answer_by("Hidden Draft", questions[1], "Not yet.", interview_factory=DraftInterviewFactory)
    url = reverse("interviews:search-suggestions")

    with django_assert_num_queries(3):
        html = client.get(url, {"q": "mon"}).content.decode()
    assert '<a href="/lessons/monitoring/">monitoring</a>' in html
    # "ade" starts the mentor's second name; a draft's mentor is never offered.
    html = client.get(url, {"q": "ade"}).content.decode()
    assert ">Ngozi Adeyemi</a>" in html
    assert "Hidden Draft" not in client.get(url, {"q": "hid"}).content.decode()
    # A question by a word of its title; one letter, or only symbols, offers nothing.
    assert (
        questions[2].title in client.get(url, {"q": questions[2].title.split()[0]}).content.decode()
    )
    assert "<a " not in client.get(url, {"q": "m"}).content.decode()
    assert client.get(url, {"q": "(?*"}).status_code == 200
