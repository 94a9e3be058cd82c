"""Matching a file's question wording to the standard question set."""

import pytest

from interviews.importing import QuestionMatcher, normalise
from interviews.importing.matching import SIMILARITY_THRESHOLD, content_words, dice

pytestmark = pytest.mark.django_db


@pytest.fixture
def matcher(questions):
    return QuestionMatcher(questions)


def matched_position(matcher, text):
    match = matcher.match_all([text])[0]
    return match and match.question.position


def test_normalise_ignores_typography_emphasis_and_spacing():
    assert normalise("  What’s a  *problem* you—or “we”—hit?? ") == normalise(
        'What\'s a problem you - or "we" - hit'
    )
    assert normalise("See [the docs](https://example.com).") == "see the docs"
    assert (
        normalise("Q3: How do you learn?") == normalise("3. How do you learn") == "how do you learn"
    )


@pytest.mark.parametrize(
    ("text", "position", "how"),
    [
        # The current wording, with curly quotes and a spaced em dash instead of a bare one.
        (
            "There are many ways to structure DS/ML teams — what have you seen work, or not work?",
            8,
            "same wording",
        ),
        (
            "What’s a problem you encountered where machine learning seemed like the right "
            "solution, but turned out to be wrong? What was the eventual solution?",
            13,
            "same wording",
        ),
        # An older, shorter phrasing: the first of question 11's two sentences.
        ("How do you quantify the impact of your work?", 11, "similar wording (0.75)"),
        # A longer phrasing of question 3.
        (
            "How do you spend your time day-to-day at work, and how has that changed?",
            3,
            "similar wording (0.75)",
        ),
        # "ML" and "machine learning" are one word to the matcher.
        ("What processes or tools have you found helpful in the ML lifecycle?", 10, None),
        ("**How do you learn continuously?**", 16, None),
    ],
)
def test_reworded_questions_match_their_standard_question(matcher, text, position, how):
    match = matcher.match_all([text])[0]
    assert match is not None and match.question.position == position
    if how:
        assert match.how == how


@pytest.mark.parametrize(
    "text",
    [
        "What's your favourite editor?",
        "What do you do all day?",  # one shared word ("day") is a coincidence
        "How do you monitor your models in production?",  # too short a part of question 12
        "Where do you feel most impactful as a Staff-plus engineer?",
    ],
)
def test_unrelated_questions_match_nothing(matcher, text):
    assert matched_position(matcher, text) is None


def test_an_alternative_wording_matches(questions):
    question = questions[11]
    question.alternative_texts = ["How do you know your model still works after launch?"]
    question.save()
    matcher = QuestionMatcher(questions)
    match = matcher.match_all(["How do you know your model still works after launch?"])[0]
    assert (match.question, match.how) == (question, "an alternative wording")


def test_each_standard_question_is_matched_once_best_first(matcher):
    matches = matcher.match_all(
        [
            "How do you spend your time day-to-day at work, and how has that changed?",
            "How do you spend your time day-to-day?",
        ]
    )
    assert matches[1].question.position == 3 and matches[1].how == "same wording"
    assert matches[0] is None


def test_no_two_standard_questions_are_similar_enough_to_be_confused(questions):
    for a in questions:
        for b in questions:
            if a != b:
                assert dice(content_words(a.text), content_words(b.text)) < SIMILARITY_THRESHOLD
