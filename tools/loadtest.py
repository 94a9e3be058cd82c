"""`make loadtest`: readers browsing and mentors saving drafts, through gunicorn.

    python -m tools.loadtest [--duration 120] [--connections 32] [--target URL]

Without --target it starts gunicorn itself (gunicorn.conf.py, production
settings) on 127.0.0.1 against the database in DATABASE_URL (the
project-local one when unset), collects static files into a temporary
directory, and stops it at the end. It only ever sends requests to
127.0.0.1 or the --target you give.

Every connection is a thread with its own keep-alive HTTP connection that
requests pages readers visit (found by following the site's own links) until
the time is up. The summary gives requests per second, latency percentiles
and every error; the exit status is 1 if there was any error: a status other
than 200, a failed connection, or an ERROR line in the server's log.

Two weighted scenarios share the connections: readers browsing, and mentors
saving drafts through the answer form's autosave (`--readers-only` leaves
them out); afterwards every save the server acknowledged must be in the
database. (Over 400 lines: the client, both scenarios and the check of the
saves belong to one run and are read together.)
"""

import argparse
import http.client
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

from .servers import BASE_DIR, Gunicorn, database_url, production_env

# Requests look as they do behind the production proxy.
HEADERS = {"X-Forwarded-Proto": "https", "User-Agent": "applyingml-loadtest"}
LINK = re.compile(r'href="(/(?:mentors|questions|lessons|static)/[^"#]*)"')


@dataclass
class Results:
    latencies: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    examples: list = field(default_factory=list)
    reconnects: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds, status=None, error=None, url=""):
        with self.lock:
            if error:
                self.errors[error] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{url}: {error}")
                return
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if status != 200:
                self.errors[f"HTTP {status}"] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{url}: HTTP {status}")


class Client:
    """One keep-alive connection with its cookies. A request that fails because
    the server had closed the idle connection (gunicorn recycling a worker) is
    retried once on a new connection, as browsers do for GETs; anything else
    is an error."""

    def __init__(self, host, port, results):
        self.host, self.port, self.results = host, port, results
        self.connection = None
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, idempotent=False):
        """(status, body bytes); raises OSError/HTTPException on failure.

        `idempotent` marks a POST that is safe to send again (an autosave of
        the same text), so it gets the same one retry as a GET.
        """
        for attempt in (1, 2):
            reused = self.connection is not None
            if not reused:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
                extra = {"Cookie": cookie} if cookie else {}
                self.connection.request(
                    method, path, body=body, headers={**HEADERS, **extra, **(headers or {})}
                )
                response = self.connection.getresponse()
                data = response.read()
                for header in response.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
                if response.will_close:
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if not reused or attempt == 2 or not (idempotent or method in {"GET", "HEAD"}):
                    raise
                with self.results.lock:
                    self.results.reconnects += 1
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Readers:
    """Readers browsing: the home page, lists, interviews, questions, lessons."""

    name = "readers browsing"
    weight = 1.0

    def __init__(self, paths):
        self.paths = paths

    def step(self, client, results):
        path = random.choice(self.paths)
        started = time.monotonic()
        try:
            status, _ = client.request("GET", path)
        except (OSError, http.client.HTTPException) as exc:
            results.record(time.monotonic() - started, error=type(exc).__name__, url=path)
            return
        results.record(time.monotonic() - started, status=status, url=path)

    def verify(self):
        return []

    def report(self):
        return ""


