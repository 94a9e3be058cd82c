import pytest

from interviews.models import Question


@pytest.fixture
def questions(db):
    """The 16 standard questions seeded by the data migration, in order."""
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
def empty_cache():
    """Admin login counts live in the cache; every test starts without any."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
