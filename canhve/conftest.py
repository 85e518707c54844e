import pytest

from canhve.core.testing import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()
