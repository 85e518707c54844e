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
def _fresh_reference_caches(request):
    """The per-process caches of provinces and districts hold primary keys of the database they were read
    from. A transactional test starts from a flushed database, where those rows are gone or different:
    it starts with empty caches, and so does the next test after it (on either side, order-dependent
    foreign-key failures under xdist)."""
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = transactional or bool(marker and marker.kwargs.get("transaction"))
    if transactional:
        _reset_reference_caches()
    yield
    if transactional:
        _reset_reference_caches()


def _reset_reference_caches() -> None:
    from canhve.geo import lookup
    from canhve.sites.models import reset_district_cache

    lookup.reset()
    reset_district_cache()
