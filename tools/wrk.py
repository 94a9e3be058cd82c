"""wrk, the load generator `make bench` drives the site with: installing it,
running it, and reading its numbers.

wrk runs in its own process (C, event loop), so the measurement is the
server's, not a Python client's. Its `--latency` report has no 95th
percentile, so a small Lua `done()` hook prints the numbers the bench needs
as one JSON line instead of parsing wrk's human-readable summary.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass

# Runs once, after the test: every number comes from wrk's own statistics.
DONE_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
    .. '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout))
end
"""

# Before DONE_SCRIPT when every request is to go to a different path: wrk's
# thread n (of `step`) asks for paths n, n + step, n + 2 step ..., so no path
# is asked for twice in a run while there are enough of them.
PATHS_SCRIPT = """
paths = {%(paths)s}
step = %(step)d
local started = 0
setup = function(thread)
  thread:set("index", started)
  started = started + 1
end
request = function()
  local path = paths[(index %% #paths) + 1]
  index = index + step
  return wrk.format(nil, path)
end
"""


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # socket errors, timeouts and responses other than 2xx/3xx

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0


def parse(output):
    """The Result in wrk's output (the line DONE_SCRIPT writes)."""
    for line in output.splitlines():
        if line.startswith("WRK_RESULT "):
            data = json.loads(line.removeprefix("WRK_RESULT "))
            return Result(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p95_ms=data["p95_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                errors=sum(data[k] for k in ("connect", "read", "write", "status", "timeout")),
            )
    raise ValueError(f"No result in wrk's output:\n{output[-2000:]}")


def ensure_installed():
    """The path of wrk, installing Debian's package when it is missing and we may."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing: installing Debian's package (apt-get install -y wrk).", flush=True)
        install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
        if subprocess.run(install, stdout=subprocess.DEVNULL, check=False).returncode != 0:
            # A fresh machine may not have the package lists yet.
            subprocess.run(["apt-get", "update"], stdout=subprocess.DEVNULL, check=False)
            subprocess.run(install, stdout=subprocess.DEVNULL, check=False)
        if shutil.which("wrk"):
            return shutil.which("wrk")
    sys.exit(
        "The benchmark needs wrk, a load generator that runs outside Python, and could not "
        "install it. Install it (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk) "
        "and run `make bench` again. Nothing was measured."
    )


def run(url, *, duration, connections, threads=2, headers=(), wrk="wrk", paths=()):
    """Load `url` for `duration` seconds from `connections` connections; a Result.

    With `paths`, each request goes to the next of them on `url`'s host instead.
    """
    threads = min(threads, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if paths:
            quoted = ", ".join(lua_string(path) for path in paths)
            script.write(PATHS_SCRIPT % {"paths": quoted, "step": threads})
        script.write(DONE_SCRIPT)
    try:
        command = [
            wrk,
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={max(1, round(duration))}s",
            "--timeout=10s",
            f"--script={script.name}",
        ]
        for header in headers:
            command += ["--header", header]
        completed = subprocess.run(
            [*command, url], capture_output=True, text=True, timeout=duration + 60, check=False
        )
    finally:
        os.unlink(script.name)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}):\n{completed.stderr}")
    return parse(completed.stdout)