class MentorSaves:
    """Mentors saving drafts, and afterwards: is every acknowledged save stored?

    Each connection plays one invited mentor who keeps typing: every save
    sends the whole answer so far plus a new unique marker, through the
    form's autosave endpoint (CSRF cookie and header, as the browser does).
    A save counts as acknowledged when the server answers 200 with
    "saved": true. Since every save carries all earlier text, the stored
    answer must contain every acknowledged marker; verify() checks that.
    """

    name = "mentors saving drafts"
    weight = 0.2

    def __init__(self, database_url, secret_key, count):
        self.database_url = database_url
        self.tokens = self._invite(secret_key, count)
        self.acknowledged = set()
        self.lock = threading.Lock()
        self.local = threading.local()
        self.next_token = iter(self.tokens)

    @staticmethod
    def _invite(secret_key, count):
        """Invite `count` mentors; their links are signed with the server's key."""
        os.environ["DATABASE_URL"] = os.environ.get("DATABASE_URL") or database_url()
        os.environ["DJANGO_SECRET_KEY"] = secret_key
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "applyingml.settings")
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        from interviews.models import Invitation

        run = secrets.token_hex(3)
        return [
            Invitation.create_for(
                name=f"Load Test Mentor {run}-{n}", email=f"load-{run}-{n}@example.com", days=1
            ).token
            for n in range(count)
        ]

    def _mentor(self, client):
        """This connection's mentor: their link, CSRF token and text so far."""
        mentor = getattr(self.local, "mentor", None)
        if mentor is None:
            with self.lock:
                token = next(self.next_token)
            status, body = client.request("GET", f"/submit/{token}/")
            if status != 200:
                raise OSError(f"the mentor form answered {status}")
            csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
            mentor = self.local.mentor = {"token": token, "csrf": csrf, "text": ""}
        return mentor

    def step(self, client, results):
        started = time.monotonic()
        try:
            mentor = self._mentor(client)
            marker = f"m{secrets.token_hex(6)}"
            text = f"{mentor['text']} {marker}".strip()
            origin = f"https://{client.host}:{client.port}"
            body = urlencode({"name": "Load Test Mentor", "answer-day-to-day": text})
            status, data = client.request(
                "POST",
                f"/submit/{mentor['token']}/autosave/",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": mentor["csrf"],
                    "Origin": origin,
                    "Referer": f"{origin}/submit/{mentor['token']}/",
                    "Accept": "application/json",
                },
                idempotent=True,  # the same text again: saving it twice changes nothing
            )
        except (OSError, http.client.HTTPException) as exc:
            results.record(time.monotonic() - started, error=str(exc)[:60] or type(exc).__name__)
            return
        results.record(time.monotonic() - started, status=status, url="/submit/…/autosave/")
        mentor["text"] = text  # kept, as the browser keeps it, whether saved or not
        if status == 200 and b'"saved": true' in data:
            with self.lock:
                self.acknowledged.add(marker)

    def verify(self):
        """Problems found: acknowledged saves that are not in the database."""
        if not self.acknowledged:
            return ["no mentor save was acknowledged"]
        with psycopg.connect(self.database_url) as conn:
            stored = " ".join(
                body
                for (body,) in conn.execute(
                    "SELECT body FROM interviews_answer WHERE body LIKE 'm%%'"
                ).fetchall()
            )
        lost = {marker for marker in self.acknowledged if marker not in stored}
        if lost:
            return [f"{len(lost)} of {len(self.acknowledged)} acknowledged saves are missing"]
        return []

    def report(self):
        return f"mentor saves acknowledged: {len(self.acknowledged)}, checked in the database"


def discover(client, limit=200):
    """Paths a reader can reach from the home page, two links deep."""
    # Readers also search, and feed readers and crawlers come by.
    found = {"/", "/search/?q=data+quality", "/search/?q=monitoring", "/feed/", "/sitemap.xml"}
    frontier = ["/", "/mentors/", "/questions/", "/lessons/"]
    for depth in range(2):
        next_frontier = []
        for path in frontier:
            status, body = client.request("GET", path)
            if status != 200:
                if depth == 0:
                    raise SystemExit(f"Discovery failed: {path} answered {status}.")
                continue  # still a path readers reach: the load counts its errors
            found.add(path)
            for link in LINK.findall(body.decode(errors="replace")):
                link = link.replace("&amp;", "&")
                if link not in found and len(found) < limit:
                    found.add(link)
                    if depth == 0 and not link.startswith("/static/"):
                        next_frontier.append(link)
        frontier = next_frontier
    return sorted(found)


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_load(host, port, duration, connections, scenarios, results):
    total_weight = sum(s.weight for s in scenarios)
    deadline = time.monotonic() + duration

    def worker():
        client = Client(host, port, results)
        try:
            while time.monotonic() < deadline:
                pick = random.uniform(0, total_weight)
                for scenario in scenarios:
                    pick -= scenario.weight
                    if pick <= 0:
                        break
                scenario.step(client, results)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 60)


