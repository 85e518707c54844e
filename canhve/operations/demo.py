"""Fictional demo operations. Every name and plan here is invented; sites sit at real coordinates so the
routes run on the real Hà Nội road graph."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from canhve.engines.routing import RoutingError
from canhve.protectees.models import Protectee
from canhve.sites.models import Site, SiteKind

from . import routing, services
from .models import ContingencyKind, Operation, OperationKind, PlanStatus, StopKind, TaskGate, TaskStatus

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# name, kind, lat, lon, owner code
SITES = [
    ("Khách sạn Sao Mai (giả định)", SiteKind.RESIDENCE, 21.0300, 105.8500, "CAHN"),
    ("Khu vực đón tiếp Ba Đình (giả định)", SiteKind.VENUE, 21.0372, 105.8345, "K01-TM"),
    ("Trung tâm hội nghị Ba Đình (giả định)", SiteKind.VENUE, 21.0340, 105.8390, "K01-TM"),
    ("Điểm tham quan Văn Miếu (giả định)", SiteKind.VENUE, 21.0282, 105.8358, "CAHN"),
    ("Điểm an toàn số 1 (giả định)", SiteKind.SAFE_HAVEN, 21.0330, 105.8440, "K01-TM"),
    ("Điểm an toàn số 2 (giả định)", SiteKind.SAFE_HAVEN, 21.0250, 105.8470, "K01-TM"),
    ("Sân bay Thọ Xuân (khu vực đón, giả định)", SiteKind.AIRPORT, 19.9015, 105.4680, "CATH"),
    ("Nhà máy (điểm thăm, giả định), Thanh Hóa", SiteKind.VENUE, 19.8070, 105.7760, "CATH"),
]


def _site(ctx: Any, name: str, op: Operation | None = None) -> Site:
    """The demo site; when `op` uses it (a stop, a plan's safe haven), shared with everyone who reads `op`
    (ADR 0107)."""
    spec = next(s for s in SITES if s[0] == name)
    site = Site.objects.filter(name=name).first()
    if site is None:
        site = Site.objects.create(
            name=name,
            kind=spec[1],
            lat=spec[2],
            lon=spec[3],
            secrecy=0,
            owner_agency=ctx.agencies[spec[4]],
            source="demo",
        )
    if op is not None:
        site.shared_with_agencies.add(op.owner_agency, *op.shared_with_agencies.all())
    return site


def _when(days: int, hour: int, minute: int = 0) -> dt.datetime:
    base = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime(base.year, base.month, base.day, hour, minute, tzinfo=TZ)


def _provinces(*codes: str) -> list[Any]:
    from canhve.geo.models import Province

    return list(Province.objects.filter(code__in=codes))


def _protectee(title: str) -> Protectee | None:
    return Protectee.objects.filter(title=title).first()


def _routes(mv: Any, user: Any) -> None:
    try:
        routing.plan_movement_routes(movement=mv, acting_user=user)
    except (ValidationError, RoutingError) as exc:
        log.warning("demo: no route for %s: %s", mv, exc)


def _close_gate(op: Operation, gate: str, user: Any) -> None:
    for task in op.tasks.filter(gate=gate, status=TaskStatus.OPEN):
        services.set_task_status(task=task, status=TaskStatus.DONE, acting_user=user)


CONTINGENCIES = [
    (
        ContingencyKind.MOTORCADE_ATTACK,
        "Đoàn xe bị tấn công, chặn đường",
        "Bảo vệ tiếp cận che chắn, đoàn xe chuyển "
        "ngay sang tuyến dự phòng 1, về điểm an toàn gần nhất; lực lượng cơ động khống chế.",
        "K01-BVTC",
        True,
    ),
    (
        ContingencyKind.MEDICAL,
        "Đối tượng cảnh vệ cần cấp cứu",
        "Y tế đi cùng sơ cứu; chuyển bệnh viện có cấp cứu "
        "ngoại khoa gần nhất theo bảng đoạn tuyến; báo trước bệnh viện.",
        "K01-BVTC",
        False,
    ),
    (
        ContingencyKind.FIRE,
        "Cháy tại địa điểm hoạt động",
        "Sơ tán theo lối thoát đã khảo sát; PCCC tại chỗ; đưa đối tượng ra phòng chờ an toàn.",
        "CAHN",
        False,
    ),
    (
        ContingencyKind.BOMB_THREAT,
        "Tin báo có vật nghi nổ",
        "Tạm dừng hoạt động; Công binh kiểm tra, xử lý; đổi địa điểm nếu cần.",
        "BCCB",
        False,
    ),
    (
        ContingencyKind.BREAKDOWN,
        "Xe chở đối tượng hỏng",
        "Chuyển sang xe dự bị trong đoàn; xe hỏng được kéo khỏi tuyến.",
        "K01-BVTC",
        False,
    ),
    (
        ContingencyKind.CROWD,
        "Tụ tập đông người, chen lấn",
        "Cảnh sát cơ động lập hàng rào; đổi lối vào, lối ra; rút ngắn hoạt động.",
        "CAHN",
        False,
    ),
    (
        ContingencyKind.FLOOD,
        "Mưa lớn, ngập tuyến chính",
        "Chuyển tuyến dự phòng 2; lùi giờ khởi hành.",
        "CAHN",
        True,
    ),
]


def seed(ctx: Any) -> None:
    planner, commander = ctx.users["k01.kehoach"], ctx.users["k01.chihuy"]
    a = ctx.agencies

    # 1. A leader's working visit to Thanh Hóa: planning, Mật, shared with the province.
    if not Operation.objects.filter(code="DEMO-TH-01").exists():
        op = services.create_operation(
            acting_user=planner,
            owner_agency=a["K01-TM"],
            code="DEMO-TH-01",
            name="Chủ tịch nước thăm và làm việc tại tỉnh Thanh Hóa (giả định)",
            kind=OperationKind.VISIT,
            starts_at=_when(2, 8),
            ends_at=_when(2, 17),
            secrecy=1,
            protectee=_protectee("Chủ tịch nước"),
            participating_agencies=[a["CATH"], a["UBND-TH"], a["BCCB"]],
            provinces=_provinces("38"),
            summary="Hoạt động giả định phục vụ trình diễn hệ thống.",
        )
        services.change_status(operation=op, target="planning", acting_user=planner)
        services.add_stop(
            operation=op,
            acting_user=planner,
            site=_site(ctx, SITES[6][0], op),
            kind=StopKind.ARRIVAL,
            arrive_at=_when(2, 8),
            depart_at=_when(2, 8, 20),
            activity="Đón tại sân bay",
        )
        services.add_stop(
            operation=op,
            acting_user=planner,
            site=_site(ctx, SITES[7][0], op),
            kind=StopKind.VENUE,
            arrive_at=_when(2, 9, 30),
            depart_at=_when(2, 11),
            activity="Thăm cơ sở sản xuất",
        )
        services.create_plan_version(
            operation=op,
            acting_user=planner,
            objectives="Bảo đảm tuyệt đối an toàn cho đối tượng cảnh vệ (giả định).",
        )

    # 2. An international delegation in Hà Nội, movements in Ba Đình on the real road graph; plan approved.
    if not Operation.objects.filter(code="DEMO-HN-02").exists():
        op = services.create_operation(
            acting_user=planner,
            owner_agency=a["K01-TM"],
            code="DEMO-HN-02",
            name="Đón tiếp Tổng thống nước Cộng hòa A thăm Việt Nam (giả định)",
            kind=OperationKind.DELEGATION,
            starts_at=_when(5, 8),
            ends_at=_when(6, 12),
            secrecy=2,
            protectee=_protectee("Tổng thống nước Cộng hòa A (giả định)"),
            participating_agencies=[a["CAHN"], a["BCCB"]],
            provinces=_provinces("01"),
        )
        services.change_status(operation=op, target="planning", acting_user=planner)
        hotel = services.add_stop(
            operation=op,
            acting_user=planner,
            site=_site(ctx, SITES[0][0], op),
            kind=StopKind.LODGING,
            depart_at=_when(5, 8, 30),
            activity="Nơi nghỉ của đoàn",
        )
        welcome = services.add_stop(
            operation=op,
            acting_user=planner,
            site=_site(ctx, SITES[1][0], op),
            kind=StopKind.VENUE,
            arrive_at=_when(5, 8, 50),
            depart_at=_when(5, 10),
            activity="Lễ đón chính thức",
        )
        talks = services.add_stop(
            operation=op,
            acting_user=planner,
            site=_site(ctx, SITES[2][0], op),
            kind=StopKind.VENUE,
            arrive_at=_when(5, 10, 15),
            depart_at=_when(5, 12),
            activity="Hội đàm",
        )
        visit = services.add_stop(
            operation=op,
            acting_user=planner,
            site=_site(ctx, SITES[3][0], op),
            kind=StopKind.VENUE,
            arrive_at=_when(5, 14, 30),
            depart_at=_when(5, 15, 30),
            activity="Tham quan",
        )
        _site(ctx, SITES[4][0])
        _site(ctx, SITES[5][0])
        moves = [
            services.add_movement(
                operation=op,
                acting_user=planner,
                origin=hotel,
                destination=welcome,
                depart_at=_when(5, 8, 30),
            ),
            services.add_movement(
                operation=op, acting_user=planner, origin=welcome, destination=talks, depart_at=_when(5, 10)
            ),
            services.add_movement(
                operation=op, acting_user=planner, origin=talks, destination=visit, depart_at=_when(5, 14)
            ),
        ]
        for mv in moves:
            _routes(mv, planner)
        plan = services.create_plan_version(
            operation=op,
            acting_user=planner,
            objectives="Bảo đảm tuyệt đối an toàn cho Tổng thống và đoàn (giả định) "
            "trong thời gian ở Hà Nội.",
            organisation="Chỉ huy chung: Phó Tư lệnh K01 (giả định). Bảo vệ tiếp cận: Phòng BVTC. "
            "Tuyến, địa bàn: "
            "CATP Hà Nội. Rà phá bom mìn: Binh chủng Công binh.",
            communications="Kênh chỉ huy K01-TC; kênh phối hợp HN-TB (giả định).",
            medical="Xe cứu thương đi trong đoàn; bệnh viện tuyến: theo bảng đoạn tuyến.",
        )
        first = moves[0].routes.filter(current=True).order_by("rank")
        alt1 = first.filter(rank=1).first()
        alt2 = first.filter(rank=2).first()
        haven = _site(ctx, SITES[4][0], op)
        for kind, trigger, response, code, route_needed in CONTINGENCIES:
            services.add_contingency(
                plan=plan,
                acting_user=planner,
                kind=kind,
                trigger=trigger,
                response=response,
                agency=a[code],
                movement=moves[0],
                alternate_route=(alt2 if kind == ContingencyKind.FLOOD else alt1) if route_needed else None,
                safe_haven=haven if kind == ContingencyKind.MOTORCADE_ATTACK else None,
            )
        _close_gate(op, TaskGate.APPROVED, planner)
        services.change_plan_status(plan=plan, target=PlanStatus.REVIEWED, acting_user=planner)
        services.change_plan_status(plan=plan, target=PlanStatus.APPROVED, acting_user=commander)
        services.change_status(operation=op, target="approved", acting_user=commander)

    # 3. A special event with key-area duty.
    if not Operation.objects.filter(code="DEMO-HN-03").exists():
        op = services.create_operation(
            acting_user=planner,
            owner_agency=a["K01-TM"],
            code="DEMO-HN-03",
            name="Bảo vệ kỳ họp Quốc hội (giả định)",
            kind=OperationKind.EVENT,
            starts_at=_when(20, 7),
            ends_at=_when(30, 18),
            secrecy=1,
            protectee=_protectee("Kỳ họp Quốc hội (giả định)"),
            participating_agencies=[a["CAHN"], a["TTHNQG"], a["BCCB"]],
            provinces=_provinces("01"),
        )
        services.add_stop(
            operation=op,
            acting_user=planner,
            site=_site(ctx, SITES[2][0], op),
            kind=StopKind.VENUE,
            arrive_at=_when(20, 7),
            depart_at=_when(30, 18),
            activity="Địa điểm kỳ họp",
        )
        services.add_closure(
            operation=op,
            acting_user=planner,
            name="Khu vực hạn chế quanh hội trường (giả định)",
            ring=[[21.0355, 105.8370], [21.0355, 105.8410], [21.0325, 105.8410], [21.0325, 105.8370]],
        )
    if not Operation.objects.filter(code="DEMO-HN-03K").exists():
        services.create_operation(
            acting_user=planner,
            owner_agency=a["K01-TM"],
            code="DEMO-HN-03K",
            name="Bảo vệ khu vực Quảng trường Ba Đình trong thời gian kỳ họp (giả định)",
            kind=OperationKind.KEY_AREA,
            starts_at=_when(20, 0),
            ends_at=_when(30, 23),
            secrecy=1,
            protectee=_protectee("Khu vực Quảng trường Ba Đình"),
            participating_agencies=[a["CAHN"]],
            provinces=_provinces("01"),
        )

    # 4. An exercise: motorcade attack drill with a closure and re-planned routes.
    if not Operation.objects.filter(code="DEMO-DT-04").exists():
        op = services.create_operation(
            acting_user=planner,
            owner_agency=a["K01-TM"],
            code="DEMO-DT-04",
            name="Diễn tập xử lý tình huống tấn công đoàn xe (giả định)",
            kind=OperationKind.EXERCISE,
            starts_at=_when(-1, 7),
            ends_at=_when(-1, 11),
            secrecy=0,
            participating_agencies=[a["CAHN"]],
            provinces=_provinces("01"),
        )
        origin = services.add_stop(
            operation=op,
            acting_user=planner,
            site=_site(ctx, SITES[3][0], op),
            kind=StopKind.DEPARTURE,
            depart_at=_when(-1, 7, 30),
        )
        dest = services.add_stop(
            operation=op,
            acting_user=planner,
            site=_site(ctx, SITES[0][0], op),
            kind=StopKind.VENUE,
            arrive_at=_when(-1, 7, 50),
        )
        mv = services.add_movement(
            operation=op, acting_user=planner, origin=origin, destination=dest, depart_at=_when(-1, 7, 30)
        )
        services.add_task(
            operation=op,
            acting_user=planner,
            title="Chuẩn bị kịch bản diễn tập",
            agency=a["K01-TM"],
            offset_hours=-48,
        )
        services.add_task(
            operation=op,
            acting_user=planner,
            title="Bố trí lực lượng đóng vai",
            agency=a["CAHN"],
            offset_hours=-24,
        )
        services.add_closure(
            operation=op,
            acting_user=planner,
            name="Giả định: chặn phố Tôn Đức Thắng",
            streets=["Phố Tôn Đức Thắng"],
        )
        _routes(mv, planner)
