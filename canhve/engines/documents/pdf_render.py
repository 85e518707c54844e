"""OfficialDocument → PDF (reportlab platypus), the form for reading, printing and signing.

Same geometry and sizes as the DOCX (layout.py), with the bundled Liberation Serif embedded. The
renderer also reports where the signature space landed, so signing can put the visible signature
exactly over the signature block as Decree 30 App. I asks for electronic documents.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from . import layout as L
from .fonts import register_fonts
from .model import (
    NATIONAL_MOTTO,
    NATIONAL_TITLE,
    SECRECY_LABELS,
    URGENCY_LABELS,
    Block,
    BulletList,
    Heading,
    Image,
    OfficialDocument,
    Paragraph,
    SignatureBox,
    Table,
)

STAMP_RED = colors.Color(0.75, 0, 0)
# Borderless tables used only to put blocks side by side; ALIGN centres nested flowables (stamps).
_LAYOUT_STYLE = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    signature_box: SignatureBox  # the signer's visible signature goes here; seal via .seal_box()
    pages: int


def render_pdf(doc: OfficialDocument) -> RenderedPdf:
    family = register_fonts()
    styles = _Styles(family)
    anchor = _SignatureSpace(L.CLOSING_RIGHT_MM * mm, L.SIGNATURE_SPACE_MM * mm)

    story: list[Flowable] = [_header(doc, styles)]
    if not doc.is_letter:
        story += _title(doc, styles)
    for block in doc.blocks:
        story += _block(block, styles)
    story.append(_closing(doc, styles, anchor))

    def number_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(family, L.PAGE_NUMBER_PT)
        y = (L.PAGE_HEIGHT_MM - L.HEADER_DISTANCE_MM) * mm - L.PAGE_NUMBER_PT
        canvas.drawCentredString(L.PAGE_WIDTH_MM / 2 * mm, y, str(canvas.getPageNumber()))
        canvas.restoreState()

    def frame() -> Frame:
        # Zero padding: reportlab's default 6 pt would move the text inside the Decree 30 margins.
        return Frame(
            L.MARGIN_LEFT_MM * mm,
            L.MARGIN_BOTTOM_MM * mm,
            L.TEXT_WIDTH_MM * mm,
            (L.PAGE_HEIGHT_MM - L.MARGIN_TOP_MM - L.MARGIN_BOTTOM_MM) * mm,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    out = io.BytesIO()
    template = BaseDocTemplate(
        out,
        pagesize=(L.PAGE_WIDTH_MM * mm, L.PAGE_HEIGHT_MM * mm),
        # Page 1 carries no number (Decree 30 App. I, position 11); later pages number top centre.
        pageTemplates=[
            PageTemplate("first", [frame()], autoNextPageTemplate="later"),
            PageTemplate("later", [frame()], onPage=number_page),
        ],
        title=doc.summary,
        author=doc.issuing_agency_short or doc.issuing_agency,
        subject=doc.number_line(),
    )
    template.build(story)
    assert anchor.box is not None, "the signature space is always drawn"
    return RenderedPdf(out.getvalue(), anchor.box, template.page)


class _Styles:
    def __init__(self, family: str) -> None:
        def style(name: str, size: float, **kw) -> ParagraphStyle:
            kw.setdefault("alignment", TA_CENTER)
            return ParagraphStyle(name, fontName=family, fontSize=size, leading=size * L.PDF_LEADING, **kw)

        self.agency = style("agency", L.AGENCY_PT)
        self.nation = style("nation", L.NATIONAL_TITLE_PT)
        self.motto = style("motto", L.MOTTO_PT)
        self.number = style("number", L.NUMBER_PT, spaceAfter=3)
        self.letter_summary = style("letter_summary", L.LETTER_SUMMARY_PT, spaceAfter=3)
        self.date = style("date", L.DATE_PT)
        self.stamp = style("stamp", L.STAMP_PT, textColor=STAMP_RED)
        self.type = style("type", L.TYPE_PT, spaceBefore=18)
        self.summary = style("summary", L.SUMMARY_PT)
        self.body = style(
            "body",
            L.BODY_PT,
            alignment=TA_JUSTIFY,
            firstLineIndent=L.FIRST_LINE_INDENT_MM * mm,
            spaceAfter=L.PARAGRAPH_SPACE_PT,
        )
        self.heading = ParagraphStyle("heading", parent=self.body, keepWithNext=True)
        self.cell = style("cell", L.TABLE_PT, alignment=TA_LEFT)
        self.head_cell = style("head_cell", L.TABLE_PT)
        self.caption = style("caption", L.TABLE_PT, spaceAfter=L.PARAGRAPH_SPACE_PT)
        self.recipients_head = style("recipients_head", L.RECIPIENTS_HEAD_PT, alignment=TA_LEFT)
        self.recipients = style("recipients", L.RECIPIENTS_PT, alignment=TA_LEFT)
        self.signature = style("signature", L.SIGNATURE_PT)


def _p(text: str, style: ParagraphStyle, *, bold: bool = False, italic: bool = False) -> RLParagraph:
    markup = escape(text)
    if bold:
        markup = f"<b>{markup}</b>"
    if italic:
        markup = f"<i>{markup}</i>"
    return RLParagraph(markup, style)


class _Rule(Flowable):
    """A short centred rule (under the agency name and the summary). HRFlowable is not used because
    inside a table cell it is aligned by the cell, not by its own hAlign. `above` clears the descenders
    of the line above, which reportlab lets hang below the paragraph box."""

    def __init__(self, length_mm: float, *, above: float = 7, below: float = 3) -> None:
        super().__init__()
        self.length = length_mm * mm
        self.above, self.below = above, below

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.above + self.below

    def draw(self) -> None:
        self.canv.setLineWidth(0.6)
        left = (self.width - self.length) / 2
        self.canv.line(left, self.below, left + self.length, self.below)


def _layout_table(rows: list[list[object]], widths_mm: tuple[float, ...]) -> RLTable:
    return RLTable(rows, colWidths=[w * mm for w in widths_mm], style=_LAYOUT_STYLE, hAlign="LEFT")


def _header(doc: OfficialDocument, s: _Styles) -> RLTable:
    agency: list[Flowable] = []
    if doc.parent_agency:
        agency.append(_p(doc.parent_agency.upper(), s.agency))
    agency += [_p(doc.issuing_agency.upper(), s.agency, bold=True), _Rule(25)]
    nation = [
        _p(NATIONAL_TITLE, s.nation, bold=True),
        RLParagraph(f"<b><u>{escape(NATIONAL_MOTTO)}</u></b>", s.motto),
    ]
    number: list[Flowable] = [_p(doc.number_line(), s.number)]
    if doc.is_letter:
        number.append(_p(f"V/v {doc.summary}", s.letter_summary))
    if doc.secrecy:
        number.append(_stamp(SECRECY_LABELS[doc.secrecy], s))
    if doc.urgency:
        number.append(_stamp(URGENCY_LABELS[doc.urgency], s))
    place = [Spacer(1, 4), _p(doc.date_line(), s.date, italic=True)]
    return _layout_table([[agency, nation], [number, place]], (L.HEADER_LEFT_MM, L.HEADER_RIGHT_MM))


def _stamp(label: str, s: _Styles) -> RLTable:
    """Secrecy (10a) and urgency (10b) stamps under the number: red caps bold in a red box."""
    box = RLTable([[_p(label, s.stamp, bold=True)]], colWidths=[L.STAMP_WIDTH_MM * mm], hAlign="CENTER")
    box.setStyle([("BOX", (0, 0), (-1, -1), 1, STAMP_RED), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
    box.spaceAfter = 4
    return box


def _title(doc: OfficialDocument, s: _Styles) -> list[Flowable]:
    return [
        _p(doc.doc_type_name.upper(), s.type, bold=True),
        _p(doc.summary, s.summary, bold=True),
        _Rule(40),
        Spacer(1, 8),
    ]


def _block(block: Block, s: _Styles) -> list[Flowable]:
    match block:
        case Heading(text=text, level=level):
            return [_p(text, s.heading, bold=level < 3, italic=level == 3)]
        case Paragraph(text=text):
            return [_p(text, s.body)]
        case BulletList(items=items):
            return [_p(f"- {item}", s.body) for item in items]
        case Table():
            return [_data_table(block, s)]
        case Image(data=data, width_mm=width, caption=caption):
            w, h = ImageReader(io.BytesIO(data)).getSize()
            image = RLImage(io.BytesIO(data), width=width * mm, height=width * mm * h / w)
            image.spaceAfter = 2
            return [image, _p(caption, s.caption, italic=True)] if caption else [image, Spacer(1, 6)]
    raise TypeError(f"unknown block {type(block).__name__}")


def _data_table(block: Table, s: _Styles) -> RLTable:
    rows = [[_p(v, s.head_cell, bold=True) for v in block.header]]
    rows += [[_p(v, s.cell) for v in row] for row in block.rows]
    widths = [f * L.TEXT_WIDTH_MM * mm for f in block.column_fractions()]
    table = RLTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    table.spaceAfter = L.PARAGRAPH_SPACE_PT + 4
    return table


class _SignatureSpace(Flowable):
    """Blank room between the signer's title and name that records where it was drawn on the page."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self.width, self.height = width, height
        self.box: SignatureBox | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x1, y1 = self.canv.absolutePosition(0, 0)
        x2, y2 = self.canv.absolutePosition(self.width, self.height)
        inset = self.width / 8  # keep the visible signature clear of the column edges
        self.box = SignatureBox(self.canv.getPageNumber() - 1, x1 + inset, y1, x2 - inset, y2)


def _closing(doc: OfficialDocument, s: _Styles, anchor: _SignatureSpace) -> KeepTogether:
    recipients: list[Flowable] = [_p("Nơi nhận:", s.recipients_head, bold=True, italic=True)]
    recipients += [_p(line, s.recipients) for line in doc.recipient_lines()]
    signature: list[Flowable] = [_p(line, s.signature, bold=True) for line in doc.signature.lines()]
    signature += [anchor, _p(doc.signature.signer_name, s.signature, bold=True)]
    table = _layout_table([[recipients, signature]], (L.CLOSING_LEFT_MM, L.CLOSING_RIGHT_MM))
    return KeepTogether([Spacer(1, 6), table])
