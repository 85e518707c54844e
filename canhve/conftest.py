import pytest

from canhve.core.testing import World, build_world


@pytest.fixture
def world(db) -> World:  # noqa: ANN001 - pytest-django's db fixture
    return build_world()
