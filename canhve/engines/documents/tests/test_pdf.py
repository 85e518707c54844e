"""The PDF as a reader sees it: text positions from poppler's pdftotext and pixels from pdftoppm."""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image as PILImage

from canhve.engines.documents.pdf_render import render_pdf

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="needs poppler-utils (pdftotext, pdftoppm): apt-get install poppler-utils",
)
MM = 72 / 25.4


@dataclass(frozen=True)
class Word:
    text: str
    x1: float  # points from the left edge
    y1: float  # points from the TOP edge, as poppler reports them
    x2: float
    y2: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]

    def find(self, text: str) -> Word:
        return next(w for w in self.words if w.text == text)


@pytest.fixture(scope="module")
def rendered(plan):
    return render_pdf(plan)


@pytest.fixture(scope="module")
def pdf_path(rendered, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    path.write_bytes(rendered.data)
    return path


@pytest.fixture(scope="module")
def pages(pdf_path) -> list[Page]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], check=True, capture_output=True).stdout
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    result = []
    for page in ET.fromstring(html).iterfind(".//h:page", ns):
        words = tuple(
            Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in page.iterfind("h:word", ns)
        )
        result.append(Page(float(page.get("width")), float(page.get("height")), words))
    return result


def test_it_renders_a4_pages(pages, rendered):
    assert len(pages) == rendered.pages >= 2
    assert (round(pages[0].width / MM), round(pages[0].height / MM)) == (210, 297)


def test_vietnamese_text_survives_with_its_diacritics(pages):
    text = " ".join(w.text for w in pages[0].words)
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 05/KH-K01"):
        assert phrase in text
    assert "Hà Nội, ngày 05 tháng 01 năm 2025" in text


def test_the_national_title_is_top_right_and_the_agency_top_left(pages):
    p = pages[0]
    middle = p.width / 2
    for word in (p.find("CỘNG"), p.find("NAM"), p.find("Độc"), p.find("phúc")):
        assert word.x1 > middle - 15 * MM and word.y2 < 45 * MM
    assert p.find("NAM").x1 > middle
    issuing = p.find("CẢNH")
    assert issuing.x2 < middle and issuing.y2 < 45 * MM
    # Left margin 30 mm: nothing starts left of it.
    assert min(w.x1 for w in p.words) >= 30 * MM - 1
    # Right margin 15 mm.
    assert max(w.x2 for w in p.words) <= p.width - 15 * MM + 1


def test_the_document_type_is_centred_below_the_header(pages):
    p = pages[0]
    kind = p.find("KẾ")
    centre = (kind.x1 + p.find("HOẠCH").x2) / 2
    text_centre = (30 * MM + p.width - 15 * MM) / 2
    assert abs(centre - text_centre) < 2
    assert kind.y1 > p.find("Độc").y2


def _top_band(page: Page) -> list[Word]:
    return [w for w in page.words if w.y2 < 20 * MM]  # inside the top margin


def test_page_numbers_are_absent_on_page_one_and_top_centre_after(pages):
    assert _top_band(pages[0]) == []
    for number, page in enumerate(pages[1:], start=2):
        (word,) = _top_band(page)
        assert word.text == str(number)
        assert abs((word.x1 + word.x2) / 2 - page.width / 2) < 2


def test_the_signature_box_lies_between_the_signer_title_and_name(pages, rendered):
    box = rendered.signature_box
    last = pages[box.page]
    title, name = last.find("PHÓ"), last.find("Minh")
    top, bottom = last.height - box.y2, last.height - box.y1  # to poppler's top-down coordinates
    assert title.y2 <= top + 1 and bottom <= name.y1 + 1
    assert box.x1 < (name.x1 + name.x2) / 2 < box.x2
    assert box.x1 > last.width / 2  # signature block is the right-hand column
    seal = box.seal_box()
    assert seal.x1 < box.x1 < seal.x2 <= box.x1 + (box.x2 - box.x1) / 3 + 0.01


def test_the_page_image_has_ink_where_the_header_is_and_a_blank_top_margin(pdf_path, tmp_path):
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "p")], check=True
    )
    (png,) = tmp_path.glob("p*.png")
    img = PILImage.open(png).convert("L")
    w, h = img.size
    # A4 at 60 dpi is 496.1 × 701.6 px; poppler rounds up.
    assert abs(w - 210 / 25.4 * 60) < 1.5 and abs(h - 297 / 25.4 * 60) < 1.5

    def ink(x1: float, y1: float, x2: float, y2: float) -> int:
        """Dark pixels in a region given as fractions of the page."""
        region = img.crop((int(x1 * w), int(y1 * h), int(x2 * w), int(y2 * h)))
        return sum(region.histogram()[:128])  # grey levels 0..127

    assert ink(0, 0, 1, 20 / 297) == 0  # top margin of page 1: no page number
    assert ink(0.5, 20 / 297, 1, 0.12) > 50  # national title and motto
    assert ink(30 / 210, 20 / 297, 0.45, 0.12) > 50  # agencies
    assert ink(0, 0, 28 / 210, 1) == 0  # left margin stays white
