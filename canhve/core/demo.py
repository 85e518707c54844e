"""The fictional demo dataset. Every name of a person here is invented; agencies are real institutions
described only by their public names, and no record says anything true about their work.

`seed_all` is idempotent: it looks records up by natural keys before creating them. After the agencies
and users, each app that defines `seed_demo(ctx)` on its AppConfig adds its own records, in
INSTALLED_APPS order, sharing `ctx` (agencies by code, users by username).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from canhve.accounts.models import Membership, Role, User
from canhve.agencies.models import Agency, AgencyKind, ContactPoint
from canhve.core.context import acting_as
from canhve.core.secrecy import Secrecy

DEMO_PASSWORD = "canhve-demo-2026"  # noqa: S105 - the demo's published password

# code, name, short name, kind, parent code, province code
AGENCIES: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("BCA", "Bộ Công an", "BCA", AgencyKind.MINISTRY, None, "01"),
    ("K01", "Bộ Tư lệnh Cảnh vệ", "K01", AgencyKind.GUARD_COMMAND, "BCA", "01"),
    ("K01-TM", "Phòng Tham mưu", "Tham mưu", AgencyKind.GUARD_UNIT, "K01", "01"),
    ("K01-BVTC", "Phòng Bảo vệ tiếp cận", "BVTC", AgencyKind.GUARD_UNIT, "K01", "01"),
    ("K01-KT", "Phòng Kỹ thuật nghiệp vụ", "KTNV", AgencyKind.GUARD_UNIT, "K01", "01"),
    ("CAHN", "Công an thành phố Hà Nội", "CATP Hà Nội", AgencyKind.PROVINCIAL_POLICE, "BCA", "01"),
    ("CATH", "Công an tỉnh Thanh Hóa", "CA Thanh Hóa", AgencyKind.PROVINCIAL_POLICE, "BCA", "38"),
    ("CACT", "Công an thành phố Cần Thơ", "CATP Cần Thơ", AgencyKind.PROVINCIAL_POLICE, "BCA", "92"),
    ("BQP", "Bộ Quốc phòng", "BQP", AgencyKind.MINISTRY, None, "01"),
    ("BCCB", "Binh chủng Công binh", "Công binh", AgencyKind.MILITARY, "BQP", "01"),
    ("UBND-TH", "Ủy ban nhân dân tỉnh Thanh Hóa", "UBND Thanh Hóa", AgencyKind.PEOPLES_COMMITTEE, None, "38"),
    ("TTHNQG", "Ban quản lý Trung tâm Hội nghị (giả định)", "TTHN", AgencyKind.VENUE_OPERATOR, None, "01"),
]

CONTACTS = [
    ("K01", "Trực ban Bộ Tư lệnh", "069.000.0001", "K01-TB"),
    ("K01-TM", "Trực ban tác chiến", "069.000.0002", "K01-TC"),
    ("CAHN", "Trực ban Công an thành phố", "069.000.1001", "HN-TB"),
    ("CATH", "Trực ban Công an tỉnh", "069.000.3801", "TH-TB"),
    ("CACT", "Trực ban Công an thành phố", "069.000.9201", "CT-TB"),
    ("BCCB", "Trực ban Binh chủng", "069.000.5001", "CB-TB"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    rank: str
    title: str
    clearance: int
    memberships: tuple[tuple[str, int], ...]
    is_auditor: bool = False
    is_superuser: bool = False


USERS = [
    DemoUser(
        "quantri",
        "Nguyễn Quản Trị",
        "Thượng tá",
        "Quản trị hệ thống",
        Secrecy.TUYET_MAT,
        (("BCA", Role.ADMINISTRATOR),),
        is_auditor=True,
        is_superuser=True,
    ),
    DemoUser(
        "k01.chihuy", "Trần Văn Chỉ", "Đại tá", "Phó Tư lệnh", Secrecy.TUYET_MAT, (("K01", Role.COMMANDER),)
    ),
    DemoUser(
        "k01.kehoach",
        "Lê Thị Hoạch",
        "Trung tá",
        "Trưởng phòng Tham mưu",
        Secrecy.TOI_MAT,
        (("K01-TM", Role.PLANNER),),
    ),
    DemoUser(
        "k01.canbo",
        "Phạm Văn Bộ",
        "Đại úy",
        "Cán bộ bảo vệ tiếp cận",
        Secrecy.MAT,
        (("K01-BVTC", Role.OFFICER),),
    ),
    DemoUser(
        "k01.kiemtra",
        "Hoàng Thị Kiểm",
        "Thượng tá",
        "Thanh tra",
        Secrecy.TUYET_MAT,
        (("K01", Role.VIEWER),),
        is_auditor=True,
    ),
    DemoUser(
        "hn.kehoach",
        "Đỗ Văn Hà",
        "Trung tá",
        "Phó Trưởng phòng Cảnh vệ",
        Secrecy.TOI_MAT,
        (("CAHN", Role.PLANNER),),
    ),
    DemoUser(
        "th.lienlac", "Vũ Thị Thanh", "Thiếu tá", "Cán bộ liên lạc", Secrecy.MAT, (("CATH", Role.OFFICER),)
    ),
    DemoUser("ct.canbo", "Ngô Văn Cần", "Thiếu tá", "Cán bộ", Secrecy.TOI_MAT, (("CACT", Role.OFFICER),)),
    DemoUser(
        "cb.kythuat",
        "Bùi Văn Binh",
        "Thiếu tá",
        "Trưởng đội rà phá bom mìn",
        Secrecy.MAT,
        (("BCCB", Role.OFFICER),),
    ),
]


@dataclass
class DemoContext:
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    stdout: Any = None

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)


def seed_agencies() -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for code, name, short, kind, parent, province in AGENCIES:
        agency = Agency.objects.filter(code=code).first() or Agency(code=code)
        agency.name, agency.short_name, agency.kind = name, short, kind
        agency.parent = agencies.get(parent) if parent else None
        agency.province_id = province
        agency.save()
        agencies[code] = agency
    for code, function, phone, radio in CONTACTS:
        ContactPoint.objects.get_or_create(
            agency=agencies[code], function=function, defaults={"phone": phone, "radio_channel": radio}
        )
    return agencies


def seed_users(agencies: dict[str, Agency]) -> dict[str, User]:
    users: dict[str, User] = {}
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(username=spec.username)
            user.set_password(DEMO_PASSWORD)
        user.full_name, user.rank, user.title = spec.full_name, spec.rank, spec.title
        user.clearance, user.is_auditor = spec.clearance, spec.is_auditor
        user.is_superuser = user.is_staff = spec.is_superuser
        user.save()
        for code, role in spec.memberships:
            Membership.objects.update_or_create(user=user, agency=agencies[code], defaults={"role": role})
        users[spec.username] = user
    return users


def seed_all(stdout: Any = None) -> dict[str, Any]:
    with acting_as(None, via="cli"), transaction.atomic():
        ctx = DemoContext(stdout=stdout)
        ctx.agencies = seed_agencies()
        ctx.users = seed_users(ctx.agencies)
        for config in apps.get_app_configs():
            seeder = getattr(config, "seed_demo", None)
            if callable(seeder):
                seeder(ctx)
    rows = []
    for spec in USERS:
        agencies = ", ".join(f"{code} ({Role(role).label})" for code, role in spec.memberships)
        rows.append(
            {
                "username": spec.username,
                "role": str(Role(max(r for _, r in spec.memberships)).label),
                "clearance": str(Secrecy(spec.clearance).label),
                "agencies": agencies + (" · kiểm tra viên" if spec.is_auditor else ""),
            }
        )
    return {"password": DEMO_PASSWORD, "users": rows}
