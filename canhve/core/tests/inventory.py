"""Every page and API read of the project, with data to show on it (ADR 0108).

`build(world)` adds one record of every kind a page lists (sites, safe points and their surveys,
operations with stops, movements, routes, closures, plans and contingencies, personnel, posts, rosters
with shifts and assignments, mobilisation requests, documents, information items, agencies and contact
points, basic surveys, protectees, criteria sets, API tokens) and `grow(world, k)` adds k more of each:
k more rows on every list, and k more children under the records the detail pages show (the operation's
stops, movements and routes, the roster's assignments, the person's qualifications…). Reference
polygons are real columns (a province and a ward with GeoJSON boundaries), so a page that loads them
is caught.

`pages(world)` and `api_reads(world)` enumerate what to request: every named URL of the project (its
arguments from the world) and every GET of the OpenAPI schema (path parameters from the world). A new
URL or endpoint with no arguments here fails `test_inventory_covers_every_page_and_endpoint`, so the
lean-queryset and query-count tests cannot silently miss it.

Growth rows are Mật: a Tối mật row a page discloses writes its own audit row by design (ADR 0108,
`record_reads`), which the base data already exercises once per list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from canhve.accounts.models import ApiToken, TokenScope
from canhve.agencies.models import Agency, AgencyKind, ContactPoint
from canhve.core.context import acting_as
from canhve.core.models import Job, JobStatus
from canhve.core.secrecy import Secrecy
from canhve.documents.models import Document, DocumentFile, DocumentType, FileKind, IncomingDocument
from canhve.exchange.models import InformationItem
from canhve.geo import lookup
from canhve.geo.models import LegacyDistrict, LegacyProvince, LegacyWard, Province, Ward
from canhve.operations.models import (
    Closure,
    Contingency,
    Movement,
    MovementRoute,
    Operation,
    PlanVersion,
    Stop,
    Task,
)
from canhve.protectees.models import Protectee, ProtecteeCategory
from canhve.sites import services as site_services
from canhve.sites.models import (
    BasicSurvey,
    CriteriaSet,
    Evidence,
    SafePoint,
    SafePointStatus,
    SafePointSurvey,
    Site,
    SiteKind,
    SurveyAnswer,
    reset_district_cache,
)
from canhve.staffing.models import (
    Absence,
    Assignment,
    MobilisationRequest,
    Personnel,
    Post,
    PostAgencyRequirement,
    Qualification,
    Roster,
    Shift,
    Skill,
)

# Hà Nội-like square boundaries, the shapes a real load carries (34 provinces, 3,321 wards).
LON0, LAT0, LON1, LAT1 = 105.70, 20.90, 106.00, 21.20


def _square(lon0: float, lat0: float, lon1: float, lat1: float, steps: int = 40) -> dict[str, Any]:
    """A square ring with `steps` points a side: a polygon of some weight, as real boundaries are."""
    ring: list[list[float]] = []
    for k in range(steps):
        ring.append([lon0 + (lon1 - lon0) * k / steps, lat0])
    for k in range(steps):
        ring.append([lon1, lat0 + (lat1 - lat0) * k / steps])
    for k in range(steps):
        ring.append([lon1 - (lon1 - lon0) * k / steps, lat1])
    for k in range(steps):
        ring.append([lon0, lat1 - (lat1 - lat0) * k / steps])
    ring.append([lon0, lat0])
    return {"type": "Polygon", "coordinates": [ring]}


def _line(i: int) -> dict[str, Any]:
    return {
        "type": "LineString",
        "coordinates": [[105.80 + 0.001 * k, 21.00 + 0.0005 * (k + i)] for k in range(60)],
    }


def _segments(i: int) -> list[dict[str, Any]]:
    return [
        {
            "street": f"Phố {i}-{k}",
            "hospital": "Bệnh viện thử",
            "hospital_s": 300 + k,
            "police": "Công an phường",
            "police_s": 120,
            "safe_haven": "Nơi trú ẩn",
            "safe_haven_s": 200,
            "geometry": _line(k),
        }
        for k in range(6)
    ]


TZ = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2030, 5, 10, 8, 0, tzinfo=TZ)


@dataclass
class Built:
    """What the pages show: the parents whose detail pages list children, and one of every kind."""

    province: Province
    ward: Ward
    legacy_province: LegacyProvince
    legacy_district: LegacyDistrict
    legacy_ward: LegacyWard
    agency: Agency
    site: Site
    point: SafePoint
    survey: SafePointSurvey
    evidence: Evidence
    cset: CriteriaSet
    basic: BasicSurvey
    op: Operation
    secret_op: Operation
    task: Task
    stop: Stop
    movement: Movement
    route: MovementRoute
    closure: Closure
    plan: PlanVersion
    category: ProtecteeCategory
    person: Personnel
    post: Post
    roster: Roster
    assignment: Assignment
    mobilisation: MobilisationRequest
    document: Document
    incoming: IncomingDocument
    job: Job
    item: InformationItem
    token: ApiToken
    skill: Skill
    doc_type: DocumentType
    units: int = 0


def _share(obj: Any, world: Any) -> Any:
    obj.shared_with_agencies.set([world.agencies["CATH"]])
    return obj


def _reference() -> tuple[Province, Ward, LegacyProvince, LegacyDistrict, LegacyWard]:
    polygon = _square(LON0, LAT0, LON1, LAT1)
    province = Province.objects.create(
        code="01",
        name="Hà Nội",
        full_name="Thành phố Hà Nội",
        geometry=polygon,
        geometry_simplified=_square(LON0, LAT0, LON1, LAT1, steps=8),
        centroid_lat=21.05,
        centroid_lon=105.85,
    )
    ward = Ward.objects.create(
        code="00001", province=province, name="Ba Đình", full_name="Phường Ba Đình", geometry=polygon
    )
    legacy_province = LegacyProvince.objects.create(code="01", name="Hà Nội (cũ)", successor=province)
    legacy_district = LegacyDistrict.objects.create(
        code="001", name="Ba Đình (cũ)", province=legacy_province, bbox=[LAT0, LON0, LAT1, LON1]
    )
    legacy_ward = LegacyWard.objects.create(
        code="00001", name="Phúc Xá", district=legacy_district, successor=ward
    )
    lookup.reset()
    reset_district_cache()
    return province, ward, legacy_province, legacy_district, legacy_ward


def _site(world: Any, i: int, **extra: Any) -> Site:
    site = Site(
        name=f"Địa điểm {i:03d}",
        kind=extra.pop("kind", SiteKind.VENUE),
        lat=21.03 + 0.0001 * i,
        lon=105.85 + 0.0001 * i,
        secrecy=extra.pop("secrecy", Secrecy.MAT),
        owner_agency=world.agencies["K01-TM"],
        notes="Ghi chú " * 20,
        **extra,
    )
    site.save()
    return _share(site, world)


def _point(world: Any, built: Built | None, i: int, cset: CriteriaSet) -> tuple[SafePoint, SafePointSurvey]:
    officer = world.users["k01_officer"]
    site = _site(world, 500 + i, kind=SiteKind.STOP_POINT)
    point = SafePoint.objects.create(
        site=site,
        owner_agency=world.agencies["K01-TM"],
        secrecy=Secrecy.MAT,
        status=SafePointStatus.APPROVED,
        resurvey_due_on=timezone.localdate() + dt.timedelta(days=10),
        score=4.0,
        gates_passed=True,
    )
    _share(point, world)
    survey = SafePointSurvey.objects.create(
        safe_point=point, criteria_set=cset, surveyor=officer, surveyed_on=timezone.localdate(), score=4.0
    )
    for criterion in cset.criteria.all():
        SurveyAnswer.objects.create(
            survey=survey,
            criterion=criterion,
            passed=True if criterion.is_gate else None,
            score=None if criterion.is_gate else 4,
        )
    point.latest_survey = survey
    point.save()
    return point, survey


def _evidence(world: Any, survey: SafePointSurvey, i: int) -> Evidence:
    return Evidence.objects.create(
        survey=survey,
        file=f"sites/evidence/anh-{i}.png",
        original_name=f"anh-{i}.png",
        content_type="image/png",
        size=72,
        sha256="0" * 64,
        uploaded_by=world.users["k01_officer"],
    )


def _operation(world: Any, built_province: Province, i: int, *, secrecy: int = Secrecy.MAT) -> Operation:
    op = Operation.objects.create(
        owner_agency=world.agencies["K01-TM"],
        code=f"T-{i:03d}" if secrecy == Secrecy.MAT else f"TM-{i:03d}",
        name=f"Nhiệm vụ thử {i}",
        kind="visit",
        starts_at=START + dt.timedelta(days=i),
        ends_at=START + dt.timedelta(days=i, hours=9),
        secrecy=secrecy,
        summary="Nội dung " * 30,
    )
    _share(op, world)
    op.provinces.set([built_province])
    return op


def _operation_children(world: Any, op: Operation, i: int) -> dict[str, Any]:
    """One more task, pair of stops, movement with a primary and an earlier route, closure and
    plan version under `op`."""
    a = world.agencies
    task = Task.objects.create(
        operation=op, title=f"Nhiệm vụ cụ thể {i}", agency=a["CATH"], due_at=START - dt.timedelta(hours=i)
    )
    first = Stop.objects.create(operation=op, order=2 * i + 1, site=_site(world, 100 + 2 * i))
    second = Stop.objects.create(operation=op, order=2 * i + 2, site=_site(world, 101 + 2 * i))
    movement = Movement.objects.create(
        operation=op, order=i, origin=first, destination=second, depart_at=START + dt.timedelta(hours=i)
    )
    routes = []
    for rank, current in ((0, True), (1, True), (0, False)):
        routes.append(
            MovementRoute.objects.create(
                movement=movement,
                rank=rank,
                chosen=rank == 0,
                current=current,
                depart_at=movement.depart_at,
                seconds=600 + i,
                meters=4000 + i,
                geometry=_line(i),
                streets=[f"Phố {i}-{k}" for k in range(6)],
                choke_points=[{"street": f"Phố {i}-1", "reasons": ["hẹp"]}],
                segments=_segments(i),
                worst_segment=2,
                closures_applied=[f"Khu {i}"],
            )
        )
    closure = Closure.objects.create(
        operation=op,
        name=f"Khu {i}",
        ring=[[21.03 + 0.001 * k, 105.84 + 0.001 * (k % 7)] for k in range(40)],
        streets=[f"Phố cấm {i}"],
    )
    return {
        "task": task,
        "stop": first,
        "movement": movement,
        "route": routes[0],
        "closure": closure,
    }


def _plan(op: Operation, number: int, *, based_on: PlanVersion | None = None) -> PlanVersion:
    plan = PlanVersion.objects.create(
        operation=op,
        number=number,
        based_on=based_on,
        objectives="Mục đích " * 40,
        organisation="Tổ chức lực lượng " * 40,
        posts="Bố trí chốt " * 40,
        snapshot={"tasks_by_agency": [], "itinerary": [{"type": "stop", "site": "x" * 400}] * 20},
    )
    return plan


def _person(world: Any, i: int, skill: Skill) -> Personnel:
    person = Personnel.objects.create(
        owner_agency=world.agencies["K01-TM"],
        full_name=f"Cán bộ {i:03d}",
        service_number=f"TM-{i:03d}",
        clearance=Secrecy.TOI_MAT,
        secrecy=Secrecy.MAT,
    )
    _share(person, world)
    Qualification.objects.create(personnel=person, skill=skill)
    return person


def _post(world: Any, i: int, skill: Skill, op: Operation, site: Site) -> Post:
    post = Post.objects.create(
        owner_agency=world.agencies["K01-TM"],
        name=f"Vị trí {i:03d}",
        zone=f"Khu {i}",
        operation=op,
        site=site,
        secrecy=Secrecy.MAT,
        head_count=2,
        notes="Ghi chú " * 20,
    )
    _share(post, world)
    post.required_skills.set([skill])
    PostAgencyRequirement.objects.create(post=post, agency=world.agencies["CATH"], min_count=1)
    return post


def _roster(world: Any, i: int, posts: list[Post], op: Operation, job: Job | None = None) -> Roster:
    roster = Roster.objects.create(
        owner_agency=world.agencies["K01-TM"],
        name=f"Lịch {i:03d}",
        operation=op,
        start_date=dt.date(2030, 5, 10),
        days=1,
        pattern="3x8",
        secrecy=Secrecy.MAT,
        job=job,
        result={"unfilled": [], "agency_shortfalls": [], "violations": [], "log": ["x" * 200] * 50},
    )
    _share(roster, world)
    roster.posts.set(posts)
    for k in range(3):
        Shift.objects.create(
            roster=roster,
            start=START + dt.timedelta(hours=8 * k),
            end=START + dt.timedelta(hours=8 * (k + 1)),
            label=f"Ca {k + 1}",
        )
    return roster


def _assign(roster: Roster, post: Post, person: Personnel, k: int) -> Assignment:
    shifts = list(roster.shifts.order_by("start"))
    return Assignment.objects.create(
        roster=roster, shift=shifts[k % len(shifts)], post=post, personnel=person
    )


def _mobilisation(world: Any, i: int, skill: Skill, op: Operation, roster: Roster) -> MobilisationRequest:
    request = MobilisationRequest.objects.create(
        owner_agency=world.agencies["K01-TM"],
        partner_agency=world.agencies["CATH"],
        title=f"Đề nghị cử cán bộ {i}",
        skill=skill,
        operation=op,
        roster=roster,
        head_count=3,
        start_date=dt.date(2030, 5, 10),
        end_date=dt.date(2030, 5, 11),
        secrecy=Secrecy.MAT,
        requested_by=world.users["k01_officer"],
        response_note="Ý kiến " * 20,
    )
    return _share(request, world)


def _document(world: Any, i: int, doc_type: DocumentType) -> Document:
    doc = Document.objects.create(
        owner_agency=world.agencies["K01-TM"],
        doc_type=doc_type,
        summary=f"Kế hoạch bảo đảm an ninh {i} (giả định)",
        secrecy=Secrecy.MAT,
        signer_title="Phó Tư lệnh",
        signer_name="Trần Văn Thử",
        recipients="Công an tỉnh Thanh Hóa\nPhòng Tham mưu",
        content=[{"type": "paragraph", "text": "Bảo đảm tuyệt đối an toàn. " * 40}] * 30,
        attachments={"map.png": "iVBORw0KGgo" + "A" * 4000},
        author=world.users["k01_officer"],
    )
    _share(doc, world)
    DocumentFile.objects.create(
        document=doc, kind=FileKind.PDF, data=b"%PDF-1.7 " + b"0" * 20000, sha256="0" * 64, for_status="draft"
    )
    return doc


def _incoming(world: Any) -> IncomingDocument:
    from pathlib import Path

    from canhve.documents.services import import_edxml

    path = (
        Path(__file__).resolve().parents[3] / "data" / "edxml" / "874e0f18-90dc-45fb-989a-65401470ba84.edxml"
    )
    record = import_edxml(None, world.agencies["K01-TM"], path.read_bytes())
    assert isinstance(record, IncomingDocument)
    return record


def _item(world: Any, i: int) -> InformationItem:
    item = InformationItem.objects.create(
        owner_agency=world.agencies["K01-TM"],
        title=f"Thông tin {i}",
        kind="notice",
        body="Nội dung trao đổi. " * 200,
        author=world.users["k01_officer"],
        secrecy=Secrecy.MAT,
    )
    return _share(item, world)


def build(world: Any) -> Built:
    """One of everything, owned by K01-TM at Mật and shared with CATH (plus one Tối mật operation)."""
    from canhve.protectees.reference import load_guard_law

    with acting_as(world.users["k01_officer"]):
        load_guard_law()
        province, ward, legacy_province, legacy_district, legacy_ward = _reference()
        site_services.load_default_criteria()
        cset = site_services.current_criteria()
        skill, _ = Skill.objects.get_or_create(code="guard", defaults={"name": "Canh gác"})
        doc_type, _ = DocumentType.objects.get_or_create(code="KH", defaults={"name": "Kế hoạch"})
        agency = Agency.objects.create(
            code="K01-TM-1", name="Đội 1", kind=AgencyKind.GUARD_UNIT, parent=world.agencies["K01-TM"]
        )
        world.agencies["K01-TM"].province = province
        world.agencies["K01-TM"].save()
        ContactPoint.objects.create(agency=world.agencies["K01-TM"], function="Trực ban 0", phone="069.0")
        site = _site(world, 0)
        point, survey = _point(world, None, 0, cset)
        evidence = _evidence(world, survey, 0)
        basic = BasicSurvey.objects.create(
            owner_agency=world.agencies["K01-TM"],
            province=province,
            title="Điều tra cơ bản Hà Nội",
            effective_from=dt.date(2025, 7, 1),
            secrecy=Secrecy.MAT,
            notes="Ghi chú " * 20,
        )
        _share(basic, world)
        op = _operation(world, province, 0)
        op.protectee = Protectee.objects.filter(active=True).first()
        op.save()
        secret_op = _operation(world, province, 0, secrecy=Secrecy.TOI_MAT)
        children = _operation_children(world, op, 0)
        plan = _plan(op, 1)
        Contingency.objects.create(
            plan_version=plan,
            kind="medical",
            response="Xử lý " * 20,
            agency=world.agencies["CATH"],
            alternate_route=children["route"],
            safe_haven=site,
        )
        person = _person(world, 0, skill)
        Absence.objects.create(personnel=person, start=START, end=START + dt.timedelta(hours=4))
        post = _post(world, 0, skill, op, site)
        job = Job.objects.create(
            kind="staffing.solve_roster",
            params={"roster_id": 0, "blob": "x" * 2000},
            status=JobStatus.DONE,
            progress=100,
            result={"log": ["x" * 200] * 20},
            created_by=world.users["k01_officer"],
        )
        roster = _roster(world, 0, [post], op, job=job)
        assignment = _assign(roster, post, person, 0)
        mobilisation = _mobilisation(world, 0, skill, op, roster)
        mobilisation.provided.set([person])
        document = _document(world, 0, doc_type)
        render_job = Job.objects.create(
            kind="documents.render",
            params={"document_id": document.pk, "kind": "pdf", "user_id": world.users["k01_commander"].pk},
            status=JobStatus.DONE,
            progress=100,
            created_by=world.users["k01_commander"],
        )
        item = _item(world, 0)
        token, _ = ApiToken.issue(user=world.users["k01_commander"], name="đọc", scope=TokenScope.READ)
    return Built(
        province=province,
        ward=ward,
        legacy_province=legacy_province,
        legacy_district=legacy_district,
        legacy_ward=legacy_ward,
        agency=agency,
        site=site,
        point=point,
        survey=survey,
        evidence=evidence,
        cset=cset,
        basic=basic,
        op=op,
        secret_op=secret_op,
        plan=plan,
        category=ProtecteeCategory.objects.order_by("order").first(),  # type: ignore[arg-type]
        person=person,
        post=post,
        roster=roster,
        assignment=assignment,
        mobilisation=mobilisation,
        document=document,
        incoming=_incoming(world),
        job=render_job,
        item=item,
        token=token,
        skill=skill,
        doc_type=doc_type,
        **children,
    )


def grow(world: Any, built: Built, k: int) -> None:
    """k more rows on every list and k more children under every parent a detail page shows."""
    with acting_as(world.users["k01_officer"]):
        for _ in range(k):
            built.units += 1
            i = built.units
            unit = Agency.objects.create(
                code=f"K01-TM-{i + 1}",
                name=f"Đội {i + 1}",
                kind=AgencyKind.GUARD_UNIT,
                parent=world.agencies["K01-TM"],
                province=built.province,
            )
            ContactPoint.objects.create(
                agency=world.agencies["K01-TM"], function=f"Trực ban {i}", phone="069"
            )
            site = _site(world, i)
            _point(world, built, i, built.cset)
            _evidence(world, built.survey, i)
            SafePointSurvey.objects.create(
                safe_point=built.point,
                criteria_set=built.cset,
                surveyor=world.users["k01_officer"],
                surveyed_on=timezone.localdate() - dt.timedelta(days=i),
            )
            BasicSurvey.objects.create(
                owner_agency=world.agencies["K01-TM"],
                legacy_province=built.legacy_province,
                title=f"Điều tra cơ bản cũ {i}",
                effective_from=dt.date(2020, 1, i),
                effective_to=dt.date(2020, 1, i),
                secrecy=Secrecy.MAT,
            )
            op = _operation(world, built.province, i)
            _operation_children(world, built.op, i)
            plan = _plan(built.op, i + 1, based_on=built.plan)
            MovementRoute.objects.create(
                movement=built.movement,
                plan_version=plan,
                current=False,
                depart_at=START,
                seconds=600,
                meters=4000,
                geometry=_line(i),
                segments=_segments(i),
                worst_segment=1,
            )
            Contingency.objects.create(
                plan_version=built.plan,
                kind="fire",
                response="Xử lý " * 20,
                agency=world.agencies["CATH"],
                alternate_route=built.route,
                safe_haven=site,
            )
            Protectee.objects.create(title=f"Chức danh thử {i}", category=built.category)
            person = _person(world, i, built.skill)
            Qualification.objects.create(
                personnel=built.person,
                skill=Skill.objects.get_or_create(code=f"skill-{i}", defaults={"name": f"Kỹ năng {i}"})[0],
            )
            Absence.objects.create(
                personnel=built.person,
                start=START + dt.timedelta(days=i),
                end=START + dt.timedelta(days=i, hours=4),
            )
            post = _post(world, i, built.skill, built.op, site)
            built.post.required_skills.add(Skill.objects.get(code=f"skill-{i}"))
            PostAgencyRequirement.objects.create(post=built.post, agency=unit)
            roster = _roster(world, i, [post], op)
            built.roster.posts.add(post)
            _assign(built.roster, post, person, i)
            _assign(built.roster, built.post, person, i + 1)
            _assign(roster, post, person, i)
            mobilisation = _mobilisation(world, i, built.skill, op, roster)
            mobilisation.provided.set([person])
            built.mobilisation.provided.add(person)
            _document(world, i, built.doc_type)
            _item(world, i)
            CriteriaSet.objects.create(
                code="safe-point-old", version=i, title=f"Bộ tiêu chí cũ {i}", is_current=False
            )
            ApiToken.issue(user=world.users["k01_commander"], name=f"token {i}", scope=TokenScope.READ)


# ---- what to request ---------------------------------------------------------------------------------

# URL arguments, from the built world. Every named URL with arguments needs an entry.
PAGE_ARGS: dict[str, Callable[[Built], dict[str, Any]]] = {
    "agency-detail": lambda b: {"code": "K01-TM"},
    "documents-from-plan": lambda b: {"plan_id": b.plan.pk},
    "documents-detail": lambda b: {"pk": b.document.pk},
    "documents-edit": lambda b: {"pk": b.document.pk},
    "documents-move": lambda b: {"pk": b.document.pk},
    "documents-correct": lambda b: {"pk": b.document.pk},
    "documents-render": lambda b: {"pk": b.document.pk},
    "documents-download": lambda b: {"pk": b.document.pk, "kind": "pdf"},
    "documents-job": lambda b: {"pk": b.job.pk},
    "documents-incoming-detail": lambda b: {"pk": b.incoming.pk},
    "documents-job-file": lambda b: {"pk": b.job.pk},
    "exchange-detail": lambda b: {"pk": b.item.pk},
    "operations-detail": lambda b: {"pk": b.op.pk},
    "operations-transition": lambda b: {"pk": b.op.pk},
    "operations-stop-add": lambda b: {"pk": b.op.pk},
    "operations-movement-add": lambda b: {"pk": b.op.pk},
    "operations-closure-add": lambda b: {"pk": b.op.pk},
    "operations-replan": lambda b: {"pk": b.op.pk},
    "operations-map": lambda b: {"pk": b.op.pk},
    "operations-map-data": lambda b: {"pk": b.op.pk},
    "operations-plan-create": lambda b: {"pk": b.op.pk},
    "operations-task-update": lambda b: {"pk": b.task.pk},
    "operations-closure-toggle": lambda b: {"pk": b.closure.pk},
    "operations-movement": lambda b: {"pk": b.movement.pk},
    "operations-route-choose": lambda b: {"pk": b.route.pk},
    "operations-plan": lambda b: {"pk": b.plan.pk},
    "operations-plan-transition": lambda b: {"pk": b.plan.pk},
    "operations-contingency-add": lambda b: {"pk": b.plan.pk},
    "operations-plan-diff": lambda b: {"pk": b.plan.pk},
    "protectees-category": lambda b: {"code": b.category.code},
    "sites-detail": lambda b: {"pk": b.site.pk},
    "sites-edit": lambda b: {"pk": b.site.pk},
    "sites-safepoint-create": lambda b: {"site_pk": b.site.pk},
    "sites-safepoint-detail": lambda b: {"pk": b.point.pk},
    "sites-safepoint-survey": lambda b: {"pk": b.point.pk},
    "sites-safepoint-approve": lambda b: {"pk": b.point.pk},
    "sites-safepoint-status": lambda b: {"pk": b.point.pk},
    "sites-survey-detail": lambda b: {"pk": b.survey.pk},
    "sites-evidence-add": lambda b: {"pk": b.survey.pk},
    "sites-evidence": lambda b: {"pk": b.evidence.pk},
    "sites-criteria-detail": lambda b: {"pk": b.cset.pk},
    "sites-basic-detail": lambda b: {"pk": b.basic.pk},
    "sites-basic-check": lambda b: {"pk": b.basic.pk},
    "staffing-roster-detail": lambda b: {"pk": b.roster.pk},
    "staffing-roster-solve": lambda b: {"pk": b.roster.pk},
    "staffing-roster-progress": lambda b: {"pk": b.roster.pk},
    "staffing-roster-publish": lambda b: {"pk": b.roster.pk},
    "staffing-assignment-add": lambda b: {"pk": b.roster.pk},
    "staffing-assignment-pin": lambda b: {"pk": b.assignment.pk},
    "staffing-assignment-remove": lambda b: {"pk": b.assignment.pk},
    "staffing-assignment-sign": lambda b: {"pk": b.assignment.pk},
    "staffing-personnel-detail": lambda b: {"pk": b.person.pk},
    "staffing-qualification-add": lambda b: {"pk": b.person.pk},
    "staffing-absence-add": lambda b: {"pk": b.person.pk},
    "staffing-post-detail": lambda b: {"pk": b.post.pk},
    "staffing-mobilisation-detail": lambda b: {"pk": b.mobilisation.pk},
    "staffing-mobilisation-respond": lambda b: {"pk": b.mobilisation.pk},
    "staffing-mobilisation-cancel": lambda b: {"pk": b.mobilisation.pk},
    "staffing-operation": lambda b: {"operation_id": b.op.pk},
    "token-revoke": lambda b: {"pk": b.token.pk},
}

# Pages not requested, each with the reason.
SKIPPED_PAGES: dict[str, str] = {
    "set_language": "POST only (Django's i18n view)",
    "logout": "would end the session the next pages use",
    "login": "a signed-in user is redirected",
    "otp-verify": "a verified session is redirected",
    "otp-enrol": "a verified session is redirected",
    "documents-download": "answers the file itself: loads the blob by design",
    "documents-job-file": "answers the file itself: loads the blob by design",
    "sites-evidence": "answers the file itself",
}
# Pages only an auditor may open; requested as the auditor persona.
AUDITOR_PAGES = frozenset({"audit-log"})

# GET endpoints with path parameters: the parameters, from the built world.
API_ARGS: dict[str, Callable[[Built], dict[str, Any]]] = {
    "/api/agencies/agencies/{code}": lambda b: {"code": "K01-TM"},
    "/api/documents/documents/{doc_id}": lambda b: {"doc_id": b.document.pk},
    "/api/exchange/items/{item_id}": lambda b: {"item_id": b.item.pk},
    "/api/geo/provinces/{code}": lambda b: {"code": b.province.code},
    "/api/geo/wards/{code}": lambda b: {"code": b.ward.code},
    "/api/geo/legacy/{level}/{code}": lambda b: {"level": "ward", "code": b.legacy_ward.code},
    "/api/operations/operations/{op_id}": lambda b: {"op_id": b.op.pk},
    "/api/operations/operations/{op_id}/tasks": lambda b: {"op_id": b.op.pk},
    "/api/operations/operations/{op_id}/routes": lambda b: {"op_id": b.op.pk},
    "/api/operations/plans/{plan_id}": lambda b: {"plan_id": b.plan.pk},
    "/api/operations/plans/{plan_id}/content": lambda b: {"plan_id": b.plan.pk},
    "/api/protectees/categories/{code}": lambda b: {"code": b.category.code},
    "/api/sites/sites/{site_id}": lambda b: {"site_id": b.site.pk},
    "/api/sites/safe-points/{point_id}": lambda b: {"point_id": b.point.pk},
    "/api/staffing/personnel/{personnel_id}": lambda b: {"personnel_id": b.person.pk},
    "/api/staffing/posts/{post_id}": lambda b: {"post_id": b.post.pk},
    "/api/staffing/rosters/{roster_id}": lambda b: {"roster_id": b.roster.pk},
    "/api/staffing/rosters/{roster_id}/assignments": lambda b: {"roster_id": b.roster.pk},
    "/api/staffing/rosters/{roster_id}/job": lambda b: {"roster_id": b.roster.pk},
    "/api/staffing/mobilisations/{request_id}": lambda b: {"request_id": b.mobilisation.pk},
}
SKIPPED_API: dict[str, str] = {
    "/api/documents/documents/{doc_id}/file/{kind}": "answers the file itself: loads the blob by design",
}
API_QUERY: dict[str, dict[str, str]] = {"/api/geo/locate": {"lat": "21.03", "lon": "105.85"}}
PAGE_QUERY: dict[str, dict[str, str]] = {"operations-map-roads": {"bbox": "21.02,105.83,21.04,105.86"}}
AUDITOR_API = frozenset({"/api/core/audit"})


@dataclass(frozen=True)
class Read:
    """One GET to make: its key (URL name or schema path), the URL, query and persona."""

    key: str
    url: str
    query: dict[str, str]
    persona: str


def url_names() -> dict[str, list[str]]:
    """Every named URL outside the admin and the API, with its argument names."""
    names: dict[str, list[str]] = {}

    def walk(resolver: URLResolver, namespace: str = "") -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns not in ("admin", "api"):
                    walk(p, ns)
            elif isinstance(p, URLPattern) and p.name and namespace not in ("admin", "api"):
                names.setdefault(p.name, list(p.pattern.converters))

    walk(get_resolver())
    return names


def api_get_paths() -> list[str]:
    from canhve.api import api

    schema = api.get_openapi_schema()
    return [path for path, ops in schema["paths"].items() if "get" in ops]


def pages(built: Built) -> list[Read]:
    reads = []
    for name in sorted(url_names()):
        if name in SKIPPED_PAGES:
            continue
        kwargs = PAGE_ARGS[name](built) if name in PAGE_ARGS else None
        persona = "auditor" if name in AUDITOR_PAGES else "k01_commander"
        reads.append(Read(name, reverse(name, kwargs=kwargs), PAGE_QUERY.get(name, {}), persona))
    return reads


def api_reads(built: Built) -> list[Read]:
    reads = []
    for path in api_get_paths():
        if path in SKIPPED_API:
            continue
        url = path.format(**API_ARGS[path](built)) if "{" in path else path
        persona = "auditor" if path in AUDITOR_API else "k01_commander"
        reads.append(Read(path, url, API_QUERY.get(path, {}), persona))
    return reads


def everything(built: Built) -> list[Read]:
    return pages(built) + api_reads(built)
