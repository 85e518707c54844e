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


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    """The per-process caches of provinces, wards and districts hold keys of the database they were read
    from, and every test's database is its own (rolled back, or flushed for a transactional test): each
    test starts and ends with them empty, so no test sees another's rows (order-dependent foreign-key
    failures under xdist). They refill lazily, from the test's own rows."""
    _reset_reference_caches()
    yield
    _reset_reference_caches()


def _reset_reference_caches() -> None:
    from canhve.geo import lookup
    from canhve.sites.models import reset_district_cache

    lookup.reset()
    reset_district_cache()
