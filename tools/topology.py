"""`make topology`: the multi-host rehearsal, on one machine.

    python -m tools.topology [--phase-seconds 30] [--connections 16] [--short] [--no-write]

Starts every part of a multi-host deployment on 127.0.0.1 (tools/stack.py:
a PostgreSQL primary and its streaming replica, PgBouncer in transaction
pooling mode, Redis, two gunicorn web replicas with production settings,
the worker, HAProxy in front), then drives the mixed load through HAProxy
(readers, mentors autosaving, an editor publishing and saving, readers
watching the editor's pages) through six phases, breaking one thing in each:

1. steady: nothing happens;
2. a web replica is killed (SIGKILL to it and its workers), then started again;
3. Redis is restarted (it keeps nothing on disk: every cached page is gone);
4. the replica database is stopped, then started again;
5. PgBouncer is restarted (SIGINT, its safe shutdown, then started again);
6. after: nothing happens, everything should be back.

The report gives, per phase, the requests, the errors by status and the
95th percentile latency, and then the checks against the targets: no 5xx
but 503s during the PgBouncer restart (a few seconds of them at most), no
connection errors, every acknowledged mentor save in the primary, the
editor's next read always showing what they saved, and no reader's page
older than a change acknowledged PAGE_CACHE_SECONDS before. It is printed
and written into docs/deploy.md between the topology markers; the exit
status is 1 when a target is missed. Every process is stopped at the end,
also after an error, Ctrl-C or SIGTERM.

The replica applies changes late on purpose (`--replica-delay-ms`, 200 by
default), as a replica on another host under load does: on one machine it
would be a millisecond behind, and no check could catch a read from a
lagging replica.
"""

import argparse
import os
import runpy
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import benchreport, loadtest
from .servers import BASE_DIR
from .stack import Stack

START = "<!-- topology:start -->"
END = "<!-- topology:end -->"
# "At most a few seconds" of 503s while PgBouncer restarts.
PGBOUNCER_MAX_503_SECONDS = 5.0
PGBOUNCER_PHASE = "PgBouncer restarted"
KILL_PHASE = "a web replica killed"
# Failures this soon after the kill were requests the killed replica had in hand.
IN_FLIGHT_SECONDS = 1.0
# gunicorn.conf.py's worker count, decided there.
WEB_WORKERS = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))["workers"]


@dataclass
class Phase:
    name: str
    started: float
    ended: float = 0.0
    event_at: float = 0.0  # when the thing broke
    notes: list = field(default_factory=list)
    # (finished at, seconds, status or None, error or None, ok)
    requests: list = field(default_factory=list)

    @property
    def seconds(self):
        return self.ended - self.started

    def statuses(self):
        return Counter(status for _, _, status, error, _ in self.requests if error is None)

    def failures(self):
        """{"HTTP 503": n, "RemoteDisconnected": n, ...}: every request that was not ok."""
        counts = Counter()
        for _, _, status, error, ok in self.requests:
            if error is not None:
                counts[error] += 1
            elif not ok:
                counts[f"HTTP {status}"] += 1
        return counts

    def p95_ms(self):
        return loadtest.percentile([s * 1000 for _, s, _, e, _ in self.requests if e is None], 0.95)

    def times_of(self, status):
        return [at for at, _, got, error, _ in self.requests if error is None and got == status]

    def failed_within(self, seconds):
        """Failures that ended within `seconds` of the event: requests it caught in flight."""
        return Counter(
            error or f"HTTP {status}"
            for at, _, status, error, ok in self.requests
            if not ok and self.event_at <= at <= self.event_at + seconds
        )


