from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from canhve.apikit import PAGE_SIZE, AuditedPagination
from canhve.core.locking import ConflictOut, VersionConflict, api_conflict

from .models import Operation, PlanVersion, Task
from .selectors import get_operation, get_plan_version, operations_visible_to
from .services import change_status, update_plan_version

router = Router()


class OperationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    status: str
    secrecy: int
    owner_agency_id: int
    protectee_id: int | None
    starts_at: datetime
    ends_at: datetime
    participating_agency_ids: list[int]

    @staticmethod
    def resolve_participating_agency_ids(obj: Operation) -> list[int]:
        return [a.pk for a in obj.shared_with_agencies.all()]


class TaskOut(Schema):
    id: int
    title: str
    agency_id: int
    due_at: datetime
    offset_hours: int
    status: str
    mandatory: bool
    gate: str
    na_reason: str


class RouteOut(Schema):
    id: int
    movement_id: int
    rank: int
    chosen: bool
    seconds: float
    meters: float
    streets: list[str]
    choke_points: list[dict]
    worst_segment: int | None
    geometry: dict
    plan_version_id: int | None


class PlanOut(Schema):
    id: int
    operation_id: int
    number: int
    status: str
    version: int
    objectives: str
    organisation: str
    posts: str
    communications: str
    medical: str
    notes: str


class PlanIn(Schema):
    expected_version: int = Field(
        ..., description="The `version` you read with the plan; a stale one gets 409 with both versions."
    )
    objectives: str | None = None
    organisation: str | None = None
    posts: str | None = None
    communications: str | None = None
    medical: str | None = None
    notes: str | None = None


class TransitionIn(Schema):
    target: str
    reason: str = ""


class OperationFilter(FilterSchema):
    status: str | None = None
    kind: str | None = None
    q: str | None = Field(None, q=["name__icontains", "code__icontains"])


@router.get("/operations", response=list[OperationOut], summary="Operations visible to the caller")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_operations(request: HttpRequest, filters: Query[OperationFilter]) -> QuerySet[Operation]:
    return filters.filter(operations_visible_to(request.user).prefetch_related("shared_with_agencies"))


@router.get("/operations/{op_id}", response=OperationOut)
def get_one(request: HttpRequest, op_id: int) -> Operation:
    return get_operation(request.user, op_id)


@router.get("/operations/{op_id}/tasks", response=list[TaskOut])
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_tasks(request: HttpRequest, op_id: int) -> QuerySet[Task]:
    return get_operation(request.user, op_id).tasks.all()


@router.get("/operations/{op_id}/routes", response=list[RouteOut], summary="Current routes of every movement")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_routes(request: HttpRequest, op_id: int):
    from .models import MovementRoute

    op = get_operation(request.user, op_id)
    # RouteOut has the line and the choke points, not the segments or the closures applied (ADR 0108).
    return MovementRoute.objects.filter(movement__operation=op, current=True).defer(
        "segments", "closures_applied"
    )


@router.post("/operations/{op_id}/transition", response=OperationOut, summary="Move along the life-cycle")
def post_transition(request: HttpRequest, op_id: int, payload: TransitionIn) -> Operation:
    op = get_operation(request.user, op_id)
    return change_status(operation=op, target=payload.target, acting_user=request.user, reason=payload.reason)


@router.get("/plans/{plan_id}", response=PlanOut)
def get_plan(request: HttpRequest, plan_id: int) -> PlanVersion:
    return get_plan_version(request.user, plan_id, defer=("snapshot",))


@router.get("/plans/{plan_id}/content", summary="The plan's contents as the documents app reads them")
def get_plan_content(request: HttpRequest, plan_id: int) -> dict:
    return get_plan_version(request.user, plan_id).as_document_content(request.user)


@router.patch(
    "/plans/{plan_id}",
    response={200: PlanOut, 409: ConflictOut},
    summary="Edit a draft plan (optimistic locking: a stale expected_version gets 409)",
)
def patch_plan(request: HttpRequest, plan_id: int, payload: PlanIn) -> Any:
    plan = get_plan_version(request.user, plan_id)
    texts = {k: v for k, v in payload.dict().items() if k != "expected_version" and v is not None}
    try:
        return 200, update_plan_version(
            plan=plan, acting_user=request.user, expected_version=payload.expected_version, **texts
        )
    except VersionConflict as conflict:
        return api_conflict(conflict, payload, PlanOut)
