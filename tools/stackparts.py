"""The other parts `make topology` runs, each a process on a free port of
127.0.0.1 in its own session: PgBouncer in front of the primary, Redis,
HAProxy in front of the web replicas (Debian's packages, installed when
missing), the gunicorn web replicas and the worker.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .pgcluster import APP_USER, DATABASE_NAME, is_root, own, run_as
from .servers import BASE_DIR, Gunicorn, free_port

PACKAGES = {"haproxy": "haproxy", "pgbouncer": "pgbouncer", "redis-server": "redis-server"}


def binary(name):
    """The path of a Debian program (some live in /usr/sbin, often not on PATH)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")


def ensure_packages():
    """Install HAProxy, PgBouncer and Redis from Debian's packages when missing."""
    missing = [package for name, package in PACKAGES.items() if binary(name) is None]
    if not missing:
        return
    if not is_root() or shutil.which("apt-get") is None:
        sys.exit(f"make topology needs {', '.join(missing)}: apt-get install {' '.join(missing)}")
    print(f"Installing {', '.join(missing)} from Debian's packages ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def wait_for_port(port, timeout=30, process=None, what="server"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


class Part:
    """A child process in its own session (so a kill reaches its children),
    its output in a log file, its pid in a file for the next run's cleanup."""

    name = "part"

    def __init__(self, root, port=None):
        self.root = Path(root)
        self.port = port or free_port()
        self.process = None
        self.log_path = self.root / "logs" / f"{self.name}.log"

    def command(self):
        raise NotImplementedError

    def env(self):
        return None

    def user(self):
        return {}

    def start(self):
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(),
            cwd=BASE_DIR,
            env=self.env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            **self.user(),
        )
        (self.root / "run" / f"{self.name}.pid").write_text(str(self.process.pid))
        self.wait_until_up()
        return self

    def wait_until_up(self):
        wait_for_port(self.port, process=self.process, what=self.name)

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def send(self, signum):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def stop(self, signum=signal.SIGTERM, timeout=30):
        if self.process is None:
            return
        if self.running:
            self.send(signum)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.send(signal.SIGKILL)
                self.process.wait()
        # Whatever the process group still holds (a worker orphaned by a kill).
        self.send(signal.SIGKILL)
        self.log.close()
        (self.root / "run" / f"{self.name}.pid").unlink(missing_ok=True)

    def kill(self):
        """As a crash would: SIGKILL to the process and its children, no goodbye."""
        self.stop(signal.SIGKILL)


class PgBouncer(Part):
    """PgBouncer in transaction pooling mode in front of the primary, configured
    by deploy/pgbouncer/start, the script docker-compose.yml runs (what
    transaction pooling asks of the site is said there)."""

    name = "pgbouncer"

    def __init__(self, root, primary, pool_size=10):
        super().__init__(root)
        self.primary = primary
        self.pool_size = pool_size
        self.dir = self.root / "pgbouncer"

    def configure(self):
        self.dir.mkdir(mode=0o700)
        own(self.dir)
        return self

    def command(self):
        return ["sh", str(BASE_DIR / "deploy" / "pgbouncer" / "start")]

    def env(self):
        return {
            "PATH": f"{Path(binary('pgbouncer')).parent}:/usr/bin:/bin",
            "POSTGRES_USER": APP_USER,
            "POSTGRES_PASSWORD": self.primary.password,
            "POSTGRES_DB": DATABASE_NAME,
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(self.primary.port),
            "PGBOUNCER_LISTEN": "127.0.0.1",
            "PGBOUNCER_PORT": str(self.port),
            "PGBOUNCER_DIR": str(self.dir),
            "PGBOUNCER_POOL_SIZE": str(self.pool_size),
        }

    def user(self):
        return run_as()

    def version(self):
        output = subprocess.run([binary("pgbouncer"), "--version"], capture_output=True, text=True)
        return output.stdout.split()[1]