class Timeline:
    """loadtest's Results, split by phase: what the clients record goes to the current one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reconnects = 0
        self.phases = []

    def begin(self, name):
        now = time.monotonic()
        with self.lock:
            if self.phases:
                self.phases[-1].ended = now
            self.phases.append(Phase(name, now))
        return self.phases[-1]

    def end(self):
        with self.lock:
            self.phases[-1].ended = time.monotonic()

    def record(self, seconds, status=None, error=None, url="", ok=(200,)):
        entry = (time.monotonic(), seconds, status, error, error is None and status in ok)
        with self.lock:
            if self.phases:
                self.phases[-1].requests.append(entry)

    def phase_at(self, moment):
        for phase in self.phases:
            if phase.started <= moment < (phase.ended or float("inf")):
                return phase.name
        return "?"


# --- What breaks in each phase ----------------------------------------------------------


def kill_web_replica(stack, phase, hold):
    web = stack.webs[0]
    started = phase.event_at = time.monotonic()
    web.kill()
    out = stack.haproxy.wait_for(web.name, "DOWN")
    phase.notes.append(f"{web.name} killed (SIGKILL); HAProxy took it out {out:.1f} s later")
    time.sleep(max(0.0, hold - (time.monotonic() - started)))
    web.start()
    web.wait_until_up()
    back = stack.haproxy.wait_for(web.name, "UP")
    phase.notes.append(
        f"started again after {hold:.0f} s; back in rotation {time.monotonic() - started - hold:.1f} s "
        f"later ({back:.1f} s after it answered)"
    )


def restart_redis(stack, phase, hold):
    started = time.monotonic()
    stack.redis.stop()
    stack.redis.start()
    phase.notes.append(
        f"Redis stopped and started again ({time.monotonic() - started:.1f} s); "
        "every cached page and the page generation were gone"
    )


def stop_replica_database(stack, phase, hold):
    started = time.monotonic()
    stack.replica.stop("fast")
    phase.notes.append("the replica database stopped (pg_ctl stop -m fast)")
    time.sleep(hold)
    stack.replica.start()
    stack.replica.wait_until_streaming()
    phase.notes.append(
        f"started again after {hold:.0f} s; streaming and caught up "
        f"{time.monotonic() - started - hold:.1f} s later"
    )


def restart_pgbouncer(stack, phase, hold):
    started = time.monotonic()
    stack.pgbouncer.stop(signal.SIGINT)  # its safe shutdown, what systemd sends
    stack.pgbouncer.start()
    phase.notes.append(
        f"PgBouncer stopped (SIGINT) and started again ({time.monotonic() - started:.1f} s)"
    )
    phase.event_at = started


PHASES = [
    ("steady", None),
    (KILL_PHASE, kill_web_replica),
    ("Redis restarted", restart_redis),
    ("the replica database stopped", stop_replica_database),
    (PGBOUNCER_PHASE, restart_pgbouncer),
    ("after", None),
]


# --- The report ---------------------------------------------------------------------------


def describe_failures(counts):
    return ", ".join(f"{what} x {n}" for what, n in sorted(counts.items())) or "none"


def checks(timeline, scenarios, problems, workers=None):
    """[(check, target, measured, passed)] against the targets."""
    mentors, editor = scenarios
    workers = workers or WEB_WORKERS
    rows = []
    # A crash loses what the replica was answering: the requests its workers
    # had in hand (HAProxy cannot send again a reply it has begun to forward,
    # nor a POST that may have run). Nothing else may fail.
    killed = next(p for p in timeline.phases if p.name == KILL_PHASE)
    in_flight = killed.failed_within(IN_FLIGHT_SECONDS)
    rows.append(
        (
            "requests in flight on the killed replica",
            f"at most its {workers} workers' (failing within {IN_FLIGHT_SECONDS:.0f} s of the kill)",
            describe_failures(in_flight),
            in_flight.total() <= workers,
        )
    )
    server_errors, other = Counter(), Counter()
    for phase in timeline.phases:
        for what, n in (phase.failures() - (in_flight if phase is killed else Counter())).items():
            if phase.name == PGBOUNCER_PHASE and what == "HTTP 503":
                continue
            (server_errors if what.startswith("HTTP 5") else other)[f"{what} ({phase.name})"] += n
    rows.append(
        (
            "5xx but 503s while PgBouncer restarts",
            "none",
            describe_failures(server_errors),
            not server_errors,
        )
    )
    bouncer = next(p for p in timeline.phases if p.name == PGBOUNCER_PHASE)
    times = bouncer.times_of(503)
    window = times[-1] - times[0] if times else 0.0
    rows.append(
        (
            "503s while PgBouncer restarts",
            f"at most {PGBOUNCER_MAX_503_SECONDS:.0f} s of them",
            f"{len(times)} in {window:.1f} s" if times else "none",
            window <= PGBOUNCER_MAX_503_SECONDS,
        )
    )
    rows.append(("other errors (4xx, connections)", "none", describe_failures(other), not other))
    lost = mentors.verify()
    rows.append(
        (
            "mentor saves acknowledged, found in the primary",
            "all",
            f"{len(mentors.acknowledged)} acknowledged, "
            + (lost[0] if lost else f"all {len(mentors.acknowledged)} found"),
            not lost,
        )
    )
    reads = editor.own_reads
    rows.append(
        (
            "the editor's next read shows their publish or save",
            "every time",
            f"{reads['shown']} of {reads.total()} ({len(editor.published)} published, "
            f"{len(editor.edits)} saved)",
            reads.total() > 0 and not reads["missing"],
        )
    )
    watchers = editor.watchers
    oldest = max((age for age, _ in watchers.stale), default=0.0)
    late = [age for age, _ in watchers.stale if age > watchers.allowed_seconds]
    rows.append(
        (
            "readers' pages from before an acknowledged change",
            f"none older than {watchers.allowed_seconds} s (PAGE_CACHE_SECONDS)",
            f"{len(watchers.stale)} of {watchers.reads} reads"
            + (f", the oldest {oldest:.1f} s after the change" if watchers.stale else ""),
            watchers.reads > 0 and not late,
        )
    )
    for problem in problems:
        rows.append(("server log", "no ERROR line", problem[:160], False))
    return rows


def render(timeline, rows, facts):
    lines = [
        f"Measured {facts['date']} on {facts['machine']} with `{facts['command']}`.",
        "",
        f"Parts: {facts['parts']}.",
        f"Load: {facts['load']}.",
        "",
        "| phase | what happened | requests | req/s | not ok | p95 ms |",
        "| --- | --- | ---: | ---: | --- | ---: |",
    ]
    for phase in timeline.phases:
        count = len(phase.requests)
        lines.append(
            f"| {phase.name} | {'; '.join(phase.notes) or '-'} | {count:,} "
            f"| {count / max(phase.seconds, 0.001):.0f} | {describe_failures(phase.failures())} "
            f"| {phase.p95_ms():.0f} |"
        )
    lines += ["", "| check | target | measured | result |", "| --- | --- | --- | --- |"]
    for check, target, measured, passed in rows:
        lines.append(f"| {check} | {target} | {measured} | {'pass' if passed else '**FAIL**'} |")
    return "\n".join(lines)


def server_errors(stack):
    """ERROR and CRITICAL lines the web replicas and the worker logged."""
    logs = [web.log_path for web in stack.webs] + [stack.worker.log_path]
    return [
        f"{path.name}: {line}"
        for path in logs
        for line in path.read_text(errors="replace").splitlines()
        if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line
    ]


# --- The run ------------------------------------------------------------------------------


def rehearse(stack, args, say=print):
    """Load through HAProxy across the phases: (timeline, scenarios, problems,
    % CPU other processes used just before the load)."""
    host, port = "127.0.0.1", stack.haproxy.port
    # The scenarios' setup (mentors' links, the editor's account) runs Django
    # here: on the primary, directly, and invalidating the stack's cache.
    for name in [k for k in os.environ if k.startswith(("DATABASE_", "DJANGO_"))]:
        del os.environ[name]
    os.environ.update(DATABASE_URL=stack.direct_url, CACHE_URL=stack.redis.url)
    timeline = Timeline()
    paths = loadtest.discover(loadtest.Client(host, port, timeline))
    mentors = loadtest.MentorSaves(stack.direct_url, stack.secret_key, args.connections)
    editor = loadtest.EditorPublishes(
        host, port, timeline, stack.secret_key, interviews=int(args.phase_seconds * 2) + 5
    )
    editor.watchers.allowed_seconds = args.page_cache_seconds
    stack.replica.wait_until_streaming()  # has what the setup wrote
    wait_for_the_worker()
    # Other work on the two cores shows in every figure: say how much there was.
    background = benchreport.wait_for_quiet(args.quiet_wait)
    scenarios = [loadtest.Readers(paths), mentors, editor, editor.watchers]
    stop = threading.Event()
    timeline.begin("warming up")
    load = threading.Thread(
        target=loadtest.run_load,
        args=(host, port, 24 * 3600, args.connections, scenarios, timeline, stop),
        daemon=True,
    )
    load.start()
    try:
        time.sleep(min(5, args.phase_seconds / 2))
        timeline.phases.clear()
        for name, event in PHASES:
            phase = timeline.begin(name)
            say(f"  {name} ...", flush=True)
            if event is not None:
                event(stack, phase, args.phase_seconds / 2)
            time.sleep(max(0.0, phase.started + args.phase_seconds - time.monotonic()))
        timeline.end()
    finally:
        stop.set()
        load.join(60)
    return timeline, (mentors, editor), server_errors(stack), background


def wait_for_the_worker(timeout=300):
    """Until the worker has run what is due (the demo content's share images,
    the dataset): its first minutes would otherwise weigh on the steady phase."""
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the worker still had tasks to run after {timeout} s")
        time.sleep(1)


def stop_on_sigterm():
    """SIGTERM unwinds like Ctrl-C, so every part is stopped."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.topology")
    parser.add_argument("--phase-seconds", type=float, default=30, help="seconds per phase (30)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (16)")
    parser.add_argument(
        "--short", action="store_true", help="about a minute: 8 s phases, 8 connections"
    )
    parser.add_argument("--replica-delay-ms", type=int, default=200, help="the replica's lag (200)")
    parser.add_argument(
        "--page-cache-seconds", type=int, default=60, help="DJANGO_PAGE_CACHE_SECONDS (60)"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=120,
        help="before the load, wait up to this many seconds for other processes to go quiet",
    )
    parser.add_argument("--workdir", type=Path, default=BASE_DIR / ".topology")
    parser.add_argument("--output", type=Path, default=BASE_DIR / "docs" / "deploy.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if args.short:
        args.phase_seconds, args.connections = 8, 8
    stop_on_sigterm()

    started = time.monotonic()
    with Stack(
        args.workdir,
        replica_apply_delay_ms=args.replica_delay_ms,
        page_cache_seconds=args.page_cache_seconds,
    ) as stack:
        print(f"Everything up in {time.monotonic() - started:.0f} s; {stack.url} (HAProxy).")
        versions = stack.versions()
        timeline, scenarios, problems, background = rehearse(stack, args)
        rows = checks(timeline, scenarios, problems)  # the saves are read from the primary
    total = sum(p.seconds for p in timeline.phases)
    facts = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": benchreport.machine(),
        "command": "make topology"
        if argv is None and len(sys.argv) == 1
        else "python -m tools.topology " + " ".join(sys.argv[1:] if argv is None else argv),
        "parts": (
            f"PostgreSQL {versions['PostgreSQL']} primary and streaming replica (the replica "
            f"applying changes {args.replica_delay_ms} ms late), PgBouncer {versions['PgBouncer']} "
            f"(transaction pooling), Redis {versions['Redis']}, 2 gunicorn web replicas "
            f"(gunicorn.conf.py's workers each), the worker, HAProxy {versions['HAProxy']}; "
            f"DJANGO_PAGE_CACHE_SECONDS={args.page_cache_seconds}"
        ),
        "load": (
            f"{args.connections} connections through HAProxy (readers, mentors autosaving, an "
            f"editor publishing and saving, readers watching the editor's pages), {len(PHASES)} "
            f"phases of {args.phase_seconds:.0f} s ({total:.0f} s), the load generator on the "
            f"same cores; other processes used {background:.0f}% CPU just before"
        ),
    }
    report = render(timeline, rows, facts)
    print("\n" + report)
    for scenario in scenarios:
        print(scenario.report())
    if not args.no_write:
        benchreport.write(args.output, report, START, END, heading="The rehearsal's latest report")
        print(f"\nWritten to {args.output}.")
    sys.exit(0 if all(passed for *_, passed in rows) else 1)


if __name__ == "__main__":
    main()
