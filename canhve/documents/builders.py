"""Content templates: turn structured input (and, for plans and reviews, rows of other apps) into the
content blocks of a document. Each builder returns (summary, blocks, attachments)."""

from __future__ import annotations

import base64
from collections import Counter
from typing import Any

from django.apps import apps

from canhve.engines.documents.samples import route_map_png

from .domain import parse_markup

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
Built = tuple[str, list[dict], dict[str, Any]]


def _h(text: str, level: int = 1) -> dict:
    return {"type": "heading", "level": level, "text": text}


def _p(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def _bullets(items: list[str]) -> dict:
    return {"type": "bullets", "items": [i for i in items if i.strip()]}


def _lines(text: str) -> list[str]:
    return [x.strip().lstrip("-•").strip() for x in (text or "").splitlines() if x.strip()]


def map_attachment(png: bytes | None = None, caption: str = "Sơ đồ tuyến chính và tuyến dự phòng") -> dict:
    return {"png": base64.b64encode(png or route_map_png()).decode(), "width_mm": 110, "caption": caption}


def after_action_report(
    *, operation: str, period: str, objectives: str, strengths: str, improvements: str, actions: str
) -> Built:
    """BC rút kinh nghiệm (AAR/IP): objectives, strengths, improvements, corrective actions with owner/due.
    `actions` holds one "việc | đơn vị | hạn" per line."""
    rows = []
    for i, line in enumerate(_lines(actions), start=1):
        parts = [p.strip() for p in line.split("|")] + ["", ""]
        rows.append([str(i), parts[0], parts[1], parts[2]])
    blocks = [
        _h("I. KHÁI QUÁT NHIỆM VỤ"),
        _p(
            f"Thực hiện nhiệm vụ {operation} ({period}), các đơn vị đã triển khai đầy đủ các biện pháp "
            "cảnh vệ "
            "theo kế hoạch được phê duyệt. Báo cáo kết quả và rút kinh nghiệm như sau:"
        ),
        _h("II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU"),
        _bullets(_lines(objectives)),
        _h("III. ƯU ĐIỂM"),
        _bullets(_lines(strengths)),
        _h("IV. TỒN TẠI, HẠN CHẾ VÀ NỘI DUNG CẦN RÚT KINH NGHIỆM"),
        _bullets(_lines(improvements)),
        _h("V. BIỆN PHÁP KHẮC PHỤC"),
        {
            "type": "table",
            "header": ["TT", "Nội dung", "Đơn vị thực hiện", "Thời hạn"],
            "rows": rows,
            "widths": [0.6, 5, 2.5, 1.8],
        },
        _h("VI. KIẾN NGHỊ, ĐỀ XUẤT"),
        _p(
            "Đề nghị lãnh đạo xem xét, chỉ đạo các đơn vị thực hiện nghiêm các biện pháp khắc phục "
            "nêu trên và "
            "báo cáo kết quả trước thời hạn."
        ),
    ]
    blocks = [b for b in blocks if b.get("items", True) and (b["type"] != "table" or b["rows"])]
    return f"Kết quả thực hiện và rút kinh nghiệm nhiệm vụ {operation}", blocks, {}


def regulation(*, parties: str, chapters: str) -> Built:
    """QC quy chế phối hợp from articles: `Chương …` lines open a chapter, `Điều …` lines an article,
    other lines are the article's text. Articles are numbered continuously across chapters."""
    blocks: list[dict] = []
    article = 0
    chapter = 0
    for line in _lines(chapters):
        low = line.lower()
        if low.startswith("chương"):
            chapter += 1
            title = line.split(".", 1)[-1].strip() if "." in line else line[6:].strip()
            blocks.append(_h(f"Chương {ROMAN[(chapter - 1) % len(ROMAN)]}", 1))
            blocks.append(_h(title.upper(), 1))
        elif low.startswith("điều"):
            article += 1
            title = line.split(".", 1)[-1].strip() if "." in line else line[4:].strip()
            blocks.append(_h(f"Điều {article}. {title}", 2))
        else:
            blocks.append(_p(line))
    return f"Quy chế phối hợp giữa {parties}", blocks, {}


def commendation(*, legal_bases: str, reason: str, awardees: str, form: str) -> Built:
    """QĐ khen thưởng (Law 06/2022/QH15): Căn cứ…, Xét đề nghị…, QUYẾT ĐỊNH: Điều 1–3.
    `awardees` holds one "tên | thành tích" per line."""
    rows = []
    for i, line in enumerate(_lines(awardees), start=1):
        parts = [p.strip() for p in line.split("|")] + [""]
        rows.append([str(i), parts[0], parts[1]])
    blocks = [_p(f"Căn cứ {b.removeprefix('Căn cứ ').rstrip(';.')};") for b in _lines(legal_bases)]
    blocks += [
        _p(f"Xét đề nghị của {reason.rstrip('.')}."),
        _h("QUYẾT ĐỊNH:", 1),
        _h(f"Điều 1. Tặng {form} cho các tập thể, cá nhân sau:", 2),
        {
            "type": "table",
            "header": ["TT", "Tập thể, cá nhân", "Thành tích"],
            "rows": rows,
            "widths": [0.6, 3.5, 5],
        },
        _h("Điều 2. Quyết định có hiệu lực kể từ ngày ký.", 2),
        _h(
            "Điều 3. Thủ trưởng các đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách "
            "nhiệm thi hành Quyết định này.",
            2,
        ),
    ]
    return f"Về việc tặng {form}", blocks, {}


def annual_review(*, year: int, user: Any, achievements: str = "", directions: str = "") -> Built:
    """BC tổng kết năm from the statistics that exist: operations by category and province when the
    operations app has them, and the documents issued in the year by type (both scoped to `user`)."""
    blocks: list[dict] = [
        _h("I. TÌNH HÌNH CHUNG"),
        _p(
            f"Năm {year}, các đơn vị đã thực hiện nhiệm vụ cảnh vệ bảo đảm tuyệt đối an toàn cho "
            "các đối tượng "
            "cảnh vệ. Số liệu dưới đây lấy từ hệ thống, trong phạm vi được phép xem của người lập báo cáo."
        ),
        _h("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ"),
    ]
    blocks += operation_statistics(year=year, user=user)
    from .models import Document, DocumentStatus

    issued = Counter(
        Document.objects.visible_to(user)
        .filter(year=year, status__in=[DocumentStatus.ISSUED, DocumentStatus.ARCHIVED])
        .values_list("doc_type__name", flat=True)
    )
    blocks.append(_h("2. Văn bản đã ban hành", 2))
    if issued:
        blocks.append(
            {
                "type": "table",
                "header": ["TT", "Loại văn bản", "Số lượng"],
                "rows": [[str(i), n, str(c)] for i, (n, c) in enumerate(sorted(issued.items()), 1)],
                "widths": [0.6, 5, 2],
            }
        )
    else:
        blocks.append(_p("Chưa có văn bản ban hành trong năm."))
    if achievements.strip():
        blocks += [_h("III. ĐÁNH GIÁ CHUNG"), _bullets(_lines(achievements))]
    if directions.strip():
        blocks += [_h("IV. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM TIẾP THEO"), _bullets(_lines(directions))]
    return f"Tổng kết công tác cảnh vệ năm {year}", blocks, {}


def operation_statistics(*, year: int, user: Any) -> list[dict]:
    """Counts of the operations (operations.Operation) that start in `year`, by kind and by province,
    within what `user` may see."""
    try:
        model = apps.get_model("operations", "Operation")
    except LookupError:
        return [_h("1. Hoạt động cảnh vệ", 2), _p("Hệ thống chưa quản lý số liệu nhiệm vụ cảnh vệ.")]
    ops = list(model.objects.visible_to(user).filter(starts_at__year=year).prefetch_related("provinces"))
    blocks = [_h("1. Hoạt động cảnh vệ", 2), _p(f"Tổng số nhiệm vụ cảnh vệ trong năm: {len(ops)}.")]
    by_kind = Counter(o.get_kind_display() for o in ops)
    by_province = Counter(p.name for o in ops for p in o.provinces.all())
    for label, counts in (("Loại nhiệm vụ", by_kind), ("Tỉnh, thành phố", by_province)):
        if counts:
            rows = [[str(i), k, str(v)] for i, (k, v) in enumerate(sorted(counts.items()), 1)]
            blocks.append(
                {"type": "table", "header": ["TT", label, "Số nhiệm vụ"], "rows": rows, "widths": [0.6, 5, 2]}
            )
    return blocks


def route_map(geometries: list[tuple[list[list[float]], bool]], width: int = 640, height: int = 400) -> bytes:
    """A small route map: each (GeoJSON LineString coordinates [lon, lat], primary?) drawn to scale,
    the primary solid red, alternates dashed blue, start and end as dots."""
    import io
    import itertools

    from PIL import Image, ImageDraw

    points = [pt for coords, _ in geometries for pt in coords]
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width - 1, height - 1), outline="black")
    if points:
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        span = max(max(lons) - min(lons), max(lats) - min(lats), 1e-4)
        scale = min((width - 40) / span, (height - 40) / span)

        def xy(pt: list[float]) -> tuple[float, float]:
            return 20 + (pt[0] - min(lons)) * scale, height - 20 - (pt[1] - min(lats)) * scale

        for coords, primary in sorted(geometries, key=lambda g: g[1]):
            line = [xy(pt) for pt in coords]
            if primary:
                draw.line(line, fill=(200, 0, 0), width=5)
            else:
                for i, (a, b) in enumerate(itertools.pairwise(line)):
                    if i % 2 == 0:
                        draw.line((a, b), fill="blue", width=3)
            for x, y in (line[0], line[-1]):
                draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill="black")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def protection_plan(plan: Any, reader: Any) -> Built:
    """KH from an operations `PlanVersion` (its frozen snapshot once approved): objectives, organisation,
    itinerary, routes with a small map, tasks per agency, posts, communications, medical, contingencies.
    `reader`: the compartment of the document being written; a site its readers may not see is not named."""
    c = plan.as_document_content(reader)
    op = c["operation"]
    blocks: list[dict] = [_h("I. MỤC ĐÍCH, YÊU CẦU"), *[_p(x) for x in _lines(c["objectives"])]]
    if op.get("protectee"):
        blocks.append(_p(f"Đối tượng cảnh vệ: {op['protectee']} ({op.get('category', '')})."))
    blocks += [_h("II. TỔ CHỨC LỰC LƯỢNG, CHỈ HUY"), *[_p(x) for x in _lines(c["organisation"])]]
    if op.get("participating_agencies"):
        blocks.append(_p("Đơn vị phối hợp: " + "; ".join(op["participating_agencies"]) + "."))
    blocks.append(_h("III. LỊCH TRÌNH VÀ TUYẾN ĐƯỜNG"))
    stops = [i for i in c["itinerary"] if i["type"] == "stop"]
    if stops:
        blocks.append(
            {
                "type": "table",
                "header": ["TT", "Địa điểm", "Đến", "Rời", "Hoạt động"],
                "widths": [0.6, 3, 1.8, 1.8, 3],
                "rows": [
                    [str(k), s["site"], s["arrive_at"], s["depart_at"], s["activity"]]
                    for k, s in enumerate(stops, 1)
                ],
            }
        )
    attachments: dict[str, Any] = {}
    for mv in (i for i in c["itinerary"] if i["type"] == "movement"):
        blocks.append(_h(f"Di chuyển {mv['from']} → {mv['to']}, khởi hành {mv['depart_at']}", 3))
        blocks.append(
            _bullets(
                [
                    f"{r['rank']}{' (được chọn)' if r['chosen'] else ''}: {r['km']} km, {r['minutes']} phút; "
                    f"{r['choke_points']} điểm nghẽn; qua " + ", ".join(r["streets"][:8])
                    for r in mv["routes"]
                ]
            )
        )
    geometries = _route_geometries(plan)
    if geometries:
        attachments["map"] = map_attachment(route_map(geometries))
        blocks.append({"type": "image", "key": "map"})
    blocks.append(_h("IV. NHIỆM VỤ CỦA CÁC ĐƠN VỊ"))
    for n, group in enumerate(c["tasks_by_agency"], 1):
        blocks.append(_h(f"{n}. {group['agency']}", 2))
        blocks.append(_bullets([f"{t['title']} (hạn {t['due']})" for t in group["tasks"]]))
    for roman, (title, field) in zip(
        ("V", "VI", "VII"),
        (
            ("BỐ TRÍ CHỐT, VỊ TRÍ", "posts"),
            ("THÔNG TIN LIÊN LẠC", "communications"),
            ("BẢO ĐẢM Y TẾ", "medical"),
        ),
        strict=True,
    ):
        if c[field].strip():
            blocks += [_h(f"{roman}. {title}"), *[_p(x) for x in _lines(c[field])]]
    blocks.append(_h("VIII. PHƯƠNG ÁN XỬ LÝ TÌNH HUỐNG"))
    if c["contingencies"]:
        blocks.append(
            {
                "type": "table",
                "header": ["Tình huống", "Dấu hiệu", "Xử lý", "Đơn vị", "Nơi trú ẩn, tuyến"],
                "widths": [1.6, 2, 3.5, 1.6, 2.2],
                "rows": [
                    [
                        x["kind"],
                        x["trigger"],
                        x["response"],
                        x["agency"],
                        "; ".join(v for v in (x["safe_haven"], x["alternate_route"]) if v),
                    ]
                    for x in c["contingencies"]
                ],
            }
        )
    else:
        blocks.append(_p("Các đơn vị xây dựng phương án xử lý tình huống theo chức năng, nhiệm vụ."))
    blocks += [
        _h("IX. TỔ CHỨC THỰC HIỆN"),
        _p("Các đơn vị căn cứ Kế hoạch này triển khai thực hiện; báo cáo kết quả về đơn vị chủ trì."),
    ]
    return f"Bảo đảm an ninh, an toàn {op['name']}", blocks, attachments


