import datetime as dt

import pytest

from canhve.engines.documents.model import (
    OfficialDocument,
    Secrecy,
    SignatureBlock,
    SignatureBox,
    Table,
    date_line,
    number_line,
)


def test_number_line_pads_numbers_below_ten_and_leaves_drafts_open():
    assert number_line(5, "KH-K01") == "Số: 05/KH-K01"
    assert number_line(12, "BC-K01") == "Số: 12/BC-K01"
    assert number_line(None, "KH-K01") == "Số: …/KH-K01"


def test_date_line_pads_days_below_ten_and_only_months_one_and_two():
    assert date_line("Hà Nội", dt.date(2025, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2025"
    assert date_line("Hà Nội", dt.date(2025, 2, 28)) == "Hà Nội, ngày 28 tháng 02 năm 2025"
    assert date_line("Huế", dt.date(2025, 3, 9)) == "Huế, ngày 09 tháng 3 năm 2025"
    assert date_line("Hà Nội", None) == "Hà Nội, ngày … tháng … năm …"


def test_signature_lines_put_the_authority_before_the_title():
    sig = SignatureBlock(authority="KT.", authority_of="TƯ LỆNH", title="Phó Tư lệnh", signer_name="A")
    assert sig.lines() == ("KT. TƯ LỆNH", "PHÓ TƯ LỆNH")
    assert SignatureBlock(title="Tư lệnh", signer_name="A").lines() == ("TƯ LỆNH",)


@pytest.mark.parametrize("authority", ["K.T.", "TM", "THAY"])
def test_it_rejects_unknown_signing_authorities(authority):
    with pytest.raises(ValueError, match="authority"):
        SignatureBlock(authority=authority, authority_of="X", title="Y", signer_name="Z")


def test_recipients_end_with_the_archive_line_and_a_full_stop(plan):
    lines = plan.recipient_lines()
    assert lines[0] == "- Lãnh đạo Bộ Công an (để báo cáo);"
    assert lines[-1] == "- Lưu: VT, TM."


def test_it_accepts_plain_ints_for_secrecy_from_the_database(plan):
    doc = OfficialDocument(**{**plan.__dict__, "secrecy": 2})
    assert doc.secrecy is Secrecy.TOI_MAT
    with pytest.raises(ValueError):
        OfficialDocument(**{**plan.__dict__, "secrecy": 4})


def test_table_rows_must_match_the_header():
    with pytest.raises(ValueError, match="cells"):
        Table(header=("a", "b"), rows=(("1",),))
    assert Table(header=("a", "b"), rows=(), widths=(1, 3)).column_fractions() == (0.25, 0.75)


def test_the_seal_covers_the_left_third_of_the_signature():
    signer = SignatureBox(page=2, x1=300, y1=100, x2=450, y2=180)
    seal = signer.seal_box(size=100)
    assert seal.page == 2
    assert seal.x2 == 350  # a third of the 150-point-wide signer box
    assert seal.x1 < signer.x1
    assert (seal.y1 + seal.y2) / 2 == (signer.y1 + signer.y2) / 2
