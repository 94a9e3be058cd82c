"""The deployment files: docker-compose.yml, the Dockerfile, .env.example and
the image's start command.

No Docker engine runs where the tests run, so the compose file is parsed and
checked for its parts, and the start command is run directly, as the image
runs it, against the test database.
"""

import gc
import re
import runpy
import signal
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.servers import PROXIED, ROOT, Gunicorn, http, production_env, settings_url
from tools import postgres

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()


def test_compose_runs_the_major_the_tests_run_with_a_named_volume_and_a_healthcheck():
    db = COMPOSE["services"]["db"]
    image = re.fullmatch(r"postgres:(\d+)(?:\.\d+)?-bookworm", db["image"])
    embedded = postgres.binary_major(str(postgres.embedded_bin() / "postgres"))
    assert image and int(image.group(1)) == embedded, "docker-compose.yml pins another major"
    assert embedded in postgres.SUPPORTED_MAJORS
    volume, target = db["volumes"][0].split(":")[:2]
    # 18's image keeps its data under /var/lib/postgresql/18/docker.
    assert target == "/var/lib/postgresql" and volume in COMPOSE["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_web_waits_for_a_healthy_database_and_redis():
    web = COMPOSE["services"]["web"]
    assert web["build"] == "."
    assert web["depends_on"]["db"] == {"condition": "service_healthy"}
    assert web["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert "@pgbouncer:6432/" in web["environment"]["DATABASE_URL"]
    assert web["environment"]["CACHE_URL"] == "redis://redis:6379/0"
    assert web["environment"]["DJANGO_ENV"] == "production"
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert "ping" in COMPOSE["services"]["redis"]["healthcheck"]["test"]
    # Only the proxy is published; gunicorn is reachable through it alone.
    assert "ports" not in web
    caddy = COMPOSE["services"]["caddy"]
    assert "443:443" in caddy["ports"]
    assert (ROOT / "deploy/Caddyfile").exists()
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]


def test_compose_pools_the_web_services_connections_and_nothing_else():
    """PgBouncer (transaction pooling) for the web service's requests; migrations
    on start, the worker and one-off commands straight to PostgreSQL."""
    services = COMPOSE["services"]
    bouncer = services["pgbouncer"]
    assert bouncer["build"] == "deploy/pgbouncer"
    assert bouncer["environment"]["POSTGRES_HOST"] == "db"
    assert bouncer["depends_on"]["db"] == {"condition": "service_healthy"}
    start = (ROOT / "deploy/pgbouncer/start").read_text()
    assert "pool_mode = transaction" in start and "ignore_startup_parameters" not in start
    assert "apt-get install" in (ROOT / "deploy/pgbouncer/Dockerfile").read_text()
    web = services["web"]["environment"]
    assert web["DATABASE_TRANSACTION_POOLING"] == "1"
    assert "@db:5432/" in web["DATABASE_DIRECT_URL"]
    assert "DATABASE_DIRECT_URL" in (ROOT / "deploy/start-web").read_text()
    worker = services["worker"]["environment"]
    assert "@db:5432/" in worker["DATABASE_URL"] and "DATABASE_TRANSACTION_POOLING" not in worker


def test_dockerfile_builds_a_slim_image_that_runs_as_a_non_root_user():
    assert re.search(r"^FROM python:3\.\d+-slim", DOCKERFILE, re.M)
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert "pip install --require-hashes -r requirements.txt" in DOCKERFILE
    assert re.search(r'^CMD \["deploy/start-web"\]', DOCKERFILE, re.M)
    assert (ROOT / "deploy/start-web").stat().st_mode & 0o111  # executable
    assert "DJANGO_ENV=production" in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".data", ".env", ".git"} <= set(ignored)