def _route_geometries(plan: Any) -> list[tuple[list[list[float]], bool]]:
    try:
        model = apps.get_model("operations", "MovementRoute")
    except LookupError:
        return []
    routes = list(model.objects.filter(plan_version=plan)) or list(
        model.objects.filter(movement__operation=plan.operation, current=True)
    )
    out = []
    for r in routes:
        coords = (r.geometry or {}).get("coordinates") or []
        if len(coords) >= 2:
            out.append((coords, r.rank == 0))
    return out


def protection_plan_from_text(*, protectee: str, objectives: str, body: str, with_map: bool = True) -> Built:
    """KH written by hand (when no plan version exists yet): objectives, the body in markup, a route map."""
    blocks = [_h("I. MỤC ĐÍCH, YÊU CẦU"), _bullets(_lines(objectives))]
    attachments: dict[str, Any] = {}
    if with_map:
        attachments["map"] = map_attachment()
        blocks.append({"type": "image", "key": "map"})
    blocks += parse_markup(body)
    return f"Bảo đảm an ninh, an toàn {protectee}", blocks, attachments


def build(template: str, data: dict[str, Any], *, user: Any) -> Built:
    """Dispatch the create form's cleaned data to its template's builder."""
    from .models import Template

    if template == Template.PLAN:
        return protection_plan_from_text(
            protectee=data["protectee"],
            objectives=data["objectives"],
            body=data["body"],
            with_map=data.get("with_map", True),
        )
    if template == Template.AFTER_ACTION:
        return after_action_report(
            **{
                k: data[k]
                for k in ("operation", "period", "objectives", "strengths", "improvements", "actions")
            }
        )
    if template == Template.ANNUAL:
        return annual_review(
            year=data["year"], user=user, achievements=data["achievements"], directions=data["directions"]
        )
    if template == Template.REGULATION:
        return regulation(parties=data["parties"], chapters=data["chapters"])
    if template == Template.COMMENDATION:
        return commendation(
            legal_bases=data["legal_bases"],
            reason=data["reason"],
            awardees=data["awardees"],
            form=data["form"],
        )
    return "", parse_markup(data["body"]), {}
