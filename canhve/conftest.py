import pytest

from canhve.core.testing import World, build_world


def pytest_configure(config) -> None:
    """The one place that marks a test run: the flush between transactional tests may then empty the
    audit table (core/management/commands/flush.py); `canhve flush` anywhere else refuses."""
    from django.conf import settings

    settings.TESTING = True


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:
    """Argon2 is deliberately slow; tests hash with MD5 (production settings keep Argon2 first)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()
