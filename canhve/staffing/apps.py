from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# code, name, scarce
SKILLS = [
    ("close-protection", "Bảo vệ tiếp cận", False),
    ("guard", "Tuần tra, canh gác", False),
    ("driver", "Lái xe chuyên trách", False),
    ("eod", "Rà phá bom mìn, vật nổ (EOD)", True),
    ("cbrn", "Phòng, chống hóa – sinh – phóng xạ (CBRN)", True),
    ("food-testing", "Kiểm nghiệm thức ăn, nước uống", True),
    ("medic", "Quân y, cấp cứu", False),
    ("marksman", "Bắn tỉa, bắn chính xác", True),
    ("k9", "Huấn luyện chó nghiệp vụ", True),
    ("comms", "Thông tin liên lạc", False),
    ("lang-en", "Ngoại ngữ: tiếng Anh", False),
    ("lang-zh", "Ngoại ngữ: tiếng Trung", False),
    ("traffic", "Dẫn đường, phân luồng giao thông", False),
]

# Fictional people only: (service number, name, rank, unit, clearance, skills, avoids night)
_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
_MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Ngọc"]
_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hải",
    "Hùng",
    "Khánh",
    "Lâm",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Tâm",
    "Thành",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
]
_RANKS = ["Thiếu úy", "Trung úy", "Thượng úy", "Đại úy", "Thiếu tá"]
# unit code → (how many, skill mix cycled through, clearance)
_UNITS = {
    "K01-BVTC": (
        14,
        [
            ["close-protection", "driver"],
            ["close-protection", "lang-en"],
            ["close-protection", "medic"],
            ["close-protection", "marksman"],
        ],
        2,
    ),
    "K01-KT": (6, [["eod"], ["cbrn"], ["food-testing"], ["eod", "cbrn"]], 2),
    "K01-TM": (4, [["comms", "guard"], ["guard"]], 2),
    "CATH": (14, [["guard", "traffic"], ["guard"], ["guard", "driver"], ["guard", "medic"]], 1),
    "CAHN": (8, [["guard", "traffic"], ["guard"]], 1),
    "BCCB": (4, [["eod"], ["eod", "cbrn"]], 1),
}


