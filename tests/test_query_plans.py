"""Every filter and ordering a public page uses is served by an index.

Each page's queries are captured and explained (EXPLAIN, FORMAT JSON) with
sequential scans priced out of reach (`enable_seqscan = off`): PostgreSQL
then reads a table sequentially only when no index can serve the query,
which is what would make the page slow at scale. The measured plans at
160,000 answers are in docs/performance.md.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interviews.models import Interview, LessonUse

pytestmark = pytest.mark.django_db

# Tables that grow with the content; the question set and the lesson list stay small.
GROWING = {
    "interviews_answer",
    "interviews_taggedanswer",
    "interviews_interview",
    "interviews_mentor",
    "interviews_lessonuse",
    "interviews_citation",
    "interviews_resource",
    "interviews_questionresource",
}


def plan_nodes(sql):
    """Every node of the plan of `sql`."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()[0]
    nodes, stack = [], [plan["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return nodes


def explain_page(client, url):
    """The plan nodes of every query `url` makes."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return [node for query in queries for node in plan_nodes(query["sql"])]


@pytest.fixture
def scale(questions):
    # Autovacuum analyzing the (committed, empty) tables meanwhile would
    # overwrite the row counts seed_scale's ANALYZE gives the planner; this
    # lock, held until the test's transaction ends, keeps it away.
    with connection.cursor() as cursor:
        tables = ", ".join(sorted(GROWING | {"interviews_lesson"}))
        cursor.execute(f"LOCK TABLE {tables} IN SHARE UPDATE EXCLUSIVE MODE")
    call_command("seed_scale", "--mentors", "60", stdout=open("/dev/null", "w"))  # noqa: SIM115
    question = questions[5]
    common, second = (
        use.lesson.slug
        for use in LessonUse.objects.filter(question=question)
        .select_related("lesson")
        .order_by("-answer_count", "lesson__name")[:2]
    )
    mentor = Interview.objects.published().select_related("mentor").first().mentor
    return {
        "question": question.get_absolute_url(),
        "filtered": f"{question.get_absolute_url()}?tag={common}&tag={second}",
        "mentor": mentor.get_absolute_url(),
        "answer": f"{mentor.get_absolute_url()}{question.slug}/",
        "lesson": f"/lessons/{common}/",
        "resources_question": f"/resources/?question={question.slug}",
        "resources_lessons": f"/resources/?tag={common}&tag={second}",
    }


# Page -> the indexes, one of which its plans use for the query that matters
# (at this size PostgreSQL may prefer another of them; at 160,000 answers the
# first is the one it picks: docs/performance.md).
EXPECTED = {
    "/": {"interview_public_newest_idx"},
    "/mentors/": {"interview_public_newest_idx"},
    "{question}": {"answer_public_question_idx"},
    "{filtered}": {"answer_public_q_lessons_idx"},
    "{mentor}": {"answer_one_per_interview_question", "interviews_answer_interview_id_5c63bfb5"},
    "{answer}": {"answer_public_question_idx", "interviews_answer_question_id_26097093"},
    "/lessons/": {"lesson_in_use_idx"},
    "{lesson}": {"tagged_answer_lesson_idx"},
    # With this little data PostgreSQL rightly reads all 480 answers' vectors
    # through any index; at 160,000 it uses the GIN index for rare words and
    # walks answer_public_newest_idx for common ones (docs/performance.md).
    "/search/?q=optuna": set(),
    "/feed/": set(),  # its 30 newest are half the interviews here: any plan is fine
    "/lessons/start-simple/feed/": {"tagged_answer_lesson_idx", "answer_public_newest_idx"},
    "/sitemap.xml": {"answer_public_updated_idx"},
    "/resources/": {"resource_ranked_idx"},
    "/resources/?host=github.com": {"resource_host_ranked_idx"},
    "{resources_question}": {
        "question_resource_idx",
        "interviews_questionresource_question_id_c197053f",
    },
    "{resources_lessons}": {"answer_public_lessons_idx"},
}


@pytest.mark.parametrize("page", EXPECTED)
def test_public_pages_read_growing_tables_through_indexes(client, scale, page):
    url = page.format(**scale)
    nodes = explain_page(client, url)

    sequential = {
        node["Relation Name"]
        for node in nodes
        if node["Node Type"] == "Seq Scan" and node["Relation Name"] in GROWING
    }
    assert not sequential, f"{url} reads {sorted(sequential)} sequentially"
    used = {node["Index Name"] for node in nodes if node.get("Index Name")}
    assert not EXPECTED[page] or EXPECTED[page] & used, f"{url} uses {sorted(used)}"
