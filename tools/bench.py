"""`make bench`: how fast the public pages are at scale, on the production stack.

    python -m tools.bench [--duration 15] [--connections 16] [--mentors 10000]

1. Makes sure the database (DATABASE_URL, else the project-local one) holds
   the scale data: `seed_scale --mentors N` runs when fewer than N mentors
   are published (a few minutes, the first time only).
2. Starts gunicorn as production runs it, through `loadtest.Server`:
   gunicorn.conf.py, DJANGO_ENV=production (DEBUG off, WhiteNoise's manifest
   storage over freshly collected static files), persistent database
   connections. The cache is CACHE_URL, else a private `redis-server` when one
   is installed (docker-compose runs Redis), else local memory.
3. Runs wrk (a separate C process; installed from Debian's packages when
   missing) with N connections for D seconds against a static CSS file, each
   page and the API's answers filtered by two lessons, twice: with the page
   cache on (pages warmed into it first), and
   on a server started with the page cache off (DJANGO_PAGE_CACHE_SECONDS=0),
   so "uncached" renders every request from the database. A second server
   rather than a bypass header: nothing in production can skip the cache.
4. Prints one table (req/s, p50/p95/p99, ratio to the static file of the same
   server, pass or fail against the targets below) and each gunicorn
   worker's memory after each run, and writes them with the date, machine
   and data size into docs/performance.md, between its bench markers.

Only 127.0.0.1 is ever loaded. Exit status 1 when a target is missed.
"""

import argparse
import http.client
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from . import benchreport, wrk
from .loadtest import Server
from .servers import BASE_DIR, database_url

# Targets on a 2-core machine at 160,000 answers and 16 connections.
CACHED_MIN_RATIO = 0.50
UNCACHED_MIN_RATIO = 0.05
CACHED_MAX_P95_MS = 100
WORKER_MAX_MB = 200
# What every request carries, as the TLS-terminating proxy in front sends it.
HEADERS = ["X-Forwarded-Proto: https", "User-Agent: applyingml-bench"]
DEFAULT_QUERY = "kafka"
COMMON_QUERY = "data"
# The row where no two requests ask the same search: two words drawn at random
# from the words the answers use, so the page cache cannot answer any of them.
NEW_QUERIES = "search, a new query each request"
NEW_QUERY_WORDS = 500
NEW_QUERY_MAX_P99_MS = 500
# More than wrk can ask for in one run at any speed search reaches here.
FRESH_PATHS_PER_RUN = 20_000


def django_setup(db_url):
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "applyingml.settings")
    import django

    django.setup()


