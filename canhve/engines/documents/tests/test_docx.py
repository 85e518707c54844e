import dataclasses
import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from canhve.engines.documents.docx_render import render_docx


@pytest.fixture(scope="module")
def d(plan):
    return docx.Document(io.BytesIO(render_docx(plan)))


def _texts(cell):
    return [p.text for p in cell.paragraphs if p.text]


def _run(cell, text):
    return next(r for p in cell.paragraphs for r in p.runs if r.text == text)


def test_it_uses_a4_with_decree_30_margins(d):
    s = d.sections[0]

    def mm(length):  # DOCX stores twentieths of a point, so compare rounded millimetres
        return round(length.mm, 1)

    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    assert 20 <= mm(s.top_margin) <= 25 and 20 <= mm(s.bottom_margin) <= 25
    assert 30 <= mm(s.left_margin) <= 35
    assert 15 <= mm(s.right_margin) <= 20


def test_body_is_times_new_roman_14_justified_with_indent_and_spacing(d):
    normal = d.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.element.rPr.rFonts.get(qn("w:cs")) == "Times New Roman"
    assert normal.font.size == Pt(14)
    pf = normal.paragraph_format
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Mm(10) <= pf.first_line_indent <= Mm(12.7)
    assert pf.space_after >= Pt(6)


def test_header_block_has_agencies_left_and_national_title_right(d):
    header = d.tables[0]
    agency, nation = header.rows[0].cells
    assert _texts(agency) == ["BỘ CÔNG AN", "BỘ TƯ LỆNH CẢNH VỆ"]
    assert _run(agency, "BỘ TƯ LỆNH CẢNH VỆ").bold
    assert not _run(agency, "BỘ CÔNG AN").bold
    assert _texts(nation) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    title = _run(nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.bold and Pt(12) <= title.font.size <= Pt(13)
    motto = _run(nation, "Độc lập - Tự do - Hạnh phúc")
    assert motto.bold and motto.underline and Pt(13) <= motto.font.size <= Pt(14)


def test_number_stamps_and_date_line_sit_under_the_header(d):
    number, place = d.tables[0].rows[1].cells
    assert _texts(number) == ["Số: 05/KH-K01", "MẬT", "THƯỢNG KHẨN"]
    assert _run(number, "Số: 05/KH-K01").font.size == Pt(13)
    date = _run(place, "Hà Nội, ngày 05 tháng 01 năm 2025")
    assert date.italic


def test_document_type_and_summary_are_bold_and_centred(d):
    texts = [p.text for p in d.paragraphs]
    kind = d.paragraphs[texts.index("KẾ HOẠCH")]
    summary = d.paragraphs[texts.index("Bảo đảm an ninh, an toàn đoàn khách quốc tế thăm Việt Nam")]
    for p in (kind, summary):
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert p.runs[0].bold


def test_body_blocks_become_paragraphs_tables_and_a_picture(d, plan):
    texts = [p.text for p in d.paragraphs]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in texts
    assert "- Khảo sát tuyến chính và tuyến dự phòng vào đúng khung giờ di chuyển;" in texts
    assert len(d.inline_shapes) == 1
    tasks = d.tables[1]
    assert [c.text for c in tasks.rows[0].cells] == ["TT", "Đơn vị", "Nhiệm vụ", "Thời gian"]
    assert tasks.rows[2].cells[1].text == "Binh chủng Công binh"


def test_closing_block_has_noi_nhan_left_and_signature_right(d):
    recipients, signature = d.tables[-1].rows[0].cells
    head = _run(recipients, "Nơi nhận:")
    assert head.bold and head.italic and head.font.size == Pt(12)
    assert _texts(recipients)[-1] == "- Lưu: VT, TM."
    assert _run(recipients, "- Lưu: VT, TM.").font.size == Pt(11)
    assert _texts(signature) == ["KT. TƯ LỆNH", "PHÓ TƯ LỆNH", "Trần Văn Minh"]


def test_page_numbers_are_top_centre_from_page_two(d):
    s = d.sections[0]
    assert s.different_first_page_header_footer
    assert not "".join(p.text for p in s.first_page_header.paragraphs).strip()
    number = s.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    fields = number._p.findall(qn("w:fldSimple"))
    assert [f.get(qn("w:instr")) for f in fields] == ["PAGE"]


def test_a_draft_letter_shows_an_open_number_and_vv_summary(plan):
    letter = dataclasses.replace(plan, number=None, doc_type_name="", symbol="K01-TM", blocks=())
    number = docx.Document(io.BytesIO(render_docx(letter))).tables[0].rows[1].cells[0]
    assert _texts(number)[:2] == [
        "Số: …/K01-TM",
        "V/v Bảo đảm an ninh, an toàn đoàn khách quốc tế thăm Việt Nam",
    ]