class StaffingConfig(AppConfig):
    name = "canhve.staffing"
    label = "staffing"
    verbose_name = _("Lực lượng và ca trực")
    nav = (
        (_("Ca trực"), "staffing-roster-list"),
        (_("Lực lượng"), "staffing-personnel-list"),
        (_("Điều động"), "staffing-mobilisation-list"),
    )

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - registers the roster job handler

    def dashboard_cards(self, user: Any) -> list[dict[str, Any]]:
        from .models import MobilisationRequest, MobilisationStatus, Roster, RosterStatus

        open_requests = (
            MobilisationRequest.objects.visible_to(user)
            .filter(status__in=[MobilisationStatus.SENT, MobilisationStatus.PARTIAL])
            .count()
        )
        rosters = Roster.objects.visible_to(user).exclude(status=RosterStatus.PUBLISHED).count()
        return [
            {
                "label": _("Lịch ca trực chưa ban hành"),
                "value": rosters,
                "url": reverse("staffing-roster-list"),
            },
            {
                "label": _("Đề nghị điều động đang chờ"),
                "value": open_requests,
                "url": reverse("staffing-mobilisation-list"),
                "note": _("gửi đi và nhận về"),
            },
        ]

    def load_reference(self) -> None:
        from .models import Skill

        for code, name, scarce in SKILLS:
            Skill.objects.update_or_create(code=code, defaults={"name": name, "scarce": scarce})

    def seed_demo(self, ctx: Any) -> None:
        from canhve.core.secrecy import Secrecy

        from .models import (
            Absence,
            AbsenceKind,
            MobilisationRequest,
            MobilisationStatus,
            Personnel,
            Post,
            PostAgencyRequirement,
            Qualification,
            Roster,
            Skill,
        )

        self.load_reference()
        skills = {s.code: s for s in Skill.objects.all()}
        tz = timezone.get_current_timezone()
        start = date.today() + timedelta(days=7 - date.today().weekday())  # next Monday
        people: dict[str, list[Personnel]] = {}
        n = 0
        for unit, (count, mixes, clearance) in _UNITS.items():
            for i in range(count):
                n += 1
                number = f"DEMO-{unit}-{i + 1:03d}"
                person = Personnel.objects.filter(service_number=number).first()
                if person is None:
                    name = f"{_SURNAMES[n % 12]} {_MIDDLE[(n * 5) % 8]} {_GIVEN[(n * 7) % 20]}"
                    person = Personnel.objects.create(
                        owner_agency=ctx.agencies[unit],
                        service_number=number,
                        full_name=name,
                        rank=_RANKS[(n * 3) % 5],
                        clearance=clearance,
                        secrecy=Secrecy.MAT,
                        position="Cán bộ (giả định)",
                        avoids_night=(n % 9 == 0),
                    )
                    for code in mixes[i % len(mixes)]:
                        # One qualification in each unit expires mid-roster, to show the rule at work.
                        expires = start + timedelta(days=3) if (i == 1 and code == mixes[1][0]) else None
                        Qualification.objects.create(personnel=person, skill=skills[code], expires_on=expires)
                    if i == 2:
                        Absence.objects.create(
                            personnel=person,
                            kind=AbsenceKind.LEAVE,
                            start=datetime.combine(start + timedelta(days=2), time(0), tzinfo=tz),
                            end=datetime.combine(start + timedelta(days=5), time(0), tzinfo=tz),
                            note="Nghỉ phép (giả định)",
                        )
                if unit.startswith("K01-") and unit != "K01-TM":
                    # The staff department plans for every K01 unit: the units share their rolls with it.
                    person.shared_with_agencies.add(ctx.agencies["K01-TM"])
                people.setdefault(unit, []).append(person)

        operation = _demo_operation()
        posts_spec = [
            # name, zone, skills, clearance, head count, mix (agency, n), owner
            ("Cổng chính hội trường", "Vòng ngoài", ["guard"], 1, 2, [("CATH", 1)], "K01-TM"),
            ("Sảnh đón tiếp", "Vòng trong", ["close-protection"], 2, 2, [], "K01-TM"),
            ("Phòng chờ (holding room)", "Vòng trong", ["close-protection"], 2, 1, [], "K01-TM"),
            ("Kiểm tra an ninh, an toàn (EOD)", "Vòng ngoài", ["eod"], 1, 1, [], "K01-TM"),
            ("Kiểm nghiệm thức ăn", "Bếp", ["food-testing"], 2, 1, [], "K01-TM"),
            ("Nút giao phân luồng", "Tuyến đường", ["traffic"], 0, 1, [], "K01-TM"),
        ]
        posts = []
        for name, zone, skill_codes, clearance, heads, mix, owner in posts_spec:
            post = Post.objects.filter(name=name, zone=zone, owner_agency=ctx.agencies[owner]).first()
            if post is None:
                post = Post.objects.create(
                    owner_agency=ctx.agencies[owner],
                    name=name,
                    zone=zone,
                    min_clearance=clearance,
                    head_count=heads,
                    secrecy=Secrecy.MAT,
                    operation=operation,
                )
                post.required_skills.set([skills[c] for c in skill_codes])
                for code, count in mix:
                    PostAgencyRequirement.objects.create(
                        post=post, agency=ctx.agencies[code], min_count=count
                    )
                post.shared_with_agencies.add(ctx.agencies["CATH"])
            posts.append(post)

        # Partner personnel become visible to K01 once mobilised: one request answered, one open.
        planner = ctx.users["k01.kehoach"]
        title = "Điều động cán bộ Công an tỉnh Thanh Hóa tham gia bảo vệ hội nghị (giả định)"
        if not MobilisationRequest.objects.filter(title=title).exists():
            req = MobilisationRequest.objects.create(
                owner_agency=ctx.agencies["K01-TM"],
                partner_agency=ctx.agencies["CATH"],
                title=title,
                skill=skills["guard"],
                head_count=10,
                start_date=start,
                end_date=start + timedelta(days=6),
                operation=operation,
                requested_by=planner,
                secrecy=Secrecy.MAT,
                status=MobilisationStatus.PARTIAL,
                responded_by=ctx.users["th.lienlac"],
                responded_at=timezone.now(),
                response_note="Cử 8 đồng chí; 2 đồng chí bổ sung sau (giả định).",
            )
            req.shared_with_agencies.add(ctx.agencies["CATH"])
            sent = people["CATH"][:8]
            for person in sent:  # shared before linked: the request never writes down (ADR 0107)
                person.shared_with_agencies.add(ctx.agencies["K01-TM"])
            req.provided.add(*sent)
        title = "Đề nghị Binh chủng Công binh cử tổ rà phá bom mìn (giả định)"
        if not MobilisationRequest.objects.filter(title=title).exists():
            req = MobilisationRequest.objects.create(
                owner_agency=ctx.agencies["K01-TM"],
                partner_agency=ctx.agencies["BCCB"],
                title=title,
                skill=skills["eod"],
                head_count=3,
                start_date=start,
                end_date=start + timedelta(days=6),
                operation=operation,
                requested_by=planner,
                secrecy=Secrecy.MAT,
            )
            req.shared_with_agencies.add(ctx.agencies["BCCB"])

        name = "Lịch trực bảo vệ hội nghị tại Thanh Hóa (giả định)"
        if not Roster.objects.filter(name=name).exists():
            from .services import create_shifts

            roster = Roster.objects.create(
                owner_agency=ctx.agencies["K01-TM"],
                name=name,
                start_date=start,
                days=7,
                pattern="3x8",
                time_limit=10,
                secrecy=Secrecy.MAT,
                operation=operation,
            )
            roster.posts.set(posts)
            roster.shared_with_agencies.add(ctx.agencies["CATH"])
            create_shifts(roster)
            from .tasks import solve_roster

            solve_roster(roster, planner)
        ctx.say(f"staffing: {Personnel.objects.count()} cán bộ, {Post.objects.count()} vị trí")


def _demo_operation() -> Any:
    """The operations app's first demo operation, if it has seeded one (it seeds before staffing)."""
    try:
        from canhve.operations.models import Operation
    except ImportError:  # pragma: no cover
        return None
    # The Thanh Hóa visit, which CATH and BCCB take part in: posts and requests shared with them must
    # point to an operation they see (ADR 0107).
    return (
        Operation.objects.filter(code="DEMO-TH-01").first() or Operation.objects.order_by("starts_at").first()
    )
