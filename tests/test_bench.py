"""`make bench`: wrk's numbers read correctly, the table judged against the
targets and written into docs/performance.md, and a short real run.

The real benchmark (10,000 mentors, 15 s a URL) is `make bench`; it is too
long for the suite."""

import shutil
import subprocess
import sys

import pytest

from tests.factories import AnswerFactory, MentorFactory, PublishedInterviewFactory
from tests.servers import ROOT, production_env, settings_url
from tools import benchreport, wrk
from tools.bench import CACHED_MAX_P95_MS, CACHED_MIN_RATIO, UNCACHED_MIN_RATIO, pick_pages

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8000/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.61ms    3.02ms  40.17ms   78.12%
    Req/Sec   836.51     90.20     1.01k    70.00%
  3346 requests in 2.00s, 29.63MB read
WRK_RESULT {"requests": 3346, "duration_us": 2001234, "p50_us": 9100, "p95_us": 15250, \
"p99_us": 22000, "max_us": 40170, "connect": 0, "read": 0, "write": 0, "status": 2, "timeout": 1}
Requests/sec:   1671.95
Transfer/sec:     14.80MB
"""

TARGETS = benchreport.Targets(CACHED_MIN_RATIO, UNCACHED_MIN_RATIO, CACHED_MAX_P95_MS, 200)


def result(per_second, p95=10.0, errors=0):
    return wrk.Result(
        requests=int(per_second * 10), seconds=10, p50_ms=5, p95_ms=p95, p99_ms=p95, errors=errors
    )


@pytest.mark.django_db
def test_the_filtered_rows_use_the_two_lessons_most_used_on_the_middle_question(client, questions):
    for n in range(4):
        interview = PublishedInterviewFactory(mentor=MentorFactory(name=f"Picked {n}"))
        for question in questions[:5]:
            lessons = ["common", "second" if n < 3 else "rare", f"only {n}"]
            AnswerFactory(interview=interview, question=question, lessons=lessons)

    pages = dict(pick_pages("kafka"))

    middle = questions[2].get_absolute_url()  # the middle of the five answered
    question_rows = [path for path in pages.values() if "?tag=" in path]
    assert question_rows == [f"{middle}?tag=common&tag=second"]
    assert pages["API answers, 2 lessons"] == "/api/v1/answers/?lesson=common&lesson=second"
    assert pages["resources"] == "/resources/"  # beside the question page it should match
    for path in pages.values():
        assert client.get(path).status_code == 200, path


def test_wrk_output_is_read_from_the_line_the_done_hook_writes():
    parsed = wrk.parse(WRK_OUTPUT)
    assert parsed.requests == 3346
    assert round(parsed.per_second) == 1672
    assert (parsed.p50_ms, parsed.p95_ms, parsed.p99_ms) == (9.1, 15.25, 22.0)
    assert parsed.errors == 3  # non-2xx/3xx responses and timeouts count
    with pytest.raises(ValueError):
        wrk.parse("Running 2s test\n  no summary")


def test_each_row_passes_or_fails_against_the_targets():
    rows = [
        benchreport.Row("static CSS file", "/static/a.css", "cached", result(2000)),
        benchreport.Row("static CSS file", "/static/a.css", "uncached", result(2000)),
        benchreport.Row("home", "/", "cached", result(1000)),  # 50%
        benchreport.Row("home", "/", "uncached", result(90)),  # 4.5%
        benchreport.Row("search", "/search/?q=a", "cached", result(900, p95=150)),  # slow tail
        benchreport.Row("search", "/search/?q=a", "uncached", result(200, errors=1)),
    ]
    facts = {
        "date": "2026-01-01 00:00 UTC",
        "machine": "a CPU, 2 cores, 24 GB RAM, Linux",
        "database": "PostgreSQL 18",
        "cache": "Redis",
        "python": "3.11",
        "data": {"mentors": 10_000, "answers": 160_000},
        "load": "wrk, 16 connections",
    }
    report, failures = benchreport.render(
        rows, {"cached": [80, 90], "uncached": [120, 250]}, ["one problem"], facts, TARGETS
    )
    rows_by_page = {
        line.split("|")[1].strip() + line.split("|")[2]: line
        for line in report.splitlines()
        if line.startswith("| ")
    }
    assert "| pass |" in rows_by_page["home (`/`) on "] and "50%" in rows_by_page["home (`/`) on "]
    assert "**FAIL**" in rows_by_page["home (`/`) off "]  # under 5% of the static file
    assert "**FAIL**" in rows_by_page["search (`/search/?q=a`) on "]  # p95 over 100 ms
    assert "**FAIL**" in rows_by_page["search (`/search/?q=a`) off "]  # an error
    assert "10,000 mentors, 160,000 answers" in report
    assert "80 MB, 90 MB; target < 200 MB each: pass" in report
    assert "120 MB, 250 MB; target < 200 MB each: **FAIL**" in report
    assert failures == 3 + 1 + 1  # three rows, the memory of one run, the problem


def test_the_report_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "performance.md"
    path.write_text(
        f"# Performance\n\nPlans.\n\n{benchreport.START}\nold\n{benchreport.END}\n\nEnd.\n"
    )
    benchreport.write(path, "new table")
    assert path.read_text() == (
        f"# Performance\n\nPlans.\n\n{benchreport.START}\nnew table\n{benchreport.END}\n\nEnd.\n"
    )
    fresh = tmp_path / "fresh.md"
    benchreport.write(fresh, "table")
    assert benchreport.START in fresh.read_text() and "table" in fresh.read_text()


# Transactional: gunicorn, in other processes, must see the content.
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
@pytest.mark.django_db(transaction=True)
def test_a_short_run_against_gunicorn_writes_the_table(questions, tmp_path):
    from django.db import connection

    for n in range(3):
        interview = PublishedInterviewFactory(mentor=MentorFactory(name=f"Benched {n}"))
        for question in questions[:4]:
            AnswerFactory(
                interview=interview,
                question=question,
                body="Kafka for the events, then a baseline.",
                lessons=["baselines", "monitoring"],
            )
    output = tmp_path / "performance.md"
    env = production_env(DATABASE_URL=settings_url(connection.settings_dict))
    env.pop("DJANGO_ENV")  # the bench itself reads the database as development does
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.bench",
            *("--duration", "1", "--rounds", "1", "--connections", "4", "--mentors", "0"),
            *("--warm", "2"),
            *("--quiet-wait", "0", "--output", str(output)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = output.read_text()
    assert "| page | page cache | req/s |" in report, completed.stdout + completed.stderr
    names = (
        "static CSS file",
        "home",
        "question, 2 lessons",
        "resources",
        "mentor",
        "lessons",
        "search",
    )
    for name in (*names, "API answers, 2 lessons"):
        assert f"| {name} (`" in report
    assert report.count("| on |") == report.count("| off |") == 10
    assert "gunicorn workers' memory after the cached run" in report
    assert "**problem**" not in report, report
    assert completed.returncode in {0, 1}  # 1 when a target is missed on a busy machine
