"""Visible appearances of digital signatures, drawn by reportlab as one-page PDFs the size of the box.

pyHanko's own text stamps need fontTools to embed a TrueType font, and its built-in Courier cannot
show Vietnamese; a reportlab page with the bundled Liberation Serif can, and pyHanko imports it as
the appearance stream unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .fonts import SERIF_BOLD, register_fonts

SEAL_RED = colors.Color(0.8, 0, 0)
SIGNER_BLUE = colors.Color(0, 0.2, 0.6)
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")


def signer_appearance(
    width: float, height: float, *, name: str, organization: str, when: dt.datetime
) -> bytes:
    """A framed box: who signed, for which agency, when (Vietnam time)."""
    family = register_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(width, height))
    c.setStrokeColor(SIGNER_BLUE)
    c.setFillColor(SIGNER_BLUE)
    c.setLineWidth(1)
    c.rect(1, 1, width - 2, height - 2)
    lines = [
        (SERIF_BOLD, "Ký bởi: " + name),
        (family, "Cơ quan: " + organization),
        (family, "Thời gian: " + when.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y %H:%M:%S %z")),
    ]
    size = min(9.0, height / 5)
    y = height / 2 + size * 1.2
    for font, text in lines:
        c.setFont(font, size)
        c.drawCentredString(width / 2, y, _fit(text, font, size, width - 8))
        y -= size * 1.4
    c.showPage()
    c.save()
    return out.getvalue()


def seal_appearance(size: float, *, organization: str, when: dt.datetime) -> bytes:
    """A red round seal-like mark: double ring, agency name in the middle, signing date below."""
    register_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(size, size))
    c.setStrokeColor(SEAL_RED)
    c.setFillColor(SEAL_RED)
    r = size / 2
    c.setLineWidth(1.6)
    c.circle(r, r, r - 1.5)
    c.setLineWidth(0.6)
    c.circle(r, r, r - 5)
    lines = textwrap.wrap(organization.upper(), width=14) or [""]
    font_size = min(9.0, size / 9)
    c.setFont(SERIF_BOLD, font_size)
    y = r + (len(lines) - 1) * font_size * 0.6
    for line in lines:
        c.drawCentredString(r, y, _fit(line, SERIF_BOLD, font_size, size - 14))
        y -= font_size * 1.2
    c.setFont(SERIF_BOLD, font_size * 0.8)
    c.drawCentredString(r, r - size / 4, when.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y"))
    c.showPage()
    c.save()
    return out.getvalue()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten with an ellipsis rather than let long names run out of the box."""
    while len(text) > 1 and stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text
