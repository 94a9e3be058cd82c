"""What every tool and test that starts the site for real needs: a free port,
the database's URL, a production environment, and gunicorn as production
runs it (gunicorn.conf.py, applyingml.wsgi), waited for until it answers."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from .devdb import URL_FILE

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """DATABASE_URL, else the project-local server's (`make db` writes it)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    if URL_FILE.exists():
        return URL_FILE.read_text().strip()
    sys.exit("No database: set DATABASE_URL, or start the project-local one with `make db`.")


def production_env(**overrides):
    """The environment of a production process, without the developer's variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "SENTRY_", "GUNICORN_"))
        and key not in {"CACHE_URL", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="applyingml.settings",
        DJANGO_ENV="production",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    env.update(overrides)
    return env


GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "applyingml.wsgi"]


class Gunicorn:
    """gunicorn with gunicorn.conf.py on a free port of 127.0.0.1, its output in a log file.

    `env` is the whole environment (see production_env); GUNICORN_BIND is set
    here. Use it as a context manager, or call start() and stop().
    """

    def __init__(self, env, log_dir, command=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"gunicorn-{self.port}.log"
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.command = command or GUNICORN
        self.process = None

    def start(self):
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command, cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        return self

    def wait_until_up(self, timeout=60):
        """Wait for /healthz to answer 200; RuntimeError with the log if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not come up within {timeout} s:\n{self.output()[-3000:]}")

    def output(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self.log.close()

    def __enter__(self):
        return self.start().wait_until_up()

    def __exit__(self, *exc):
        self.stop()
