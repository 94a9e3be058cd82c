"""Fixtures every test may use: the standard questions, an editor and their client."""

import importlib

import pytest
from django.apps import apps

from interviews.models import Question

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
