from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from canhve.accounts.models import Role
from canhve.agencies.models import Agency
from canhve.apikit import PAGE_SIZE, AuditedPagination, DbInt
from canhve.core.access import can_create_in, get_visible_or_404

from . import services
from .models import Assignment, MobilisationRequest, Personnel, Post, Roster, Skill

router = Router()


class QualificationOut(Schema):
    skill: str = Field(..., alias="skill.code")
    expires_on: date | None


class PersonnelOut(Schema):
    id: int
    full_name: str
    service_number: str
    rank: str
    owner_agency_id: int
    clearance: int
    secrecy: int
    weekly_hours: int
    is_active: bool
    qualifications: list[QualificationOut]

    @staticmethod
    def resolve_qualifications(obj: Personnel) -> list[Any]:
        return list(obj.qualifications.all())


class PostOut(Schema):
    id: int
    name: str
    zone: str
    operation_id: int | None
    site_id: int | None
    owner_agency_id: int
    secrecy: int
    min_clearance: int
    head_count: int
    required_skills: list[str]
    agency_mix: list[dict[str, Any]]

    @staticmethod
    def resolve_required_skills(obj: Post) -> list[str]:
        return [s.code for s in obj.required_skills.all()]

    @staticmethod
    def resolve_agency_mix(obj: Post) -> list[dict[str, Any]]:
        return [{"agency": m.agency.code, "min_count": m.min_count} for m in obj.agency_mix.all()]


class RosterOut(Schema):
    id: int
    name: str
    operation_id: int | None
    owner_agency_id: int
    secrecy: int
    start_date: date
    days: int
    pattern: str
    status: str
    time_limit: int
    solved_at: datetime | None
    post_ids: list[int]
    result: dict[str, Any]

    @staticmethod
    def resolve_post_ids(obj: Roster) -> list[int]:
        return [p.pk for p in obj.posts.all()]


class AssignmentOut(Schema):
    id: int
    shift_id: int
    shift_start: datetime = Field(..., alias="shift.start")
    shift_end: datetime = Field(..., alias="shift.end")
    post_id: int
    personnel_id: int
    pinned: bool
    source: str
    signed_in_at: datetime | None
    signed_out_at: datetime | None


class JobOut(Schema):
    id: int
    status: str
    progress: int
    message: str


class MobilisationOut(Schema):
    id: int
    title: str
    owner_agency_id: int
    partner_agency_id: int
    operation_id: int | None
    skill: str | None = Field(None, alias="skill.code")
    head_count: int
    start_date: date
    end_date: date
    status: str
    secrecy: int
    response_note: str
    provided_ids: list[int]

    @staticmethod
    def resolve_provided_ids(obj: MobilisationRequest) -> list[int]:
        return [p.pk for p in obj.provided.all()]


class MobilisationIn(Schema):
    owner_agency_code: str
    partner_agency_code: str
    title: str = Field(..., min_length=3, max_length=200)
    skill_code: str | None = None
    head_count: int = Field(..., ge=1, le=500)
    start_date: date
    end_date: date
    operation_id: DbInt | None = None
    roster_id: DbInt | None = None
    secrecy: int = Field(1, ge=0, le=3)


class RespondIn(Schema):
    personnel_ids: list[DbInt] = []
    decline: bool = False
    note: str = ""


class PinIn(Schema):
    pinned: bool


# ── Personnel and posts ──────────────────────────────────────────────────────────────────────────────────
@router.get("/personnel", response=list[PersonnelOut], summary="Personnel visible to the caller")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_personnel(request: HttpRequest, skill: str | None = None) -> QuerySet[Personnel]:
    qs = Personnel.objects.visible_to(request.user).prefetch_related("qualifications__skill")
    if skill:
        qs = qs.filter(qualifications__skill__code=skill).distinct()
    return qs


@router.get("/personnel/{personnel_id}", response=PersonnelOut)
def get_personnel(request: HttpRequest, personnel_id: int) -> Personnel:
    return get_visible_or_404(
        Personnel.objects.prefetch_related("qualifications__skill"), request.user, pk=personnel_id
    )


@router.get("/posts", response=list[PostOut], summary="Posts visible to the caller")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_posts(request: HttpRequest, operation_id: DbInt | None = None) -> QuerySet[Post]:
    qs = Post.objects.visible_to(request.user).prefetch_related("required_skills", "agency_mix__agency")
    return qs.filter(operation_id=operation_id) if operation_id else qs


@router.get("/posts/{post_id}", response=PostOut)
def get_post(request: HttpRequest, post_id: int) -> Post:
    return get_visible_or_404(
        Post.objects.prefetch_related("required_skills", "agency_mix__agency"), request.user, pk=post_id
    )


# ── Rosters ──────────────────────────────────────────────────────────────────────────────────────────────
@router.get("/rosters", response=list[RosterOut], summary="Rosters visible to the caller")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_rosters(request: HttpRequest) -> QuerySet[Roster]:
    return Roster.objects.visible_to(request.user).prefetch_related("posts")


@router.get("/rosters/{roster_id}", response=RosterOut, summary="A roster with its last solve's result")
def get_roster(request: HttpRequest, roster_id: int) -> Roster:
    return get_visible_or_404(Roster, request.user, pk=roster_id)