def pins(path):
    """{name: (version, number of hashes)} of a requirements file made by `make lock`."""
    found, name = {}, None
    for line in (ROOT / path).read_text().splitlines():
        line = line.strip()
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==([\w.]+)(?: ;.*)? \\$", line):
            name = match.group(1).lower().replace("_", "-")
            found[name] = (match.group(2), 0)
        elif line.startswith("--hash=sha256:") and name:
            version, hashes = found[name]
            found[name] = (version, hashes + 1)
        elif line and not line.startswith("#"):
            raise AssertionError(f"{path}: not a pin or hash line: {line!r}")
    return found


def declared(extra=None):
    """The names pyproject.toml asks for (its dependencies, or one extra's)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {re.split(r"[<>=!~\[ ]", item)[0].lower().replace("_", "-") for item in wanted}


def test_every_dependency_is_locked_exactly_with_hashes():
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert all(hashes for _, hashes in runtime.values())
    assert all(hashes for _, hashes in dev.values())
    # Both files come from pyproject.toml: `make lock` after changing it.
    assert declared() <= set(runtime)
    assert declared() | declared("dev") <= set(dev)
    # The runtime set is the same versions in both.
    assert {name: dev[name][0] for name in runtime} == {n: v for n, (v, _) in runtime.items()}
    # The markers pip freeze used to drop: redis needs async-timeout before 3.11.3.
    assert "async-timeout" in runtime


def variables_read_by_the_project():
    """Every environment variable named in settings, gunicorn.conf.py, the
    start script and the compose file."""
    names = set()
    sources = ["applyingml/settings.py", "gunicorn.conf.py"]
    for source in sources:
        text = (ROOT / source).read_text()
        names |= set(
            re.findall(
                r"""(?:environ\.get|environ\[|env_[a-z]+)\(?\s*["']([A-Z][A-Z0-9_]+)["']""",
                text,
            )
        )
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "deploy/start-web").read_text()))
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    names |= set(COMPOSE["services"]["web"]["environment"])
    return names - {"DJANGO_SETTINGS_MODULE"}


def test_env_example_lists_every_variable_with_a_comment():
    names = variables_read_by_the_project()
    assert {
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "CACHE_URL",
        "EDITOR_EMAILS",
        "SENTRY_DSN",
    } <= names
    lines = ENV_EXAMPLE.splitlines()
    assignment = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=")
    listed = {}
    for number, line in enumerate(lines):
        match = assignment.match(line)
        if match:
            listed[match.group(1)] = number
    missing = names - set(listed)
    assert not missing, f".env.example does not list {sorted(missing)}"
    for name, number in listed.items():
        above = lines[number - 1]
        assert above.startswith("# ") and not assignment.match(above), f"{name} has no comment"


@pytest.mark.django_db
def test_the_start_command_migrates_collects_static_and_serves(tmp_path):
    from django.db import connection

    env = production_env(
        DATABASE_URL=settings_url(connection.settings_dict),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    server = Gunicorn(env, tmp_path, command=[str(ROOT / "deploy/start-web")])
    try:
        # migrate and collectstatic run first: 46 s of CPU on a loaded 2-core machine.
        server.wait_until_up(timeout=240)
        status, headers, body = http(server.url + "/questions/", headers=PROXIED)
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body).group(1)
        assert http(server.url + stylesheet, headers=PROXIED)[0] == 200
        assert http(server.url + "/readyz")[0] == 200
        # Plain HTTP straight to gunicorn is sent to HTTPS.
        status, headers, _ = http(
            server.url + "/questions/", headers={"Host": "testserver.example"}
        )
        assert status == 301 and headers["Location"] == "https://testserver.example/questions/"
        assert (Path(tmp_path / "static") / "staticfiles.json").exists()
        assert "No migrations to apply" in server.output()
    finally:
        server.process.send_signal(signal.SIGTERM)
        server.stop()


def test_gunicorn_freezes_the_imported_project_before_forking_workers():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    try:
        config["when_ready"](server=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_gunicorn_runs_processes_of_one_thread_by_default(monkeypatch):
    # Pages are CPU-bound Python: threads of one process would queue on its
    # GIL (gunicorn.conf.py has the measurements).
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", 5, 1)
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"] == 4
