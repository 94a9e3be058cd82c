"""The search entries (models/searching.py): in step with the published
answers whatever changes them, filed in recency tiers, and read a tier at a
time without changing what a search finds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from interviews import housekeeping, search
from interviews.models import Answer, SearchEntry, SearchTierBoundary
from interviews.models.searching import TIER_SIZES, TIERS, partition
from tests.factories import AnswerFactory, MentorFactory, PublishedInterviewFactory

pytestmark = pytest.mark.django_db


def assert_entries_in_step():
    """One entry per published answer with a document, holding the answer's
    own columns, in the tier its date and the boundaries give."""
    answers = {
        row[0]: row[1:]
        for row in Answer.objects.published()
        .exclude(search_vector=None)
        .values_list(
            "pk", "published_at", "question_id", "interview_id", "lesson_ids", "search_vector"
        )
    }
    entries = {
        row[0]: row[1:]
        for row in SearchEntry.objects.values_list(
            "answer_id", "published_at", "question_id", "interview_id", "lesson_ids", "vector"
        )
    }
    assert entries == answers
    boundaries = list(SearchTierBoundary.objects.values_list("published_at", flat=True))
    for answer_id, tier, published_at in SearchEntry.objects.values_list(
        "answer_id", "tier", "published_at"
    ):
        assert tier == sum(boundary > published_at for boundary in boundaries), answer_id


def publish_answers(question, count, newest_days_ago=0, body="We measured the drift."):
    """`count` published answers to `question`, one a day back from `newest_days_ago`."""
    now = timezone.now()
    answers = []
    for n in range(count):
        interview = PublishedInterviewFactory(
            mentor=MentorFactory(name=f"Mentor {newest_days_ago + n:03}"),
            published_at=now - timedelta(days=newest_days_ago + n),
        )
        answers.append(AnswerFactory(interview=interview, question=question, body=body))
    return answers


def newest_matches_the_slow_way(text, limit):
    """What ranked_matches() must find: the newest `limit` matches, from the answers."""
    from django.contrib.postgres.search import SearchQuery

    query = SearchQuery(text, search_type="websearch", config="applyingml")
    return set(
        Answer.objects.published()
        .filter(search_vector=query)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )


def test_an_answer_gets_its_entry_when_published_and_loses_it_when_not(questions, editor):
    answer = AnswerFactory(question=questions[0], body="Kafka streams.")
    assert SearchEntry.objects.filter(answer=answer).exists()
    assert_entries_in_step()

    answer.interview.withdraw(by=editor, note="Asked to.")
    assert not SearchEntry.objects.filter(answer=answer).exists()
    assert_entries_in_step()

    answer.interview.republish(by=editor)
    answer.body = "Flink jobs."
    answer.save()
    answer.tags.add("streaming")
    assert_entries_in_step()
    assert [m.pk for m in search.ranked_matches("streaming flink")] == [answer.pk]

    answer.delete()
    assert not SearchEntry.objects.exists()


def test_an_edit_that_changes_nothing_searchable_leaves_the_entry_alone(questions):
    answer = AnswerFactory(question=questions[0], body="Kafka streams.")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {partition(0)} WHERE answer_id = %s", [answer.pk])
        before = cursor.fetchone()
        Answer.objects.filter(pk=answer.pk).update(share_image="share/x.png")
        cursor.execute(f"SELECT xmin::text FROM {partition(0)} WHERE answer_id = %s", [answer.pk])
        assert cursor.fetchone() == before  # the same row version: not rewritten


def test_retiering_files_each_entry_by_its_date(questions):
    publish_answers(questions[0], 7)
    assert set(SearchEntry.objects.values_list("tier", flat=True)) == {0}

    moved = SearchEntry.objects.retier(sizes=(2, 3))

    assert moved == 5
    tiers = dict(SearchEntry.objects.values_list("interview_id", "tier"))
    by_age = [
        tiers[interview_id]
        for interview_id in Answer.objects.published()
        .order_by("-published_at")
        .values_list("interview_id", flat=True)
    ]
    # Each boundary is the oldest date of a newer tier: ranks 2 and 5.
    assert by_age == [0, 0, 1, 1, 1, 2, 2]
    assert_entries_in_step()
    # An answer published now files into tier 0 at once; one dated long ago, tier 2.
    new = publish_answers(questions[1], 1)[0]
    old = publish_answers(questions[1], 1, newest_days_ago=400)[0]
    assert SearchEntry.objects.get(answer=new).tier == 0
    assert SearchEntry.objects.get(answer=old).tier == 2
    assert_entries_in_step()
    # A redate moves its entry with it.
    old.interview.published_at = timezone.now()
    old.interview.save()
    assert SearchEntry.objects.get(answer=old).tier == 0
    assert_entries_in_step()


def test_reading_tier_by_tier_finds_exactly_the_newest_matches(questions, monkeypatch):
    # 12 answers, tiers of 3 and 4 (and 5), searches ranking the newest 5: a
    # word every answer uses stops in tier 1, a rarer one reads every tier.
    answers = publish_answers(questions[0], 12)
    for answer in answers[::4]:
        answer.body = "We measured the drift with Optuna."
        answer.save()
    SearchEntry.objects.retier(sizes=(3, 4))
    monkeypatch.setattr(search, "MAX_MATCHES", 5)

    for text in ("drift", "optuna", "drift -optuna", "nothing here"):
        found = search.ranked_matches(text)
        assert {match.pk for match in found} == newest_matches_the_slow_way(text, 5), text
    # Filters apply inside every tier.
    found = search.ranked_matches("drift", question=questions[1])
    assert found == []


def test_a_common_word_never_reads_the_older_tiers(questions, monkeypatch):
    publish_answers(questions[0], 8)
    SearchEntry.objects.retier(sizes=(4, 2))
    monkeypatch.setattr(search, "MAX_MATCHES", 3)
    ctes = tier_scans(explain_ranked_matches("drift"))
    assert ctes["tier0"]["Actual Loops"] == 1
    for tier in range(1, TIERS):
        assert ctes[f"tier{tier}"]["Actual Loops"] == 0  # never executed


def test_a_tier_is_matched_through_its_index_even_for_a_word_every_answer_uses():
    # Told the truth (every row matches), the planner would test each row's
    # document, stored out of line, instead: ranked_matches() hides the query.
    # 8,000 entries with documents of a hundred words, sixteen an interview,
    # as answers have.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {partition(0)} (tier, answer_id, published_at, question_id, "
            "interview_id, lesson_ids, vector) SELECT 0, n, now() - n * interval '1 minute', "
            "1, n / 16, '{}', to_tsvector('applyingml', 'drift ' || (SELECT string_agg("
            "'word' || ((n * 7 + k) % 3000), ' ') FROM generate_series(1, 100) AS k)) "
            "FROM generate_series(1, 8000) AS n"
        )
        cursor.execute(f"ANALYZE {partition(0)}")
    scan = tier_scans(explain_ranked_matches("drift"))["tier0"]
    assert scan["Node Type"] == "Bitmap Heap Scan"
    assert scan["Actual Rows"] == 8000


def test_housekeeping_retiers_when_the_newest_tier_has_grown(questions, monkeypatch):
    monkeypatch.setattr("interviews.models.searching.TIER_SIZES", (2, 2))
    publish_answers(questions[0], 6)
    assert SearchEntry.objects.retier_due()

    housekeeping.run_housekeeping()  # the immediate task backend runs it here

    assert not SearchEntry.objects.retier_due()
    assert sorted(SearchEntry.objects.values_list("tier", flat=True)) == [0, 0, 1, 1, 2, 2]
    assert_entries_in_step()


def test_the_tiers_grow_with_age_and_the_last_holds_most_of_the_scale_data():
    # The newest 4,000, 16,000 and 48,000 of seed_scale's 160,000 answers,
    # then the 92,000 older ones (the layout measured in docs/performance.md).
    assert TIERS == len(TIER_SIZES) + 1 == 4
    assert list(TIER_SIZES) == sorted(TIER_SIZES)
    assert 160_000 - sum(TIER_SIZES) > TIER_SIZES[-1]


def explain_ranked_matches(text):
    import json

    captured = []

    def explain(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain):
        search.ranked_matches(text)
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    return json.loads(plan)[0]["Plan"] if isinstance(plan, str) else plan[0]["Plan"]


def tier_scans(node, found=None):
    """{CTE name: the scan of its tier} in a plan of ranked_matches()."""
    found = {} if found is None else found
    name = node.get("Subplan Name", "")
    if name.startswith("CTE tier"):
        scan = node
        while "Relation Name" not in scan:  # under the one-time filter's Result
            scan = scan["Plans"][-1]
        found[name.removeprefix("CTE ")] = scan
    for child in node.get("Plans", ()):
        tier_scans(child, found)
    return found
