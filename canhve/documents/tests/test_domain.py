import itertools

from canhve.documents import domain
from canhve.documents.domain import State


def test_the_lifecycle_only_goes_draft_signed_numbered_issued_archived():
    path = [State.DRAFT, State.SIGNED, State.NUMBERED, State.ISSUED, State.ARCHIVED]
    for a, b in itertools.pairwise(path):
        assert domain.can_move(a, b)
    assert not domain.can_move(State.DRAFT, State.ISSUED)
    assert not domain.can_move(State.DRAFT, State.NUMBERED)
    assert not domain.can_move(State.ISSUED, State.DRAFT)
    assert not domain.can_move(State.ARCHIVED, State.ISSUED)


def test_a_numbered_document_cannot_go_back_so_no_number_is_lost():
    assert domain.TRANSITIONS[State.NUMBERED] == {State.ISSUED}
    assert domain.can_move(State.SIGNED, State.DRAFT)


def test_only_drafts_are_editable_and_issued_documents_are_frozen():
    assert domain.is_editable("draft")
    assert not any(domain.is_editable(s) for s in ("signed", "numbered", "issued", "archived"))
    assert domain.is_frozen("issued") and domain.is_frozen("archived") and not domain.is_frozen("numbered")


def test_number_symbol_has_a_leading_zero_below_ten():
    assert domain.number_symbol(5, "KH", "K01") == "Số: 05/KH-K01"
    assert domain.number_symbol(123, "QĐ", "CATH") == "Số: 123/QĐ-CATH"
    assert domain.number_symbol(None, "BC", "K01") == "Số: …/BC-K01"


def test_markup_round_trips():
    text = "# I. MỤC ĐÍCH\n## 1. Tham mưu\nĐoạn văn.\n- a\n- b\n| TT | Đơn vị |\n| 1 | CAHN |\n[[image:map]]"
    blocks = domain.parse_markup(text)
    assert [b["type"] for b in blocks] == ["heading", "heading", "paragraph", "bullets", "table", "image"]
    assert blocks[3]["items"] == ["a", "b"] and blocks[4]["rows"] == [["1", "CAHN"]]
    assert domain.parse_markup(domain.to_markup(blocks)) == blocks
