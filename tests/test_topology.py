"""`make topology`: the report judged against the issue's targets, the parts'
configuration, and (with `pytest --slow`) the short rehearsal itself.

The full rehearsal (six phases of 30 s, 16 connections) is `make topology`;
even the short one takes a couple of minutes, so it runs only when asked."""

import re
import subprocess
import sys
from collections import Counter
from types import SimpleNamespace

import psutil
import pytest

from tools import stackparts, topology
from tools.topology import KILL_PHASE, PGBOUNCER_PHASE, Phase, Timeline

from .servers import ROOT


def timeline_of(failures=None, ok=100):
    """A rehearsal's phases with `ok` good requests each, plus `failures`:
    {phase name: [(seconds after the phase's event, status or error)]}."""
    timeline = Timeline()
    for n, (name, _) in enumerate(topology.PHASES):
        phase = Phase(name, started=n * 100.0, ended=n * 100.0 + 30, event_at=n * 100.0 + 1)
        phase.requests = [(phase.started + 2, 0.05, 200, None, True)] * ok
        for after, what in (failures or {}).get(name, []):
            status, error = (what, None) if isinstance(what, int) else (None, what)
            phase.requests.append((phase.event_at + after, 0.01, status, error, False))
        timeline.phases.append(phase)
    return timeline


def scenarios(lost=False, missing=0, stale=()):
    mentors = SimpleNamespace(
        acknowledged={"m1", "m2"},
        verify=lambda: ["1 of 2 acknowledged saves are missing"] if lost else [],
    )
    watchers = SimpleNamespace(reads=50, stale=[(age, "/") for age in stale], allowed_seconds=60)
    editor = SimpleNamespace(
        own_reads=Counter(shown=20 - missing, missing=missing),
        published=[1] * 10,
        edits=[1] * 10,
        watchers=watchers,
    )
    return mentors, editor


def verdicts(timeline, scenario_pair, problems=()):
    rows = topology.checks(timeline, scenario_pair, list(problems), workers=5)
    return {check: passed for check, _, _, passed in rows}, rows


def test_a_clean_rehearsal_passes_every_check_and_reports_each_phase():
    timeline = timeline_of({PGBOUNCER_PHASE: [(0.2, 503), (1.4, 503)]})
    passed, rows = verdicts(timeline, scenarios())
    assert all(passed.values()), rows
    measured = {check: value for check, _, value, _ in rows}
    assert measured["503s while PgBouncer restarts"] == "2 in 1.2 s"
    facts = dict.fromkeys(("date", "machine", "command", "parts", "load"), "x")
    report = topology.render(timeline, rows, facts)
    for name, _ in topology.PHASES:
        assert f"| {name} |" in report
    assert f"| {PGBOUNCER_PHASE} | - | 102 | 3 | HTTP 503 x 2 | 50 |" in report
    assert "**FAIL**" not in report


@pytest.mark.parametrize(
    ("failures", "check"),
    [
        # A 503 anywhere but the PgBouncer restart: the replica's outage reached a reader.
        ({"the replica database stopped": [(2, 503)]}, "5xx but 503s while PgBouncer restarts"),
        # Any other 5xx, even during the restart.
        ({PGBOUNCER_PHASE: [(0.1, 500)]}, "5xx but 503s while PgBouncer restarts"),
        # More than a few seconds of 503s.
        ({PGBOUNCER_PHASE: [(0.1, 503), (6.0, 503)]}, "503s while PgBouncer restarts"),
        ({"steady": [(3, "ConnectionResetError")]}, "other errors (4xx, connections)"),
        ({"after": [(3, 404)]}, "other errors (4xx, connections)"),
        # More failures at the kill than the replica had workers.
        ({KILL_PHASE: [(0.1, 502)] * 6}, "requests in flight on the killed replica"),
        # A failure well after the kill is not a request it caught in flight.
        ({KILL_PHASE: [(5.0, 502)]}, "5xx but 503s while PgBouncer restarts"),
    ],
    ids=["503-elsewhere", "500", "long-503s", "reset", "404", "too-many-in-flight", "late-502"],
)
def test_each_target_missed_fails_its_check(failures, check):
    passed, rows = verdicts(timeline_of(failures), scenarios())
    assert passed[check] is False, rows
    assert [c for c, ok in passed.items() if not ok] == [check]