class Redis(Part):
    """The shared cache, as docker-compose runs it: nothing kept on disk."""

    name = "redis"

    def command(self):
        return [
            binary("redis-server"),
            *("--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
            *("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"),
        ]

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def version(self):
        output = subprocess.run(
            [binary("redis-server"), "--version"], capture_output=True, text=True
        )
        return next((p for p in output.stdout.split() if p.startswith("v=")), "v=?")[2:]


# The mentor's form's background requests: each sends the whole form.
REPEATABLE_POSTS = r"^/submit/[^/]+/(autosave|preview)/$"


class HAProxy(Part):
    """The load balancer in front of the web replicas, as a TLS proxy would be.

    It overwrites X-Forwarded-Proto (the site trusts it for HTTPS) and
    appends the client's address to X-Forwarded-For (one trusted proxy).
    Health checks ask /readyz every second; three failures take a replica
    out, two successes bring it back. A request that could not reach a
    replica (refused, reset before an answer) goes to the other one: always
    for reads and for a mentor's autosave and preview, which are safe to
    repeat (an autosave carries the whole draft, so saving it twice changes
    nothing), and for other POSTs only when the connection failed before
    anything was sent.
    """

    name = "haproxy"

    def __init__(self, root, webs):
        super().__init__(root)
        self.webs = webs
        self.config_path = self.root / "haproxy.cfg"
        self.socket_path = self.root / "run" / "haproxy.sock"

    def configure(self):
        servers = [
            f"    server {web.name} 127.0.0.1:{web.port} check inter 1s fall 3 rise 2"
            for web in self.webs
        ]
        self.config_path.write_text(
            "\n".join(
                [
                    "global",
                    "    log stderr format raw local0 info",
                    f"    stats socket {self.socket_path} mode 600 level admin",
                    "    maxconn 2000",
                    "",
                    "defaults",
                    "    mode http",
                    "    log global",
                    "    option httplog",
                    "    timeout connect 2s",
                    "    timeout client 60s",
                    # Longer than gunicorn's own timeout (30 s), which answers first.
                    "    timeout server 35s",
                    "    timeout http-keep-alive 10s",
                    "    retries 2",
                    "    option redispatch 1",
                    "    retry-on conn-failure empty-response response-timeout",
                    "",
                    "frontend site",
                    f"    bind 127.0.0.1:{self.port}",
                    "    http-request set-header X-Forwarded-Proto https",
                    "    option forwardfor",
                    "    default_backend web",
                    "",
                    "backend web",
                    "    balance roundrobin",
                    "    option httpchk GET /readyz",
                    "    http-check expect status 200",
                    # One request per connection to gunicorn: an idle kept-alive
                    # connection gunicorn closes as HAProxy reuses it would fail a POST.
                    "    option http-server-close",
                    # Only what is safe to repeat is sent again once a replica had it.
                    f"    http-request disable-l7-retry unless METH_GET || METH_HEAD || {{ path_reg '{REPEATABLE_POSTS}' }}",
                    *servers,
                    "",
                ]
            )
        )
        return self

    def command(self):
        return [binary("haproxy"), "-db", "-f", str(self.config_path)]

    def server_states(self):
        """{server name: "UP" / "DOWN" / ...} from HAProxy's stats socket."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(str(self.socket_path))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        states = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == "web" and row.get("svname") not in {"BACKEND", "FRONTEND"}:
                states[row["svname"]] = row["status"].split()[0]
        return states

    def wait_for(self, name, state, timeout=60):
        """Seconds until HAProxy reports server `name` in `state`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.server_states().get(name) == state:
                return time.monotonic() - started
            time.sleep(0.1)
        raise RuntimeError(f"HAProxy did not see {name} {state} within {timeout} s")

    def version(self):
        output = subprocess.run([binary("haproxy"), "-v"], capture_output=True, text=True)
        return output.stdout.split()[2]


class Web(Gunicorn):
    """A gunicorn web replica, in its own session so a kill takes its workers too."""

    def __init__(self, name, env, log_dir):
        super().__init__(env, log_dir)
        self.name = name

    def start(self):
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pidfile.write_text(str(self.process.pid))
        return self

    def kill(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def stop(self):
        super().stop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.pidfile.unlink(missing_ok=True)

    @property
    def pidfile(self):
        return self.log_path.parent.parent / "run" / f"{self.name}.pid"


class Worker(Part):
    """`manage.py worker`, straight to the primary like every management command."""

    name = "worker"

    def __init__(self, root, env):
        super().__init__(root, port=0)
        self._env = env

    def command(self):
        return [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"]

    def env(self):
        return self._env

    def wait_until_up(self):
        time.sleep(0.5)
        if not self.running:
            raise RuntimeError(f"the worker exited: {self.log_path.read_text()[-2000:]}")
