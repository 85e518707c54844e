"""OfficialDocument → DOCX (python-docx), the editable form that offices exchange.

Body paragraphs take their font, justification, indent and spacing from the Normal style rather than
per-run formatting: Word users then get correct defaults when they type more text, and it keeps a
20-page plan well under a second.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from . import layout as L
from .model import (
    NATIONAL_MOTTO,
    NATIONAL_TITLE,
    SECRECY_LABELS,
    URGENCY_LABELS,
    BulletList,
    Heading,
    Image,
    OfficialDocument,
    Paragraph,
    Table,
)

STAMP_RED = RGBColor(0xC0, 0x00, 0x00)  # secrecy and urgency stamps are printed in red ink

_CENTER = WD_ALIGN_PARAGRAPH.CENTER
_LEFT = WD_ALIGN_PARAGRAPH.LEFT


def render_docx(doc: OfficialDocument) -> bytes:
    d = Document()
    _set_up_styles(d)
    _set_up_section(d)
    d.core_properties.title = doc.summary
    d.core_properties.author = doc.issuing_agency_short or doc.issuing_agency

    _header_block(d, doc)
    if not doc.is_letter:
        _title_block(d, doc)
    for block in doc.blocks:
        _add_block(d, block)
    _closing_block(d, doc)

    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _set_up_styles(d) -> None:
    normal = d.styles["Normal"]
    normal.font.name = L.FONT_FAMILY
    normal.font.size = Pt(L.BODY_PT)
    # font.name sets only w:ascii/w:hAnsi; Vietnamese runs may be classed as complex script, so set all.
    fonts = normal.element.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), L.FONT_FAMILY)
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Mm(L.FIRST_LINE_INDENT_MM)
    pf.space_before = Pt(0)
    pf.space_after = Pt(L.PARAGRAPH_SPACE_PT)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _set_up_section(d) -> None:
    s = d.sections[0]
    s.start_type = WD_SECTION.NEW_PAGE
    s.page_width, s.page_height = Mm(L.PAGE_WIDTH_MM), Mm(L.PAGE_HEIGHT_MM)
    s.top_margin, s.bottom_margin = Mm(L.MARGIN_TOP_MM), Mm(L.MARGIN_BOTTOM_MM)
    s.left_margin, s.right_margin = Mm(L.MARGIN_LEFT_MM), Mm(L.MARGIN_RIGHT_MM)
    s.header_distance = Mm(L.HEADER_DISTANCE_MM)
    # Page numbers top centre from page 2: page 1 gets its own (empty) header.
    s.different_first_page_header_footer = True
    p = s.header.paragraphs[0]
    _format(p, align=_CENTER, space_after=0)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    p._p.append(field)
    run = p.add_run("2")  # placeholder until Word/LibreOffice computes the field
    run.font.size = Pt(L.PAGE_NUMBER_PT)
    field.append(run._r)


def _format(p: DocxParagraph, *, align=_CENTER, space_after: float = 0, indent: bool = False) -> None:
    pf = p.paragraph_format
    pf.alignment = align
    pf.space_after = Pt(space_after)
    if not indent:
        pf.first_line_indent = Mm(0)


def _line(
    container,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align=_CENTER,
    space_after: float = 0,
) -> DocxParagraph:
    p = container.add_paragraph()
    _format(p, align=align, space_after=space_after)
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
    return p


def _border(p: DocxParagraph, sides: tuple[str, ...], *, color: str = "000000") -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for side in sides:
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "8")  # eighths of a point
        el.set(qn("w:space"), "1")
        el.set(qn("w:color"), color)
        bdr.append(el)
    ppr.append(bdr)


def _short_rule(container, *, column_mm: float, rule_mm: float) -> None:
    """A centred rule under the agency name or summary: a bottom border between wide indents."""
    p = container.add_paragraph()
    _format(p)
    side = Mm((column_mm - rule_mm) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    p.paragraph_format.line_spacing = Pt(2)
    _border(p, ("bottom",))


def _layout_table(d, widths_mm: tuple[float, ...], rows: int = 1):
    """A borderless table used only for side-by-side layout (header, closing block)."""
    t = d.add_table(rows=rows, cols=len(widths_mm))
    t.autofit = False
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)
    return t


def _clear(cell: _Cell) -> _Cell:
    """A new cell holds one empty paragraph; drop it so content starts at the top."""
    cell._tc.remove(cell.paragraphs[0]._p)
    return cell


def _header_block(d, doc: OfficialDocument) -> None:
    t = _layout_table(d, (L.HEADER_LEFT_MM, L.HEADER_RIGHT_MM), rows=2)
    (agency, nation), (number, place) = (_row_cells(r) for r in t.rows)

    if doc.parent_agency:
        _line(agency, doc.parent_agency.upper(), size=L.AGENCY_PT)
    _line(agency, doc.issuing_agency.upper(), size=L.AGENCY_PT, bold=True)
    _short_rule(agency, column_mm=L.HEADER_LEFT_MM, rule_mm=25)

    _line(nation, NATIONAL_TITLE, size=L.NATIONAL_TITLE_PT, bold=True)
    _line(nation, NATIONAL_MOTTO, size=L.MOTTO_PT, bold=True, underline=True)

    _line(number, doc.number_line(), size=L.NUMBER_PT, space_after=3)
    if doc.is_letter:
        _line(number, f"V/v {doc.summary}", size=L.LETTER_SUMMARY_PT, space_after=3)
    for label in _stamp_labels(doc):
        _stamp(number, label)
    _line(place, doc.date_line(), size=L.DATE_PT, italic=True)


def _row_cells(row) -> tuple[_Cell, ...]:
    for cell in row.cells:
        _clear(cell)
    return tuple(row.cells)


def _stamp_labels(doc: OfficialDocument) -> tuple[str, ...]:
    labels = []
    if doc.secrecy:
        labels.append(SECRECY_LABELS[doc.secrecy])
    if doc.urgency:
        labels.append(URGENCY_LABELS[doc.urgency])
    return tuple(labels)


def _stamp(cell: _Cell, label: str) -> None:
    """Secrecy (10a) then urgency (10b) under the number: red caps bold in a red box."""
    p = _line(cell, label, size=L.STAMP_PT, bold=True, space_after=4)
    p.runs[0].font.color.rgb = STAMP_RED
    side = Mm((L.HEADER_LEFT_MM - L.STAMP_WIDTH_MM) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    _border(p, ("top", "left", "bottom", "right"), color=str(STAMP_RED))


def _title_block(d, doc: OfficialDocument) -> None:
    first = _line(d, doc.doc_type_name.upper(), size=L.TYPE_PT, bold=True)
    first.paragraph_format.space_before = Pt(18)
    _line(d, doc.summary, size=L.SUMMARY_PT, bold=True)
    _short_rule(d, column_mm=L.TEXT_WIDTH_MM, rule_mm=40)
    d.paragraphs[-1].paragraph_format.space_after = Pt(12)


def _add_block(d, block) -> None:
    match block:
        case Heading(text=text, level=level):
            p = d.add_paragraph()
            p.paragraph_format.keep_with_next = True
            run = p.add_run(text)
            run.bold = level < 3 or None
            run.italic = level == 3 or None
        case Paragraph(text=text):
            d.add_paragraph(text)
        case BulletList(items=items):
            for item in items:
                d.add_paragraph(f"- {item}")
        case Table():
            _data_table(d, block)
        case Image(data=data, width_mm=width, caption=caption):
            p = d.add_paragraph()
            _format(p, space_after=2)
            p.add_run().add_picture(io.BytesIO(data), width=Mm(width))
            if caption:
                _line(d, caption, size=L.TABLE_PT, italic=True, space_after=L.PARAGRAPH_SPACE_PT)
        case _:
            raise TypeError(f"unknown block {type(block).__name__}")


def _data_table(d, block: Table) -> None:
    widths = tuple(f * L.TEXT_WIDTH_MM for f in block.column_fractions())
    t = d.add_table(rows=1 + len(block.rows), cols=len(block.header))
    t.style = d.styles["Table Grid"]
    t.autofit = False
    for r, (row, values) in enumerate(zip(t.rows, (block.header, *block.rows), strict=True)):
        for cell, value, w in zip(row.cells, values, widths, strict=True):
            cell.width = Mm(w)
            p = cell.paragraphs[0]
            _format(p, align=_CENTER if r == 0 else _LEFT, space_after=2)
            run = p.add_run(value)
            run.font.size = Pt(L.TABLE_PT)
            run.bold = r == 0 or None
    # Word needs a paragraph between a table and what follows; it also gives the ≥6 pt gap.
    _format(d.add_paragraph(), space_after=0)


def _closing_block(d, doc: OfficialDocument) -> None:
    t = _layout_table(d, (L.CLOSING_LEFT_MM, L.CLOSING_RIGHT_MM))
    # Never split the signature from Nơi nhận across a page break.
    t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    recipients, signature = _row_cells(t.rows[0])

    _line(recipients, "Nơi nhận:", size=L.RECIPIENTS_HEAD_PT, bold=True, italic=True, align=_LEFT)
    for item in doc.recipient_lines():
        _line(recipients, item, size=L.RECIPIENTS_PT, align=_LEFT)

    for text in doc.signature.lines():
        _line(signature, text, size=L.SIGNATURE_PT, bold=True)
    name = _line(signature, doc.signature.signer_name, size=L.SIGNATURE_PT, bold=True)
    name.paragraph_format.space_before = Mm(L.SIGNATURE_SPACE_MM)
