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

Weighted scenarios share the connections: readers browsing, and mentors
saving drafts through the answer form's autosave (`--readers-only` leaves
them out); afterwards every save the server acknowledged must be in the
database. `--editor` adds an editor publishing interviews and saving edits
in the admin, who must read their own writes, and readers watching those
pages (`make topology` runs it; it writes public content). (Over 400
lines: the client, the scenarios and their checks belong to one run and
are read together.)
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

    def record(self, seconds, status=None, error=None, url="", ok=(200,)):
        """One request: its time and status, or the error that stopped it.
        A status outside `ok` counts as an error."""
        with self.lock:
            if error:
                self.errors[error] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{url}: {error}")
                return
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if status not in ok:
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
        the same text), so it gets the same one retry as a GET. Any request
        that could not even be sent on a kept-alive connection the other end
        had closed (a broken pipe) is sent again on a new one, as browsers do:
        nothing received it.
        """
        for attempt in (1, 2):
            reused = self.connection is not None
            if not reused:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
                extra = {"Cookie": cookie} if cookie else {}
                try:
                    self.connection.request(
                        method, path, body=body, headers={**HEADERS, **extra, **(headers or {})}
                    )
                except BrokenPipeError:
                    self.close()
                    if not reused or attempt == 2:
                        raise
                    with self.results.lock:
                        self.results.reconnects += 1
                    continue
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
            except (OSError, http.client.HTTPException):
                # Whatever else broke (a response cut short), the connection
                # is in no state for the next request: a browser opens another.
                self.close()
                raise
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
        django_setup(secret_key)
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


def django_setup(secret_key):
    """Django in this process, on the server's database and with its key, to
    set up what the scenarios need (mentors' links, the editor's account)."""
    os.environ["DATABASE_URL"] = os.environ.get("DATABASE_URL") or database_url()
    os.environ["DJANGO_SECRET_KEY"] = secret_key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "applyingml.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


class EditorPublishes:
    """An editor in the admin, publishing interviews and saving edits, one at a time.

    It writes public content, so it is for a throwaway database (`make
    topology`; `--editor` here). Setup makes an editor account, interviews
    waiting to be published and one published answer to edit. The editor
    signs in on a connection of its own (its session cookie must not turn
    the readers sharing a connection into signed-in users) and alternates:

    - publish the next waiting interview (the admin's Publish step), then
      read its page: the mentor must be there;
    - save the edited answer with a new numbered marker (the admin's change
      form), then read the answer's page: the marker must be there.

    A change counts as acknowledged when the admin redirects after it. The
    editor's next read showing it is read-your-writes; `watchers` is the
    readers' side (PageWatchers).
    """

    name = "an editor publishing"
    weight = 0.05

    def __init__(self, host, port, results, secret_key, interviews=60, every=2.0):
        self.client = Client(host, port, results)
        self.lock = threading.Lock()
        # Seconds between changes: every change empties the page cache, and
        # an editor changing something every moment would measure nothing else.
        self.every = every
        self.next_change = 0.0
        self.run = secrets.token_hex(3)
        self.password = secrets.token_urlsafe(16)
        self.waiting, self.answer = self._setup(secret_key, interviews)
        self.signed_in = False
        self.turn = 0
        self.published = []  # (acknowledged at, mentor name), in order
        self.edits = []  # (acknowledged at, marker number), in order
        self.own_reads = Counter()  # "shown" / "missing"
        self.missing = []  # what the editor's next read did not show
        self.watchers = PageWatchers(self)

    def _setup(self, secret_key, count):
        django_setup(secret_key)
        from django.contrib.auth import get_user_model

        from interviews import services
        from interviews.management.commands.create_editor import editors_group
        from interviews.models import Answer, Interview, Mentor, Question
        from interviews.models.enums import License

        self.email = f"editor-{self.run}@example.com"
        user = get_user_model().objects.create_user(
            self.email, self.email, self.password, is_staff=True
        )
        user.groups.add(editors_group())
        question = Question.objects.standard().first()
        waiting = []
        for n in range(count + 1):
            name = f"Editor Load Mentor {self.run} {n}"
            mentor = Mentor.objects.create(name=name, slug=f"editor-load-{self.run}-{n}")
            interview = Interview.objects.create(
                mentor=mentor, status=Interview.Status.SUBMITTED, license=License.CC_BY
            )
            Answer.objects.create(
                interview=interview,
                question=question,
                body=f"Edited by the load test: {self.marker(0)}",
            )
            waiting.append((interview.pk, name, mentor.get_absolute_url()))
        # The first is published at once: its answer is the one the editor edits.
        first = Interview.objects.get(pk=waiting[0][0])
        services.apply_step(first, "publish", by=user)
        answer = Answer.objects.select_related("interview__mentor", "question").get(interview=first)
        return waiting[1:], {
            "pk": answer.pk,
            "interview": answer.interview_id,
            "question": answer.question_id,
            "url": answer.get_absolute_url(),
        }

    def marker(self, number):
        return f"edit-{self.run}-{number}"

    def post(self, path, data, results, what):
        csrf = self.client.cookies.get("csrftoken", "")
        origin = f"https://{self.client.host}:{self.client.port}"
        started = time.monotonic()
        status, _ = self.client.request(
            "POST",
            path,
            body=urlencode({**data, "csrfmiddlewaretoken": csrf}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            },
        )
        results.record(time.monotonic() - started, status=status, url=what, ok=(302,))
        return status

    def get(self, path, results, what):
        started = time.monotonic()
        status, body = self.client.request("GET", path)
        results.record(time.monotonic() - started, status=status, url=what)
        return status, body.decode(errors="replace")

    def sign_in(self, results):
        login = "/admin/login/"
        self.get(login, results, login)
        data = {"username": self.email, "password": self.password, "next": "/admin/"}
        if self.post(login, data, results, login) != 302 or "sessionid" not in self.client.cookies:
            raise OSError("the editor could not sign in")
        self.signed_in = True

    def step(self, client, results):
        # One editor, at their own pace: other connections' turns pass.
        if not self.lock.acquire(blocking=False):
            return
        try:
            if time.monotonic() < self.next_change:
                return
            self.next_change = time.monotonic() + self.every
            if not self.signed_in:
                self.sign_in(results)
            self.turn += 1
            if self.turn % 2 and self.waiting:
                self.publish(results)
            else:
                self.edit(results)
        except (OSError, http.client.HTTPException) as exc:
            results.record(0, error=str(exc)[:60] or type(exc).__name__, url="editor")
        finally:
            self.lock.release()

    def publish(self, results):
        pk, name, url = self.waiting.pop(0)
        path = f"/admin/interviews/interview/{pk}/step/publish/"
        if self.post(path, {"apply": "1", "note": ""}, results, "publish") != 302:
            return
        self.published.append((time.monotonic(), name))
        status, page = self.get(url, results, "the editor's read")
        self.check_own_read(status == 200 and name in page, f"{name} at {url}")

    def edit(self, results):
        number = len(self.edits) + 1
        answer = self.answer
        data = {
            "interview": answer["interview"],
            "question": answer["question"],
            "body": f"Edited by the load test: {self.marker(number)}",
            "tags": "",
        }
        path = f"/admin/interviews/answer/{answer['pk']}/change/"
        if self.post(path, data, results, "save") != 302:
            return
        self.edits.append((time.monotonic(), number))
        status, page = self.get(answer["url"], results, "the editor's read")
        self.check_own_read(status == 200 and self.marker(number) in page, self.marker(number))

    def check_own_read(self, shown, what):
        self.own_reads["shown" if shown else "missing"] += 1
        if not shown and len(self.missing) < 10:
            self.missing.append(what)

    def verify(self):
        problems = []
        if not self.published or not self.edits:
            problems.append("the editor's publishes or saves were never acknowledged")
        if self.own_reads["missing"]:
            problems.append(
                f"{self.own_reads['missing']} of {self.own_reads.total()} of the editor's reads "
                f"did not show what they had just saved: {', '.join(self.missing[:3])}"
            )
        return problems

    def report(self):
        return (
            f"editor: {len(self.published)} publishes and {len(self.edits)} saves acknowledged; "
            f"the editor's next read showed {self.own_reads['shown']} of {self.own_reads.total()}"
        )


class PageWatchers:
    """Readers watching what the editor changes, anonymously, through the page cache.

    Each step reads the home page (the newest interviews) or the edited
    answer's page. A read that began after a change was acknowledged and
    does not show it is stale; its age is how long after the
    acknowledgement the read began. Stale reads older than
    `allowed_seconds` (the page cache's lifetime, set by the caller) are
    problems.
    """

    name = "readers watching the editor's pages"
    weight = 0.15

    def __init__(self, editor):
        self.editor = editor
        self.allowed_seconds = 600
        self.lock = threading.Lock()
        self.reads = 0
        self.stale = []  # (age in seconds, what), one per stale read
        self.turn = 0

    def step(self, client, results):
        self.turn += 1
        editor = self.editor
        home = self.turn % 2 == 0
        started = time.monotonic()
        path = "/" if home else editor.answer["url"]
        try:
            status, body = client.request("GET", path)
        except (OSError, http.client.HTTPException) as exc:
            results.record(time.monotonic() - started, error=type(exc).__name__, url=path)
            return
        results.record(time.monotonic() - started, status=status, url=path)
        if status != 200:
            return
        page = body.decode(errors="replace")
        if home:
            acknowledged = [(at, name) for at, name in editor.published if at < started]
            stale_since = (
                acknowledged[-1][0] if acknowledged and acknowledged[-1][1] not in page else None
            )
        else:
            shown = re.search(rf"edit-{editor.run}-(\d+)", page)
            number = int(shown.group(1)) if shown else -1
            newer = [at for at, n in editor.edits if n > number and at < started]
            stale_since = newer[0] if newer else None
        with self.lock:
            self.reads += 1
            if stale_since is not None:
                self.stale.append((started - stale_since, path))

    def verify(self):
        late = [age for age, _ in self.stale if age > self.allowed_seconds]
        if late:
            return [
                f"{len(late)} readers' pages were older than a change acknowledged "
                f"{max(late):.0f} s before (more than {self.allowed_seconds} s)"
            ]
        return []

    def report(self):
        oldest = max((age for age, _ in self.stale), default=0)
        return (
            f"readers watching: {self.reads} reads, {len(self.stale)} stale "
            f"(the oldest {oldest:.1f} s after the change was acknowledged)"
        )


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


def run_load(host, port, duration, connections, scenarios, results, stop=None):
    """`connections` threads running the scenarios for `duration` seconds, or
    until the `stop` event is set."""
    total_weight = sum(s.weight for s in scenarios)
    deadline = time.monotonic() + duration
    stop = stop or threading.Event()

    def worker():
        client = Client(host, port, results)
        try:
            while time.monotonic() < deadline and not stop.is_set():
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
        """The server's errors, and its reason for each 503 page (logged as a
        warning: an outage is not a bug on the page, but the run failed on it)."""
        return [
            line
            for line in self.log_path.read_text(errors="replace").splitlines()
            if '"level": "ERROR"' in line
            or '"level": "CRITICAL"' in line
            or ('"level": "WARNING"' in line and "unavailable" in line)
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
    parser.add_argument(
        "--editor",
        action="store_true",
        help="add an editor publishing and saving, and readers watching (writes public "
        "content: for a throwaway database)",
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
                if args.editor:
                    editor = EditorPublishes(
                        host,
                        port,
                        results,
                        secret,
                        interviews=int(args.duration / 4) + 2,
                        every=min(2.0, args.duration / 10),  # a short run sees both kinds
                    )
                    scenarios += [editor, editor.watchers]
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
                problems += [f"server logged: {line[:600]}" for line in server.error_lines()[:5]]
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