def ensure_scale_data(mentors, db_url):
    from interviews.models import Interview

    published = Interview.objects.published().count()
    if published >= mentors:
        return
    print(f"{published} published mentors; seeding {mentors} (a few minutes) ...", flush=True)
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_ENV": "development"}
    subprocess.run(
        [sys.executable, "manage.py", "seed_scale", "--mentors", str(mentors)],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


def pick_pages(query):
    """(name, path) for each page the bench loads, chosen from the data."""
    from interviews.models import Interview, LessonUse, Question

    questions = list(Question.objects.asked().filter(published_answer_count__gt=0))
    if not questions:
        sys.exit("No published answers: nothing to load.")
    question = questions[len(questions) // 2]
    lessons = [
        use.lesson.slug
        for use in LessonUse.objects.filter(question=question)
        .select_related("lesson")
        .order_by("-answer_count", "lesson__name")[:2]
    ]
    interviews = Interview.objects.published().select_related("mentor").newest_first()
    mentor = interviews[interviews.count() // 2].mentor
    tags = "&".join(f"tag={slug}" for slug in lessons)
    # The API's answers filtered by the same lessons, across every question.
    api_lessons = "&".join(f"lesson={slug}" for slug in lessons)
    return [
        ("home", "/"),
        ("question", question.get_absolute_url()),
        (f"question, {len(lessons)} lessons", f"{question.get_absolute_url()}?{tags}"),
        # As fast as a question page is the target (issue 16): the most cited first.
        ("resources", "/resources/"),
        ("mentor", mentor.get_absolute_url()),
        ("lessons", "/lessons/"),
        ("search", f"/search/?q={query}"),
        ("search, common word", f"/search/?q={COMMON_QUERY}"),
        (f"API answers, {len(lessons)} lessons", f"/api/v1/answers/?{api_lessons}"),
    ]


def query_words(count=NEW_QUERY_WORDS, sample=2000):
    """The `count` words used most in a sample of published answers that
    PostgreSQL's English search does not drop as stop words, most used first."""
    import re
    from collections import Counter

    from django.db import connection

    from interviews.models import Answer

    answers = Answer.objects.published().order_by("pk")
    step = max(1, answers.count() // sample)
    texts = answers.values_list("body_text", flat=True)
    ids = answers.values_list("pk", flat=True)[::step][:sample]
    words = Counter(
        word
        for text in texts.filter(pk__in=list(ids)).iterator()
        for word in re.findall(r"[a-z]{4,}", text.lower())
    )
    ranked = [word for word, _ in words.most_common(count * 3)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) WITH ORDINALITY AS t (w, n) "
            "WHERE numnode(plainto_tsquery('english', w)) > 0 ORDER BY n",
            [ranked],
        )
        return [row[0] for row in cursor.fetchall()][:count]


def data_size():
    from interviews.models import Answer, Citation, Interview, Lesson, TaggedAnswer

    return {
        "mentors": Interview.objects.published().count(),
        "answers": Answer.objects.published().count(),
        "lessons": Lesson.objects.public().count(),
        "lesson tags": TaggedAnswer.objects.count(),
        "citations": Citation.objects.count(),
    }


def database_settings():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    return f"PostgreSQL {version.split()[0]}, shared_buffers {buffers}"


def get(base, path):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = dict(header.split(": ", 1) for header in HEADERS)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.getheader("X-Cache")


def static_css_path(static_root):
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def worker_memory(master_pid):
    """Resident memory in MB of each gunicorn worker (children of the master)."""
    master = psutil.Process(master_pid)
    return [round(child.memory_info().rss / 2**20) for child in master.children()]


def run_phase(label, page_cache_seconds, pages, args, cache_url, workdir, db_url, wrk_path, fresh):
    """One server, every URL in rounds; `fresh` draws the new-query row's paths."""
    server = Server(workdir, db_url)
    server.env.update(
        CACHE_URL=cache_url,
        DJANGO_PAGE_CACHE_SECONDS=str(page_cache_seconds),
        # wrk is one client: a limit it cannot reach, so its cost is still measured.
        API_RATE_LIMIT=str(10**9),
    )
    rows, problems = [], []
    with server:
        base = f"http://127.0.0.1:{server.port}"
        static = ("static CSS file", static_css_path(server.env["DJANGO_STATIC_ROOT"]))
        for name, path in [static, *pages]:
            for _ in range(max(args.warm, 2)):  # imports, templates, database buffers
                status, cache = get(base, path)
            if status != 200:
                problems.append(f"{label}: {path} answered {status}")
            if label == "cached" and name != static[0] and cache != "hit":
                problems.append(f"{label}: {path} was not served from the cache ({cache})")
        for path in fresh(args.warm):
            status, _ = get(base, path)
            if status != 200:
                problems.append(f"{label}: {path} answered {status}")
        # Rounds over every URL rather than one long run each: which gunicorn
        # worker accepts which of wrk's connections is luck, and so is a
        # moment of other work on the machine; each URL's median round counts.
        urls = [(*static, ()), *((name, path, ()) for name, path in pages), fresh.row]
        runs = {name: [] for name, _, _ in urls}
        seconds = args.duration / args.rounds
        for round_ in range(1, args.rounds + 1):
            for name, path, paths in urls:
                background = benchreport.wait_for_quiet(args.quiet_wait)
                print(
                    f"  {label}, round {round_}: {name} ({path}) for {seconds:.0f} s "
                    f"(other processes: {background:.0f}% CPU) ...",
                    flush=True,
                )
                result = wrk.run(
                    base + ("/" if paths else path),
                    duration=seconds,
                    connections=args.connections,
                    headers=HEADERS,
                    wrk=wrk_path,
                    paths=fresh(FRESH_PATHS_PER_RUN) if paths is fresh else (),
                )
                runs[name].append((result, background))
        for name, path, paths in urls:
            ordered = sorted(runs[name], key=lambda run: run[0].per_second)
            result, background = ordered[len(ordered) // 2]
            rows.append(
                benchreport.Row(name, path, label, result, background, fresh=paths is fresh)
            )
        memory = worker_memory(server.process.pid)
        problems += [f"{label}: server logged {line[:200]}" for line in server.error_lines()[:5]]
    return rows, memory, problems


class FreshSearches:
    """Searches never asked before in this bench: `fresh(n)` is n more."""

    def __init__(self, words, seed=0):
        self.words = words
        self.rng = random.Random(seed)
        self.asked = set()
        self.row = (NEW_QUERIES, f"/search/?q=<two of {len(words)} words>", self)

    def __call__(self, count):
        pairs = len(self.words) * (len(self.words) - 1)
        count = min(count, pairs - len(self.asked)) or min(count, pairs)
        if len(self.asked) == pairs:  # a tiny site: every pair asked, so start again
            self.asked.clear()
        paths = []
        while len(paths) < count:
            first, second = self.rng.sample(self.words, 2)
            path = f"/search/?q={first}+{second}"
            if path not in self.asked:
                self.asked.add(path)
                paths.append(path)
        return paths


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.bench")
    parser.add_argument("--duration", type=float, default=15, help="seconds per URL (15)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="split each URL's time into rounds (3)"
    )
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--mentors", type=int, default=10_000, help="seed up to this many")
    parser.add_argument("--query", default=DEFAULT_QUERY, help="the search benchmarked")
    parser.add_argument("--warm", type=int, default=20, help="requests per URL before timing")
    parser.add_argument(
        "--output", type=Path, default=BASE_DIR / "docs" / "performance.md", help="report file"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=180,
        help="before each run, wait up to this many seconds for other processes to go quiet",
    )
    args = parser.parse_args(argv)

    wrk_path = wrk.ensure_installed()
    db_url = database_url()
    django_setup(db_url)
    if args.mentors:
        ensure_scale_data(args.mentors, db_url)
    pages = pick_pages(args.query)
    fresh = FreshSearches(query_words())
    facts = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": benchreport.machine(),
        "database": database_settings(),
        "data": data_size(),
        "python": platform.python_version(),
    }
    rows, memory, problems = [], {}, []
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as workdir,
        benchreport.cache_server() as (cache_url, cache_label),
    ):
        facts["cache"] = cache_label
        started = time.monotonic()
        for label, seconds in (("cached", 600), ("uncached", 0)):
            phase_rows, memory[label], phase_problems = run_phase(
                label, seconds, pages, args, cache_url, workdir, db_url, wrk_path, fresh
            )
            rows += phase_rows
            problems += phase_problems
    facts["load"] = (
        f"wrk, {args.connections} connections, {args.duration:.0f} s per URL in "
        f"{args.rounds} rounds over all URLs, the median round shown "
        f"({time.monotonic() - started:.0f} s in all), on the same machine"
    )
    targets = benchreport.Targets(
        CACHED_MIN_RATIO, UNCACHED_MIN_RATIO, CACHED_MAX_P95_MS, WORKER_MAX_MB, NEW_QUERY_MAX_P99_MS
    )
    report, failures = benchreport.render(rows, memory, problems, facts, targets)
    print("\n" + report)
    if not args.no_write:
        benchreport.write(args.output, report)
        print(f"\nWritten to {args.output}.")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
