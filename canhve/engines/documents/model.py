"""Content of an official document (văn bản hành chính) under Decree 30/2020/NĐ-CP.

Plain frozen dataclasses: the Django side builds an `OfficialDocument` from its rows and hands it to
`render_docx` / `render_pdf`; both renderers read the same object so DOCX and PDF never drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum


class Secrecy(IntEnum):
    """Độ mật (Law 29/2018/QH14 Art 8); the value orders the levels."""

    NONE = 0
    MAT = 1
    TOI_MAT = 2
    TUYET_MAT = 3


class Urgency(IntEnum):
    """Độ khẩn (Decree 30, App. I, position 10b)."""

    NONE = 0
    KHAN = 1
    THUONG_KHAN = 2
    HOA_TOC = 3


SECRECY_LABELS = {Secrecy.MAT: "MẬT", Secrecy.TOI_MAT: "TỐI MẬT", Secrecy.TUYET_MAT: "TUYỆT MẬT"}
URGENCY_LABELS = {Urgency.KHAN: "KHẨN", Urgency.THUONG_KHAN: "THƯỢNG KHẨN", Urgency.HOA_TOC: "HỎA TỐC"}

# Thẩm quyền ký: thay mặt, ký thay, quyền, thừa lệnh, thừa uỷ quyền; "" = the head signs in own name.
SIGNING_AUTHORITIES = ("", "TM.", "KT.", "Q.", "TL.", "TUQ.")

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Heading:
    """A numbered heading; the caller writes the numbering ("I.", "1.", "a)") into `text`."""

    text: str
    level: int = 1  # 1 = I., 2 = 1., 3 = a)

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, not {self.level}")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A ruled table; `widths` are relative column weights (equal when empty)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.header)
        if any(len(row) != n for row in self.rows):
            raise ValueError("every table row needs as many cells as the header")
        if self.widths and len(self.widths) != n:
            raise ValueError("widths needs one weight per column")

    def column_fractions(self) -> tuple[float, ...]:
        weights = self.widths or (1.0,) * len(self.header)
        total = sum(weights)
        return tuple(w / total for w in weights)


@dataclass(frozen=True)
class Image:
    """A PNG/JPEG given as bytes (e.g. a route map), printed `width_mm` wide and centred."""

    data: bytes
    width_mm: float = 120.0
    caption: str = ""


Block = Heading | Paragraph | BulletList | Table | Image


@dataclass(frozen=True)
class SignatureBlock:
    """Quyền hạn, chức vụ, họ tên người ký, e.g. KT. TƯ LỆNH / PHÓ TƯ LỆNH / Nguyễn Văn A."""

    title: str
    signer_name: str
    authority: str = ""
    authority_of: str = ""

    def __post_init__(self) -> None:
        if self.authority not in SIGNING_AUTHORITIES:
            raise ValueError(f"authority must be one of {SIGNING_AUTHORITIES}, not {self.authority!r}")
        if self.authority and not self.authority_of:
            raise ValueError("authority_of is required with an authority (e.g. KT. TƯ LỆNH)")

    def lines(self) -> tuple[str, ...]:
        """The caps lines above the signature space."""
        head = (f"{self.authority} {self.authority_of}",) if self.authority else ()
        return (*head, self.title.upper())


@dataclass(frozen=True)
class OfficialDocument:
    parent_agency: str  # cơ quan chủ quản, e.g. "BỘ CÔNG AN"; "" when none
    issuing_agency: str  # cơ quan ban hành, e.g. "BỘ TƯ LỆNH CẢNH VỆ"
    symbol: str  # ký hiệu, e.g. "KH-K01"
    doc_type_name: str  # "KẾ HOẠCH"; "" for a công văn, whose summary then goes under the number as V/v
    summary: str  # trích yếu
    place: str
    signature: SignatureBlock
    blocks: tuple[Block, ...] = ()
    number: int | None = None  # None while a draft has no number yet
    date: dt.date | None = None  # None while unsigned
    secrecy: Secrecy = Secrecy.NONE
    urgency: Urgency = Urgency.NONE
    recipients: tuple[str, ...] = ()
    archive_line: str = "Lưu: VT."
    issuing_agency_short: str = ""  # e.g. "K01"; goes into the file metadata as author

    def __post_init__(self) -> None:
        # Accept plain ints from the database and normalise them, so labels can be looked up safely.
        object.__setattr__(self, "secrecy", Secrecy(self.secrecy))
        object.__setattr__(self, "urgency", Urgency(self.urgency))
        if self.number is not None and self.number < 1:
            raise ValueError("document numbers start at 1")

    @property
    def is_letter(self) -> bool:
        return not self.doc_type_name

    def number_line(self) -> str:
        return number_line(self.number, self.symbol)

    def date_line(self) -> str:
        return date_line(self.place, self.date)

    def recipient_lines(self) -> tuple[str, ...]:
        """ "- X;" per recipient and "- Lưu: VT, …" last, ending with a full stop as Decree 30 shows."""
        items = [f"- {r.rstrip(';.')};" for r in self.recipients]
        items.append(f"- {self.archive_line.rstrip('.')}.")
        return tuple(items)


def number_line(number: int | None, symbol: str) -> str:
    """ "Số: 05/KH-K01"; numbers below 10 get a leading zero; a draft shows "Số: …/KH-K01"."""
    shown = "…" if number is None else f"{number:02d}"
    return f"Số: {shown}/{symbol}"


def date_line(place: str, date: dt.date | None) -> str:
    """ "Hà Nội, ngày 05 tháng 01 năm 2025": zero before days below 10 and before months 1 and 2 only."""
    if date is None:
        return f"{place}, ngày … tháng … năm …"
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


@dataclass(frozen=True)
class SignatureBox:
    """Where a visible signature goes: 0-based page and a rectangle in PDF points, origin bottom left."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    def seal_box(self, size: float = 36 * 72 / 25.4) -> SignatureBox:
        """The agency seal's box: Decree 30 App. I has the seal image cover about the left third of the
        signer's signature image, so its right edge sits a third of the way into that box."""
        right = self.x1 + (self.x2 - self.x1) / 3
        middle = (self.y1 + self.y2) / 2
        return SignatureBox(self.page, right - size, middle - size / 2, right, middle + size / 2)
