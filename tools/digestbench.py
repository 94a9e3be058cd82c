"""How long the weekly digest takes for many followers, and how much memory.

    python -m tools.digestbench [--subscribers 10000] [--batch-size 500] [--write]

1. Creates (once) a database of its own beside DATABASE_URL's (else the
   project-local server's), `<name>_digestbench`, migrates it, and fills it
   with N confirmed weekly followers (a mix of every new interview, two
   questions, a lesson, a mentor) and five interviews published this week,
   so that every follower gets a digest.
2. Starts an aiosmtpd server on 127.0.0.1 (the library the suite's SMTP
   server is built on) that counts what it receives and keeps nothing.
3. Runs, as production runs them (DJANGO_ENV=production: DEBUG off, the
   database task backend), `manage.py send_digest`, which renders and
   queues every digest in batches, then `manage.py worker --batch`, which
   delivers the queue over SMTP and exits when it is empty; then, from a
   fresh start, the worker alone, whose housekeeping finds the digest due
   and queues it itself. Each is timed, and its peak resident memory is
   read from the kernel when it exits.
4. Prints the figures; `--write` puts them, with the date and machine, into
   docs/performance.md between its digest markers.

Exit status 1 when a message is missing or a process went over 200 MB.
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import psutil
import psycopg
from aiosmtpd.controller import Controller

from .servers import BASE_DIR, database_url, free_port, production_env

MEMORY_LIMIT_MB = 200
DOC = BASE_DIR / "docs" / "performance.md"
START, END = "<!-- digest:start -->", "<!-- digest:end -->"
EMAIL_DOMAIN = "digest-bench.example"


class CountingHandler:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 Message accepted for delivery"


def bench_database(url):
    """The URL of `<name>_digestbench` on the same server, created if missing."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_digestbench"
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(env, *args, capture=False):
    """Run manage.py; (seconds, peak RSS in MB, output)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
        text=True,
    )
    output = process.stdout.read() if capture else ""
    # wait4 reports this child's own peak resident set (ru_maxrss, in KB on Linux).
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    if process.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed ({process.returncode}):\n{output[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, output


def seed(subscribers):
    """Run inside a Django process (`--seed`): the week's content and the followers."""
    import django

    django.setup()
    from django.utils import timezone

    from interviews.models import (
        Answer,
        Interview,
        Lesson,
        Mentor,
        OutgoingEmail,
        Question,
        Subscriber,
    )

    OutgoingEmail.objects.all().delete()
    # The queue's own table: tasks left from an earlier run.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    questions = list(Question.objects.asked())
    now = timezone.now()
    mentors = []
    for n in range(5):
        mentor, created = Mentor.objects.get_or_create(
            slug=f"digest-bench-{n}",
            defaults={"name": f"Digest Bench {n}", "role": "ML Engineer", "company": "Bench"},
        )
        mentors.append(mentor)
        if created:
            interview = Interview.objects.create(
                mentor=mentor, status=Interview.Status.PUBLISHED, published_at=now
            )
            for question in questions:
                answer = Answer.objects.create(
                    interview=interview,
                    question=question,
                    body=f"Bench answer to *{question.title}*: start with a baseline. " * 20,
                )
                answer.tags.set(["start simple", f"bench lesson {n}"])
    # Always "this week", whenever the bench runs.
    Interview.objects.filter(mentor__in=mentors).update(published_at=now)
    Answer.objects.filter(interview__mentor__in=mentors).update_published_at()
    existing = Subscriber.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
    if existing != subscribers:
        Subscriber.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
        Subscriber.objects.bulk_create(
            Subscriber(
                email=f"reader{n}@{EMAIL_DOMAIN}",
                frequency=Subscriber.Frequency.WEEKLY,
                follows_all=n % 10 < 4,
                confirmed_at=now,
            )
            for n in range(subscribers)
        )
        lesson = Lesson.objects.get(name__iexact="start simple")
        rows = list(Subscriber.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk"))
        through = Subscriber.questions.through, Subscriber.lessons.through
        Subscriber.questions.through.objects.bulk_create(
            through[0](subscriber_id=s.pk, question_id=q.pk)
            for i, s in enumerate(rows)
            if 4 <= i % 10 < 7
            for q in questions[:2]
        )
        through[1].objects.bulk_create(
            through[1](subscriber_id=s.pk, lesson_id=lesson.pk)
            for i, s in enumerate(rows)
            if 7 <= i % 10 < 9
        )
        Subscriber.mentors.through.objects.bulk_create(
            Subscriber.mentors.through(subscriber_id=s.pk, mentor_id=mentors[i % 5].pk)
            for i, s in enumerate(rows)
            if i % 10 == 9
        )
    Subscriber.objects.update(last_digest_at=None)


def report(args, figures):
    machine = f"{platform.node() or 'unknown host'}: {platform.processor() or platform.machine()}"
    cpus = psutil.cpu_count(logical=True)
    memory = psutil.virtual_memory().total / 2**30
    lines = [
        START,
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}, {cpus} CPUs, "
        f"{memory:.0f} GB, PostgreSQL {figures['postgres']}, Python {platform.python_version()}; "
        f"`python -m tools.digestbench --subscribers {args.subscribers} "
        f"--batch-size {args.batch_size}`, against an aiosmtpd server on 127.0.0.1.",
        "",
        "| step | time | per message | peak memory (RSS) |",
        "| --- | --- | --- | --- |",
        f"| `send_digest`: read, render and queue {figures['queued']:,} digests | "
        f"{figures['queue_s']:.1f} s | {1000 * figures['queue_s'] / figures['queued']:.2f} ms | "
        f"{figures['queue_mb']:.0f} MB |",
        f"| `worker --batch`: deliver them over SMTP | {figures['deliver_s']:.1f} s | "
        f"{1000 * figures['deliver_s'] / figures['queued']:.2f} ms | "
        f"{figures['deliver_mb']:.0f} MB |",
        f"| `worker --batch` alone: its housekeeping queues the digest, then it delivers "
        f"them | {figures['worker_s']:.1f} s | "
        f"{1000 * figures['worker_s'] / figures['queued']:.2f} ms | "
        f"{figures['worker_mb']:.0f} MB |",
        "",
        f"The SMTP server received {figures['received']:,} messages (both runs). A second "
        f"`send_digest` the same week read nobody and took {figures['again_s']:.1f} s.",
        END,
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed:
        return seed(args.subscribers)

    url = bench_database(database_url())
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = production_env(
        DATABASE_URL=url,
        DJANGO_SECRET_KEY="digest-bench-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="localhost",
        TASKS_BACKEND="database",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(controller.port),
        EMAIL_USE_TLS="0",
        DJANGO_LOG_LEVEL="WARNING",
    )
    try:
        print("Migrating and seeding the bench database …", flush=True)
        run(env, "migrate", "--no-input", capture=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tools.digestbench",
                "--seed",
                "--subscribers",
                str(args.subscribers),
            ],
            cwd=BASE_DIR,
            env={**env, "DJANGO_SETTINGS_MODULE": "applyingml.settings"},
            check=True,
        )

        def seed_again():
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tools.digestbench",
                    "--seed",
                    "--subscribers",
                    str(args.subscribers),
                ],
                cwd=BASE_DIR,
                env=env,
                check=True,
            )

        print("send_digest …", flush=True)
        queue_s, queue_mb, output = run(
            env, "send_digest", "--batch-size", str(args.batch_size), capture=True
        )
        print(output, end="")
        queued = int(re.search(r"Done: ([\d,]+) digests", output).group(1).replace(",", ""))
        print("worker --batch …", flush=True)
        deliver_s, deliver_mb, _ = run(
            env, "worker", "--batch", "--no-startup-delay", "--no-reload", capture=True
        )
        again_s, _, _ = run(env, "send_digest", capture=True)
        # Production's way: the worker's housekeeping finds the digest due
        # (weekday 0, hour 0: always) and queues it, then delivers it.
        seed_again()
        print("worker --batch, the digest from its housekeeping …", flush=True)
        worker_s, worker_mb, _ = run(
            {**env, "FOLLOW_DIGEST_WEEKDAY": "0", "FOLLOW_DIGEST_HOUR": "0"},
            "worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            capture=True,
        )
        with psycopg.connect(url) as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    finally:
        controller.stop()
    figures = {
        "queued": queued,
        "queue_s": queue_s,
        "queue_mb": queue_mb,
        "deliver_s": deliver_s,
        "deliver_mb": deliver_mb,
        "received": handler.count,
        "again_s": again_s,
        "worker_s": worker_s,
        "worker_mb": worker_mb,
        "postgres": postgres,
    }
    text = report(args, figures)
    print(text)
    if args.write:
        doc = DOC.read_text()
        if START in doc:
            doc = doc[: doc.index(START)] + text + doc[doc.index(END) + len(END) :]
        else:
            doc = doc.rstrip("\n") + "\n\n" + text + "\n"
        DOC.write_text(doc)
        print(f"Written to {DOC.relative_to(BASE_DIR)}.")
    problems = []
    if not handler.count == 2 * queued == 2 * args.subscribers:
        problems.append(
            f"{handler.count:,} messages received for {queued:,} digests of "
            f"{args.subscribers:,} followers, sent twice"
        )
    if max(queue_mb, deliver_mb, worker_mb) >= MEMORY_LIMIT_MB:
        problems.append(f"a process went over {MEMORY_LIMIT_MB} MB")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
