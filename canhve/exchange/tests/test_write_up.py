"""An item is never above its author's clearance, whatever path writes it."""

import pytest
from django.core.exceptions import ValidationError

from canhve.core.secrecy import Secrecy
from canhve.exchange.models import InformationItem


def _item(world, author: str, secrecy: int) -> InformationItem:
    return InformationItem(
        owner_agency=world.agencies["K01-TM"],
        title="Thông tin thử",
        kind="notice",
        secrecy=secrecy,
        body="Nội dung giả định.",
        author=world.user(author),
    )


def test_an_item_above_the_authors_clearance_is_refused_naming_the_field(world):
    with pytest.raises(ValidationError) as refused:
        _item(world, "k01_officer", Secrecy.TUYET_MAT).full_clean()
    assert "secrecy" in refused.value.message_dict


def test_an_item_at_the_authors_clearance_is_accepted(world):
    _item(world, "k01_officer", Secrecy.TOI_MAT).full_clean()
