import pytest

from canhve.core.testing import World, build_world


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:
    """Argon2 is deliberately slow; tests hash with MD5 (production settings keep Argon2 first)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()