@router.get("/rosters/{roster_id}/assignments", response=list[AssignmentOut])
@paginate(AuditedPagination, page_size=PAGE_SIZE * 10)
def list_assignments(request: HttpRequest, roster_id: int) -> QuerySet[Assignment]:
    roster = get_visible_or_404(Roster.objects.defer("result"), request.user, pk=roster_id)
    return roster.assignments.select_related("shift").order_by("shift__start", "post_id", "pk")


@router.post("/rosters/{roster_id}/solve", response={202: JobOut}, summary="Queue a background solve")
def solve_roster(request: HttpRequest, roster_id: int) -> tuple[int, Any]:
    roster = get_visible_or_404(Roster.objects.select_related("job"), request.user, pk=roster_id)
    return 202, services.request_solve(acting_user=request.user, roster=roster)


@router.get("/rosters/{roster_id}/job", response=JobOut, summary="Progress of the roster's last solve")
def roster_job(request: HttpRequest, roster_id: int) -> Any:
    roster = get_visible_or_404(
        Roster.objects.select_related("job").defer("result", "job__params", "job__result"),
        request.user,
        pk=roster_id,
    )
    if roster.job is None:
        raise Http404("Chưa xếp ca.")
    return roster.job


@router.post(
    "/assignments/{assignment_id}/pin", response=AssignmentOut, summary="Pin or release an assignment"
)
def pin_assignment(request: HttpRequest, assignment_id: int, payload: PinIn) -> Assignment:
    assignment = (
        Assignment.objects.filter(
            pk=assignment_id, roster__in=Roster.objects.visible_to(request.user).values("pk")
        )
        .select_related("roster", "shift")
        .first()
    )
    if assignment is None:
        raise Http404
    return services.set_pin(acting_user=request.user, assignment=assignment, pinned=payload.pinned)


# ── Mobilisation ─────────────────────────────────────────────────────────────────────────────────────────
@router.get(
    "/mobilisations", response=list[MobilisationOut], summary="Mobilisation requests sent or received"
)
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_mobilisations(request: HttpRequest) -> QuerySet[MobilisationRequest]:
    return (
        MobilisationRequest.objects.visible_to(request.user)
        .select_related("skill")
        .prefetch_related("provided")
    )


@router.get("/mobilisations/{request_id}", response=MobilisationOut)
def get_mobilisation(request: HttpRequest, request_id: int) -> MobilisationRequest:
    return get_visible_or_404(
        MobilisationRequest.objects.select_related("skill"), request.user, pk=request_id
    )


@router.post("/mobilisations", response={201: MobilisationOut}, summary="Ask a partner agency for officers")
def post_mobilisation(request: HttpRequest, payload: MobilisationIn) -> tuple[int, MobilisationRequest]:
    codes = [payload.owner_agency_code, payload.partner_agency_code]
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    for field, code in (("owner_agency_code", codes[0]), ("partner_agency_code", codes[1])):
        if code not in agencies:
            raise ValidationError({field: [f"Không có đơn vị mã: {code}."]})
    skill = None
    if payload.skill_code:
        skill = Skill.objects.filter(code=payload.skill_code).first()
        if skill is None:
            raise ValidationError({"skill_code": [f"Không có chuyên môn mã: {payload.skill_code}."]})
    operation = roster = None
    if payload.operation_id:
        from canhve.operations.models import Operation

        operation = Operation.objects.visible_to(request.user).filter(pk=payload.operation_id).first()
        if operation is None:
            raise ValidationError({"operation_id": ["Không tìm thấy nhiệm vụ."]})
    if payload.roster_id:
        roster = Roster.objects.visible_to(request.user).filter(pk=payload.roster_id).first()
        if roster is None:
            raise ValidationError({"roster_id": ["Không tìm thấy lịch ca trực."]})
    item = services.request_mobilisation(
        acting_user=request.user,
        owner_agency=agencies[codes[0]],
        partner_agency=agencies[codes[1]],
        title=payload.title,
        head_count=payload.head_count,
        start_date=payload.start_date,
        end_date=payload.end_date,
        skill=skill,
        operation=operation,
        roster=roster,
        secrecy=payload.secrecy,
    )
    return 201, item


@router.post(
    "/mobilisations/{request_id}/respond", response=MobilisationOut, summary="Answer with people or decline"
)
def respond_mobilisation(request: HttpRequest, request_id: int, payload: RespondIn) -> MobilisationRequest:
    item = get_visible_or_404(MobilisationRequest, request.user, pk=request_id)
    if not can_create_in(request.user, item.partner_agency_id, Role.OFFICER):
        raise PermissionDenied("Chỉ đơn vị được đề nghị trả lời.")
    people = list(Personnel.objects.visible_to(request.user).filter(pk__in=payload.personnel_ids))
    if len(people) != len(set(payload.personnel_ids)):
        raise ValidationError({"personnel_ids": ["Có cán bộ không tìm thấy."]})
    return services.respond_to_mobilisation(
        acting_user=request.user, request=item, personnel=people, decline=payload.decline, note=payload.note
    )