def test_the_killed_replicas_requests_in_flight_are_its_own_check():
    failures = {KILL_PHASE: [(0.1, 502), (0.3, "IncompleteRead")]}
    passed, rows = verdicts(timeline_of(failures), scenarios())
    assert all(passed.values())
    measured = {check: value for check, _, value, _ in rows}
    assert measured["requests in flight on the killed replica"] == (
        "HTTP 502 x 1, IncompleteRead x 1"
    )


@pytest.mark.parametrize(
    ("scenario", "check"),
    [
        ({"lost": True}, "mentor saves acknowledged, found in the primary"),
        ({"missing": 1}, "the editor's next read shows their publish or save"),
        ({"stale": (0.2, 61.0)}, "readers' pages from before an acknowledged change"),
    ],
    ids=["lost-save", "editor-missed-own-write", "stale-page"],
)
def test_lost_saves_missed_writes_and_old_pages_fail(scenario, check):
    passed, _ = verdicts(timeline_of(), scenarios(**scenario))
    assert [c for c, ok in passed.items() if not ok] == [check]


def test_a_server_error_line_fails_the_rehearsal():
    passed, _ = verdicts(timeline_of(), scenarios(), problems=['web1.log: {"level": "ERROR"}'])
    assert passed["server log"] is False


def test_the_timeline_records_each_request_in_the_current_phase():
    timeline = Timeline()
    timeline.begin("one")
    timeline.record(0.1, status=200)
    timeline.record(0.1, status=302, ok=(302,))
    timeline.begin("two")
    timeline.record(0.2, error="ConnectionResetError")
    timeline.end()
    one, two = timeline.phases
    assert one.failures() == Counter() and one.statuses() == Counter({200: 1, 302: 1})
    assert two.failures() == Counter({"ConnectionResetError": 1})
    assert one.ended == two.started


def test_haproxy_sets_the_tls_proxys_headers_and_checks_readiness(tmp_path):
    (tmp_path / "run").mkdir()
    webs = [SimpleNamespace(name="web1", port=8001), SimpleNamespace(name="web2", port=8002)]
    config = stackparts.HAProxy(tmp_path, webs).configure().config_path.read_text()
    assert "http-request set-header X-Forwarded-Proto https" in config
    assert "option forwardfor" in config
    assert "option httpchk GET /readyz" in config
    assert "server web1 127.0.0.1:8001 check" in config and "server web2" in config
    # Only what is safe to repeat is sent again to the other replica: reads,
    # and the mentor's autosave and preview (the whole form each time).
    retry = next(line for line in config.splitlines() if "disable-l7-retry" in line)
    assert "unless METH_GET || METH_HEAD ||" in retry
    pattern = re.compile(stackparts.REPEATABLE_POSTS)
    assert pattern.match("/submit/abc123/autosave/") and pattern.match("/submit/abc123/preview/")
    assert not pattern.match("/submit/abc123/") and not pattern.match("/admin/interviews/")


def test_the_report_goes_between_its_markers_in_deploy_md():
    text = (ROOT / "docs" / "deploy.md").read_text()
    assert text.count(topology.START) == 1 and text.count(topology.END) == 1
    assert text.index(topology.START) < text.index(topology.END)


@pytest.mark.slow
def test_the_short_rehearsal_runs_green(tmp_path):
    """About a minute of load across the six phases, on parts of its own in tmp_path."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.topology",
            "--short",
            "--no-write",
            *("--workdir", str(tmp_path / "topology"), "--quiet-wait", "0"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    for name, _ in topology.PHASES:
        assert f"| {name} |" in completed.stdout
    assert "**FAIL**" not in completed.stdout
    assert "| mentor saves acknowledged, found in the primary | all |" in completed.stdout
    # Every part stopped: no pid file left, no process running from the directory.
    assert not list((tmp_path / "topology" / "run").glob("*.pid"))
    running = [
        process.info["cmdline"]
        for process in psutil.process_iter(["cmdline"])
        if str(tmp_path) in " ".join(process.info["cmdline"] or [])
    ]
    assert not running
