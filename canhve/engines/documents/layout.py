"""Page geometry and type sizes from Decree 30/2020/NĐ-CP App. I, shared by the DOCX and PDF renderers.

Each value sits inside the decree's allowed range; keeping them in one place is what makes the two
formats of one document look the same.
"""

from importlib import resources
from pathlib import Path

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 20.0  # 20–25
MARGIN_BOTTOM_MM = 20.0  # 20–25
MARGIN_LEFT_MM = 30.0  # 30–35
MARGIN_RIGHT_MM = 15.0  # 15–20
HEADER_DISTANCE_MM = 10.0  # page number sits in the top margin
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

# Header block: agency column left, national title right (App. I, positions 1–2 and 3–4).
HEADER_LEFT_MM = 70.0
HEADER_RIGHT_MM = TEXT_WIDTH_MM - HEADER_LEFT_MM
# Closing block: Nơi nhận left, signature right (positions 7 and 9).
CLOSING_LEFT_MM = 80.0
CLOSING_RIGHT_MM = TEXT_WIDTH_MM - CLOSING_LEFT_MM
SIGNATURE_SPACE_MM = 30.0  # room for the handwritten signature and seal
STAMP_WIDTH_MM = 46.0  # fits "THƯỢNG KHẨN" in 13 pt bold on one line

FONT_FAMILY = "Times New Roman"  # what Word users have; the PDF embeds Liberation Serif instead
BODY_PT = 14.0  # 13–14
AGENCY_PT = 13.0  # 12–13
NATIONAL_TITLE_PT = 12.0  # 12–13; at 13 pt bold it needs 96 mm and would wrap in the right column
MOTTO_PT = 14.0  # 13–14
NUMBER_PT = 13.0
DATE_PT = 14.0  # 13–14 italic
TYPE_PT = 14.0  # 13–14 caps bold
SUMMARY_PT = 14.0
LETTER_SUMMARY_PT = 12.0  # "V/v …" of a công văn, 12–13
SIGNATURE_PT = 14.0
RECIPIENTS_HEAD_PT = 12.0
RECIPIENTS_PT = 11.0
STAMP_PT = 13.0
PAGE_NUMBER_PT = 13.0
TABLE_PT = 12.0

FIRST_LINE_INDENT_MM = 12.7  # 1–1.27 cm
PARAGRAPH_SPACE_PT = 6.0  # at least 6 pt between paragraphs
# Lines: Decree 30 allows single to 1.5. DOCX uses Word's "single" (the font's own line height, about
# 1.15 em for Times); the PDF sets the same leading explicitly.
PDF_LEADING = 1.15

# Through importlib.resources so an installed (non-editable) package finds its fonts too.
FONTS_DIR = Path(str(resources.files("canhve.engines.documents") / "fonts"))
