"""The benchmark's table and where it is written, plus the cache server it starts.

`render()` turns wrk's results into one Markdown table with a pass/fail
column; `write()` puts it into docs/performance.md between the bench
markers (or another tool's report between its own), leaving the rest of the
file (the query plans) as it is.
"""

import contextlib
import os
import platform
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass

import psutil

from .servers import free_port

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
STATIC = "static CSS file"


@dataclass(frozen=True)
class Row:
    name: str
    path: str
    cache: str  # "cached" or "uncached"
    result: object  # wrk.Result
    background: float = 0.0  # % CPU other processes used just before the run
    fresh: bool = False  # every request a different search: no cache can answer it


@dataclass(frozen=True)
class Targets:
    cached_min_ratio: float
    uncached_min_ratio: float
    cached_max_p95_ms: float
    worker_max_mb: int
    fresh_max_p99_ms: float


def verdict(row, ratio, targets):
    """(target text, passed) for one row."""
    if row.name == STATIC:
        return "the reference", row.result.errors == 0
    if row.fresh:
        text = (
            f"≥ {targets.uncached_min_ratio:.0%} of static, p99 < {targets.fresh_max_p99_ms:.0f} ms"
        )
        passed = ratio >= targets.uncached_min_ratio and (
            row.result.p99_ms < targets.fresh_max_p99_ms
        )
    elif row.cache == "cached":
        text = (
            f"≥ {targets.cached_min_ratio:.0%} of static, p95 < {targets.cached_max_p95_ms:.0f} ms"
        )
        passed = ratio >= targets.cached_min_ratio and (
            row.result.p95_ms < targets.cached_max_p95_ms
        )
    else:
        text = f"≥ {targets.uncached_min_ratio:.0%} of static"
        passed = ratio >= targets.uncached_min_ratio
    return text + ", no errors", passed and row.result.errors == 0


def render(rows, memory, problems, facts, targets):
    """(Markdown report, number of failures)."""
    static = {row.cache: row.result.per_second for row in rows if row.name == STATIC}
    lines = [
        f"Measured {facts['date']} on {facts['machine']}; {facts['database']}; "
        f"cache: {facts['cache']}; Python {facts['python']}.",
        "",
        "Data: " + ", ".join(f"{n:,} {what}" for what, n in facts["data"].items()) + ".",
        f"Load: {facts['load']}.",
        "",
        "| page | page cache | req/s | p50 ms | p95 ms | p99 ms | errors | vs static | target "
        "| result |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    failures = 0
    order = {row.name: n for n, row in enumerate(rows)}
    for row in sorted(rows, key=lambda r: (order[r.name], r.cache != "cached")):
        result = row.result
        ratio = result.per_second / static[row.cache] if static.get(row.cache) else 0.0
        target, passed = verdict(row, ratio, targets)
        failures += not passed
        lines.append(
            f"| {row.name} (`{row.path}`) | {'on' if row.cache == 'cached' else 'off'} "
            f"| {result.per_second:,.0f} | {result.p50_ms:.1f} | {result.p95_ms:.1f} "
            f"| {result.p99_ms:.1f} | {result.errors} | {ratio:.0%} | {target} "
            f"| {'pass' if passed else '**FAIL**'} |"
        )
    lines.append("")
    background = sorted(row.background for row in rows)
    if background:
        lines.append(
            "- CPU used by other processes just before each run (the server idle): "
            f"median {background[len(background) // 2]:.0f}%, max {background[-1]:.0f}%"
        )
    for label, sizes in memory.items():
        ok = all(size < targets.worker_max_mb for size in sizes)
        failures += not ok
        lines.append(
            f"- gunicorn workers' memory after the {label} run (RSS): "
            + ", ".join(f"{size} MB" for size in sizes)
            + f"; target < {targets.worker_max_mb} MB each: {'pass' if ok else '**FAIL**'}"
        )
    for problem in problems:
        failures += 1
        lines.append(f"- **problem**: {problem}")
    return "\n".join(lines), failures


def write(path, report, start=START, end=END, heading="Benchmark"):
    """Replace the text between the `start` and `end` markers of `path` (the
    bench's, unless told), adding them under `heading` if missing."""
    block = f"{start}\n{report}\n{end}"
    text = path.read_text() if path.exists() else "# Performance\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n" + block + "\n"
    path.write_text(text)


def machine():
    """'CPU model, N cores, X GB RAM, OS' for the report."""
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in open("/proc/cpuinfo").read().splitlines():  # noqa: SIM115
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = psutil.virtual_memory().total / 2**30
    return f"{model}, {os.cpu_count()} cores, {memory:.0f} GB RAM, {platform.system()}"


# Other work on the machine (a test suite, a browser) takes CPU from the
# server and wrk alike, and makes any number meaningless.
QUIET_CPU_PERCENT = 15


def wait_for_quiet(max_wait):
    """Wait up to `max_wait` seconds until the machine is nearly idle (our
    server is, between runs); the % CPU in use when the wait ended."""
    deadline = time.monotonic() + max_wait
    while True:
        busy = psutil.cpu_percent(interval=1)
        if busy <= QUIET_CPU_PERCENT or time.monotonic() >= deadline:
            return busy
        time.sleep(4)


@contextlib.contextmanager
def cache_server():
    """(CACHE_URL, description): CACHE_URL if set, else a private redis-server
    on 127.0.0.1 if installed (as docker-compose runs Redis), else local memory."""
    if os.environ.get("CACHE_URL"):
        yield os.environ["CACHE_URL"], f"CACHE_URL ({os.environ['CACHE_URL'].split(':')[0]})"
        return
    binary = shutil.which("redis-server")
    if binary is None:
        yield "locmem://", "local memory, one per worker (no redis-server installed)"
        return
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("redis-server did not start.") from None
                time.sleep(0.1)
        version = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=False
        ).stdout.split()
        label = next((part for part in version if part.startswith("v=")), "v=?")[2:]
        yield f"redis://127.0.0.1:{port}/0", f"Redis {label} on 127.0.0.1 (redis-server)"
    finally:
        process.terminate()
        process.wait(10)