# --- The server under test ------------------------------------------------------------


class Server(Gunicorn):
    """gunicorn with production settings on 127.0.0.1, for the test's length,
    its static files collected first (WhiteNoise's manifest)."""

    def __init__(self, workdir, db_url):
        super().__init__(
            production_env(
                DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                DJANGO_ALLOWED_HOSTS="127.0.0.1",
                DJANGO_STATIC_ROOT=str(Path(workdir) / "static"),
                DATABASE_URL=db_url,
                DATABASE_CONN_MAX_AGE="60",
                # A benchmark may choose the workers (GUNICORN_WORKERS, GUNICORN_THREADS).
                **{k: v for k, v in os.environ.items() if k.startswith("GUNICORN_")},
            ),
            workdir,
        )

    def start(self):
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
        )
        return super().start()

    def error_lines(self):
        return [
            line
            for line in self.log_path.read_text(errors="replace").splitlines()
            if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line
        ]


def summarize(results, duration, problems):
    count = len(results.latencies) + sum(
        n for kind, n in results.errors.items() if not kind.startswith("HTTP ")
    )
    errors = sum(results.errors.values())
    ms = [s * 1000 for s in results.latencies]
    lines = [
        f"{count} requests in {duration:.0f} s: {count / duration:.0f} per second",
        f"latency ms: p50 {percentile(ms, 0.5):.0f}, p95 {percentile(ms, 0.95):.0f}, "
        f"p99 {percentile(ms, 0.99):.0f}, max {max(ms, default=0):.0f}",
        "statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(results.statuses.items())),
        f"reconnects after the server closed an idle connection: {results.reconnects}",
        f"{errors} errors"
        + (": " + ", ".join(f"{k} x{n}" for k, n in results.errors.items()) if errors else ""),
    ]
    lines += [f"  e.g. {example}" for example in results.examples]
    lines += [f"problem: {problem}" for problem in problems]
    return "\n".join(lines), errors + len(problems)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.loadtest")
    parser.add_argument("--duration", type=float, default=120, help="seconds (default 120)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--target", help="an already running server, e.g. http://127.0.0.1:8000")
    parser.add_argument(
        "--readers-only", action="store_true", help="leave out mentors saving drafts"
    )
    args = parser.parse_args(argv)

    if args.target and not args.readers_only and not os.environ.get("DJANGO_SECRET_KEY"):
        sys.exit(
            "With --target, mentors' links must be signed with that server's key: "
            "set DJANGO_SECRET_KEY to it, or pass --readers-only."
        )

    with tempfile.TemporaryDirectory(prefix="loadtest-") as workdir:
        server = None
        if args.target:
            parts = urlsplit(args.target)
            host, port = parts.hostname, parts.port or 80
        else:
            server = Server(workdir, database_url()).__enter__()
            host, port = "127.0.0.1", server.port
        try:
            results = Results()
            paths = discover(Client(host, port, results))
            scenarios = [Readers(paths)]
            if not args.readers_only:
                secret = (
                    server.env["DJANGO_SECRET_KEY"] if server else os.environ["DJANGO_SECRET_KEY"]
                )
                scenarios.append(MentorSaves(database_url(), secret, args.connections))
            print(
                f"{args.connections} connections for {args.duration:.0f} s against "
                f"{host}:{port}: "
                + ", ".join(s.name for s in scenarios)
                + f" ({len(paths)} paths)",
                flush=True,
            )
            started = time.monotonic()
            run_load(host, port, args.duration, args.connections, scenarios, results)
            elapsed = time.monotonic() - started
            problems = [problem for s in scenarios for problem in s.verify()]
            if server:
                problems += [
                    f"server logged an error: {line[:300]}" for line in server.error_lines()[:5]
                ]
        finally:
            if server:
                server.__exit__(None, None, None)
    summary, failures = summarize(results, elapsed, problems)
    print(summary)
    for scenario in scenarios:
        if scenario.report():
            print(scenario.report())
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
