"""`make bench-search`: the judged queries are well formed and point at real
demo answers, nDCG and reciprocal rank are computed as defined, and one real
run of the command scores the demo content and writes its section."""

import io
import math
import subprocess
import sys

import pytest
from django.core.management import call_command

from interviews.models import Lesson, Question
from tests.servers import ROOT
from tools import searchbench
from tools.searchbench import Judgement, Query, ndcg, reciprocal_rank

REQUIRED_KINDS = {
    "phrase",
    "question words",
    "lesson",
    "name typo",
    "accent",
    "rare word",
    "common word",
    "topical",
}


def test_the_judgements_parse_into_enough_queries_of_every_kind():
    queries = searchbench.load()

    assert len(queries) >= 40
    assert {query.kind for query in queries} >= REQUIRED_KINDS
    texts = {query.q for query in queries}
    # Readers leave accents out: "Zoe" should find Zoë, "cafe" café.
    assert texts >= {"Zoe", "cafe"}
    for query in queries:
        assert max(j.grade for j in query.judgements) >= 2, query.q


@pytest.mark.django_db
def test_every_judged_answer_and_filter_is_in_the_demo_content():
    call_command("seed_demo", stdout=io.StringIO())
    by_mentor = searchbench.published_answer_keys()
    answers = {key for keys in by_mentor.values() for key in keys}
    questions = set(Question.objects.public().values_list("slug", flat=True))
    lessons = set(Lesson.objects.public().values_list("slug", flat=True))

    missing = []
    for query in searchbench.load():
        missing += [
            f"query {query.q!r}: no published demo answer {j.answer}"
            for j in query.judgements
            if j.answer and j.answer not in answers
        ]
        missing += [
            f"query {query.q!r}: no published demo mentor {j.mentor}"
            for j in query.judgements
            if j.mentor and j.mentor not in by_mentor
        ]
        if query.question and query.question not in questions:
            missing.append(f"query {query.q!r}: no question {query.question}")
        missing += [
            f"query {query.q!r}: no lesson {slug}" for slug in query.lessons if slug not in lessons
        ]
    assert missing == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('kind = "topical"\nanswers = []', "query 'x': no judged answers"),
        ('kind = "guess"', "query 'x': `kind` must be one of"),
        (
            'kind = "topical"\nanswers = [{ answer = "a/b", grade = 4, why = "." }]',
            "query 'x': .* needs a grade of 1 to 3",
        ),
        (
            'kind = "topical"\nanswers = [{ answer = "a-b", grade = 3, why = "." }]',
            "query 'x': answer 'a-b' is not mentor/question",
        ),
        (
            'kind = "topical"\nanswers = [{ answer = "a/b", grade = 3 }]',
            "query 'x': .* needs answer or mentor, grade and why",
        ),
    ],
)
def test_a_malformed_judgement_is_refused_naming_its_query(tmp_path, entry, message):
    path = tmp_path / "judgements.toml"
    path.write_text(f'[[queries]]\nq = "x"\n{entry}\n')

    with pytest.raises(ValueError, match=message):
        searchbench.load(path)


def test_a_mentor_judgement_covers_their_answers_and_an_answer_judgement_wins():
    query = Query(
        q="Zoe",
        kind="accent",
        judgements=(
            Judgement(grade=2, why="her interview", mentor="zoe"),
            Judgement(grade=3, why="introduces her", answer="zoe/role"),
        ),
    )
    by_mentor = {"zoe": ["zoe/role", "zoe/path"], "ada": ["ada/role"]}

    assert searchbench.grades(query, by_mentor) == {"zoe/role": 3, "zoe/path": 2}


def test_ndcg_on_hand_computed_rankings():
    assert ndcg([3, 2, 0], [3, 2]) == 1.0
    # The best answer second: 3 / log2(3) out of 3.
    assert ndcg([0, 3], [3]) == pytest.approx(1 / math.log2(3))  # 0.631
    # (2 + 3/log2 3 + 0 + 1/log2 5) / (3 + 2/log2 3 + 1/2)
    assert ndcg([2, 3, 0, 1], [3, 2, 1]) == pytest.approx(4.32347 / 4.76186, abs=1e-5)
    # A judged answer never found still counts in the ideal order.
    assert ndcg([3], [3, 3]) == pytest.approx(3 / (3 + 3 / math.log2(3)))
    # Only the first ten count.
    assert ndcg([0] * 10 + [3], [3]) == 0.0
    assert ndcg([], [2]) == 0.0


def test_reciprocal_rank_is_of_the_first_best_graded_answer():
    assert reciprocal_rank([3, 2], 3) == 1.0
    assert reciprocal_rank([2, 0, 3, 3], 3) == pytest.approx(1 / 3)
    assert reciprocal_rank([1, 1], 3) == 0.0
    assert reciprocal_rank([0] * 20 + [2], 2) == pytest.approx(1 / 21)


@pytest.mark.django_db
def test_make_bench_search_scores_the_demo_content_the_same_way_every_time(tmp_path):
    """One real run (its own throwaway database), compared with the same
    evaluation on the test database: same data and code, same table."""
    output = tmp_path / "performance.md"
    output.write_text(
        "# Performance\n\n## Search ranking\n\n"
        f"{searchbench.START}\nold figures\n{searchbench.END}\n\n## After\n\nkept\n"
    )

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.searchbench",
            "--output",
            str(output),
            "--database-name",
            "test_searchbench_run",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr

    call_command("seed_demo", stdout=io.StringIO())
    queries = searchbench.load()
    report = searchbench.render(searchbench.evaluate(queries), searchbench.facts())
    assert run.stdout.startswith(report + "\n")
    assert "**Mean nDCG@10: " in report and "MRR: " in report
    assert report.count("\n| `") == len(queries)
    text = output.read_text()
    assert "old figures" not in text and text.count(searchbench.START) == 1
    assert f"{searchbench.START}\n{report}\n{searchbench.END}" in text
    assert text.endswith("## After\n\nkept\n")
