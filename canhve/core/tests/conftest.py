import pytest

from canhve.core.tests import inventory


@pytest.fixture
def built(world):
    """One record of every kind a page lists (`inventory.build`), for the tests that request every read."""
    return inventory.build(world)
