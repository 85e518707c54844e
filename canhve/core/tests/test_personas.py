"""The foundation's pages, each persona against its matrix (see canhve/core/testing.py)."""

import importlib

import pytest

from canhve.accounts.models import ApiToken
from canhve.core.secrecy import Secrecy
from canhve.core.testing import check_matrix
from canhve.exchange.models import InformationItem


@pytest.fixture
def full_world(world):
    world.token, _ = ApiToken.issue(user=world.users["k01_officer"], name="t")
    officer = world.users["k01_officer"]
    world.shared_item = InformationItem.objects.create(
        owner_agency=world.agencies["K01-TM"], title="shared", body="b", secrecy=Secrecy.MAT, author=officer
    )
    world.shared_item.shared_with_agencies.add(world.agencies["CATH"])
    world.secret_item = InformationItem.objects.create(
        owner_agency=world.agencies["K01-TM"],
        title="secret",
        body="b",
        secrecy=Secrecy.TOI_MAT,
        author=officer,
    )
    return world


@pytest.mark.parametrize("app", ["core", "accounts", "agencies", "exchange"])
def test_each_persona_gets_exactly_what_it_may_see(full_world, app):
    module = importlib.import_module(f"canhve.{app}.tests.persona_urls")
    check_matrix(full_world, module.CASES)
