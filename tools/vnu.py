"""The W3C Nu HTML checker (vnu.jar), the outside judge of the site's HTML.

    python -m tools.vnu ensure    # install it under .data/vnu when missing

The jar comes from npm's `vnu-jar` package at one pinned version and runs on
the system's Java (Debian's `default-jre-headless`). The package's install
script, which would fetch a Java of its own, is never run.
tests/test_html.py calls `check()` once for every page type at once, since
starting the JVM is the slow part.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

VERSION = "26.9.27"
ROOT = Path(__file__).resolve().parent.parent
PREFIX = ROOT / ".data" / "vnu"
JAR = Path(
    os.environ.get("VNU_JAR") or PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def java():
    """The `java` executable, or None."""
    return shutil.which("java")


def missing():
    """Why the checker cannot run here, or "" when it can."""
    if not java():
        return "Java is not installed (apt-get install default-jre-headless)"
    if not JAR.exists():
        return f"vnu.jar is not at {JAR} (make vnu)"
    return ""


def ensure():
    """Install vnu-jar@VERSION with npm when the jar is missing. Returns the jar's path,
    or None without npm (outside CI, so that `make test` still runs everything else)."""
    if JAR.exists():
        return JAR
    npm = shutil.which("npm")
    if not npm:
        note = "npm is not installed (apt-get install npm): the Nu HTML checker test will skip."
        # In CI the test fails without the jar, so say why here, first.
        if os.environ.get("CI"):
            raise SystemExit(note)
        print(note, file=sys.stderr)
        return None
    PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(PREFIX),
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"vnu-jar@{VERSION}",
        ],
        check=True,
    )
    if not JAR.exists():
        raise SystemExit(f"npm installed vnu-jar but there is no {JAR}")
    return JAR


def check(files):
    """The checker's errors for these HTML files: [{"file", "line", "message", "extract"}]."""
    files = [str(path) for path in files]
    result = subprocess.run(
        [java(), "-jar", str(JAR), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError as error:
        raise RuntimeError(
            f"vnu.jar gave no report (exit {result.returncode}): {result.stderr}"
        ) from error
    return [
        {
            "file": message.get("url", "").removeprefix("file:"),
            "line": message.get("lastLine") or message.get("firstLine"),
            "message": message.get("message", ""),
            "extract": message.get("extract", ""),
        }
        for message in report.get("messages", [])
        if message.get("type") in {"error", "non-document-error"}
    ]


if __name__ == "__main__":
    if sys.argv[1:] != ["ensure"]:
        raise SystemExit("usage: python -m tools.vnu ensure")
    if jar := ensure():
        print(jar)
