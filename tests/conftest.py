"""Fixtures every test may use: the standard questions, an editor and their client."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.test import Client

from interviews.models import Question
from tests.s3 import S3Server, fetch

seed_migration = importlib.import_module("interviews.migrations.0002_standard_questions")


def pytest_addoption(parser):
    parser.addoption(
        "--slow", action="store_true", help="also run the tests marked slow (minutes each)"
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked slow run only when asked for (`pytest --slow`): `make test`
    and CI leave them out, as they leave out `make bench` and `make topology`."""
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with pytest --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def questions(db):
    """The 16 standard questions seeded by the data migration, in order.

    Seeding again is a no-op normally; it matters after a transactional
    (browser) test has flushed the database.
    """
    seed_migration.seed_questions(apps, None)
    return list(Question.objects.standard())


@pytest.fixture
def editor(db, django_user_model):
    from interviews.management.commands.create_editor import editors_group

    user = django_user_model.objects.create_user(
        "editor@example.com", "editor@example.com", "a-long-test-password", is_staff=True
    )
    user.groups.add(editors_group())
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def immediate_tasks(settings, request):
    """Tasks run as they are enqueued, so a test sees the email its request
    queued in `mailoutbox`. Tests of the queue itself (tests/test_mail.py) mark
    themselves `database_tasks` and keep the real database backend."""
    if "database_tasks" not in request.keywords:
        settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["immediate"]}}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Files a test writes through the default storage (share images drawn
    after a commit, photos, the dataset) land in a folder of its own, never
    in the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Admin login counts live in the cache; every test starts without any."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT with collectstatic run under production settings, which
    production processes (gunicorn in tests) need for their manifest."""
    import subprocess
    import sys

    from tests.servers import ROOT, production_env

    static_root = tmp_path_factory.mktemp("staticfiles")
    env = production_env(
        DJANGO_STATIC_ROOT=str(static_root), DATABASE_URL="postgresql://unused@127.0.0.1/unused"
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return static_root


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server, started once per pytest-xdist worker that needs it."""
    with S3Server(tmp_path_factory.mktemp("s3")) as server:
        yield server


@pytest.fixture
def s3_media(s3_server, settings, monkeypatch):
    """The default storage is a new public bucket on the S3 server, configured
    as production configures it from the environment. The bucket's name."""
    bucket = s3_server.public_bucket()
    s3_server.django_settings(settings, bucket, monkeypatch)
    return bucket


class StoredMedia:
    """Where a test's files are kept (`kind`): `names(prefix)` lists them as
    the storage names them, and `get(url)` is what a reader's browser gets
    at a file's URL, (status, body bytes, content type)."""

    def __init__(self, kind, server=None, bucket=None):
        self.kind = kind
        self.server = server
        self.bucket = bucket

    def names(self, prefix=""):
        if self.kind == "s3":
            return self.server.keys(self.bucket, prefix)
        root = Path(django_settings.MEDIA_ROOT)
        found = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        return sorted(name for name in found if name.startswith(prefix))

    def get(self, url):
        if self.kind == "s3":
            return fetch(url)
        response = Client().get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, body, response.get("Content-Type")


@pytest.fixture(params=["filesystem", "s3"])
def stored_media(request, settings):
    """Each test that takes it runs twice: files on this host's disk (served at
    /media/ by tests/urls_media.py, as Caddy serves them in production) and
    in a bucket on the S3 server (served by the server itself)."""
    if request.param == "s3":
        bucket = request.getfixturevalue("s3_media")
        return StoredMedia("s3", request.getfixturevalue("s3_server"), bucket)
    settings.ROOT_URLCONF = "tests.urls_media"
    return StoredMedia("filesystem")
