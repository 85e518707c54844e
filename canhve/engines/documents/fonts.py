"""Registers the bundled Liberation Serif (metric-compatible with Times New Roman) with reportlab.

Times New Roman is not on the servers and may not be redistributed; Liberation Serif has the same
advance widths, so a PDF breaks lines where Word would with Times, and it covers Vietnamese.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .layout import FONTS_DIR

SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"


@cache
def register_fonts() -> str:
    """Idempotent; returns the family name to use in paragraph styles."""
    for name in (SERIF, SERIF_BOLD, SERIF_ITALIC, SERIF_BOLD_ITALIC):
        file = "LiberationSerif-Regular.ttf" if name == SERIF else f"{name}.ttf"
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / file)))
    # Lets <b>/<i> inside paragraph markup pick the right face.
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF_ITALIC)
    addMapping(SERIF, 1, 1, SERIF_BOLD_ITALIC)
    return SERIF
