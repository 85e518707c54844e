"""A fictional K01 protection plan (kế hoạch cảnh vệ) for tests, the benchmark and the demo seed.

All names, places and times are invented; real plans are state secrets.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

from PIL import Image as PILImage
from PIL import ImageDraw

from .model import (
    Block,
    BulletList,
    Heading,
    Image,
    OfficialDocument,
    Paragraph,
    Secrecy,
    SignatureBlock,
    Table,
    Urgency,
)

_TASK = (
    "Chủ trì, phối hợp với Công an thành phố Hà Nội tổ chức khảo sát tuyến đường, điểm dừng, nghỉ an toàn; "
    "bố trí lực lượng tuần tra, canh gác tại nơi ở, nơi làm việc và nơi diễn ra hoạt động; kiểm tra an ninh, "
    "an toàn khu vực trước giờ đón tiếp ít nhất 12 giờ và duy trì lực lượng giữ khu vực đã kiểm tra."
)


def route_map_png(width: int = 480, height: int = 300) -> bytes:
    """A small schematic route map: primary route solid, alternate dashed, stop points as dots."""
    img = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width - 1, height - 1), outline="black")
    primary = [(30, 250), (140, 200), (260, 210), (380, 90), (450, 50)]
    draw.line(primary, fill=(200, 0, 0), width=5)
    alternate = [(30, 250), (120, 120), (300, 60), (450, 50)]
    for (x1, y1), (x2, y2) in itertools.pairwise(alternate):
        for k in range(0, 20, 2):  # dashes
            a, b = k / 20, (k + 1) / 20
            draw.line(
                (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a, x1 + (x2 - x1) * b, y1 + (y2 - y1) * b), "blue", 3
            )
    for x, y in (primary[0], primary[2], primary[-1]):
        draw.ellipse((x - 8, y - 8, x + 8, y + 8), fill="black")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _section(n: int, roman: str) -> tuple[Block, ...]:
    return (
        Heading(f"{roman}. NHIỆM VỤ CỦA CÁC ĐƠN VỊ (PHẦN {n})", level=1),
        Heading("1. Phòng Tham mưu", level=2),
        Paragraph(_TASK),
        Heading("a) Lực lượng đi trước", level=3),
        Paragraph(_TASK),
        BulletList(
            (
                "Khảo sát tuyến chính và tuyến dự phòng vào đúng khung giờ di chuyển;",
                "Xác định bệnh viện gần nhất có khả năng phẫu thuật cấp cứu và đồn công an gần nhất;",
                "Thống nhất phương án thông tin liên lạc, thẻ và phù hiệu với đơn vị phối hợp.",
            )
        ),
        Heading("2. Các đơn vị phối hợp", level=2),
        Table(
            header=("TT", "Đơn vị", "Nhiệm vụ", "Thời gian"),
            rows=tuple(
                (str(i), agency, task, f"{6 + i:02d}:00 ngày 05/01")
                for i, (agency, task) in enumerate(
                    (
                        ("Công an TP Hà Nội", "Phân luồng, tạm dừng giao thông"),
                        ("Binh chủng Công binh", "Kiểm tra bom, mìn, vật liệu nổ"),
                        ("Bệnh viện Hữu nghị", "Trực cấp cứu, kiểm nghiệm thức ăn"),
                        ("UBND phường Ba Đình", "Bảo đảm trật tự khu vực"),
                    ),
                    start=1,
                )
            ),
            widths=(0.6, 3, 4, 2),
        ),
        Paragraph(_TASK),
    )


def sample_plan(*, sections: int = 2, number: int | None = 5, with_map: bool = True) -> OfficialDocument:
    """About 0.8 A4 pages per section in 14 pt; `sections=25` gives a plan of 20 pages."""
    romans = ("II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
    blocks: list[Block] = [
        Heading("I. MỤC ĐÍCH, YÊU CẦU", level=1),
        Paragraph(
            "Bảo đảm tuyệt đối an toàn cho đối tượng cảnh vệ trong suốt thời gian hoạt động tại Hà Nội; "
            "phát hiện, ngăn chặn kịp thời mọi âm mưu, hoạt động xâm hại."
        ),
    ]
    if with_map:
        blocks.append(Image(route_map_png(), width_mm=110, caption="Sơ đồ tuyến chính và tuyến dự phòng"))
    for i in range(sections):
        blocks.extend(_section(i + 1, romans[i % len(romans)]))
    return OfficialDocument(
        parent_agency="BỘ CÔNG AN",
        issuing_agency="BỘ TƯ LỆNH CẢNH VỆ",
        issuing_agency_short="K01",
        number=number,
        symbol="KH-K01",
        doc_type_name="KẾ HOẠCH",
        summary="Bảo đảm an ninh, an toàn đoàn khách quốc tế thăm Việt Nam",
        place="Hà Nội",
        date=dt.date(2025, 1, 5),
        secrecy=Secrecy.MAT,
        urgency=Urgency.THUONG_KHAN,
        blocks=tuple(blocks),
        signature=SignatureBlock(
            authority="KT.", authority_of="TƯ LỆNH", title="Phó Tư lệnh", signer_name="Trần Văn Minh"
        ),
        recipients=("Lãnh đạo Bộ Công an (để báo cáo)", "Công an TP Hà Nội", "Binh chủng Công binh"),
        archive_line="Lưu: VT, TM.",
    )
