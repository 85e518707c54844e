"""Every write of the operations app: keyword-only, one transaction, permission check, validation.
The audit row is written by the models' save()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from canhve.accounts.models import Role
from canhve.agencies.models import Agency
from canhve.core.access import can_create_in, can_edit, role_over
from canhve.core.locking import claim_version
from canhve.core.secrecy import Secrecy
from canhve.protectees.models import Measure, Protectee

from . import domain
from .models import (
    Closure,
    ClosureKind,
    Contingency,
    Movement,
    Operation,
    OperationStatus,
    PlanStatus,
    PlanVersion,
    Stop,
    Task,
    TaskStatus,
)


def _require_edit(user: Any, op: Operation, role: int = Role.PLANNER) -> None:
    if not can_edit(user, op, role):
        raise PermissionDenied("Cần quyền của đơn vị chủ quản nhiệm vụ và mức tiếp cận bí mật phù hợp.")


def resolve_task_agency(measure: Measure, owner: Agency, participants: Sequence[Agency]) -> Agency:
    """Who carries out a measure's task: the named agency when it takes part or belongs to the owner's own
    command (the owner's parent and everything under it, e.g. another K01 department), else a
    participating agency of the measure's kind, else the owning agency."""
    if measure.lead_agency_code:
        named = Agency.objects.filter(code=measure.lead_agency_code).first()
        command = Agency.subtree_ids([owner.parent_id or owner.pk])
        if named is not None and (named in participants or named.pk in command):
            return named
    if measure.lead_agency_kind:
        for agency in participants:
            if agency.kind == measure.lead_agency_kind:
                return agency
    return owner


def generate_tasks(*, operation: Operation, acting_user: Any) -> list[Task]:
    """The checklist from the protectee category's measures in force on the operation's start date.
    Measures already on the checklist are skipped, so running it twice adds nothing."""
    _require_edit(acting_user, operation)
    if operation.protectee_id is None:
        return []
    day = timezone.localtime(operation.starts_at).date()
    participants = list(operation.shared_with_agencies.all())
    have = set(operation.tasks.exclude(measure=None).values_list("measure_id", flat=True))
    created = []
    with transaction.atomic():
        for link in operation.protectee.category.measures_on(day):
            m = link.measure
            if m.pk in have:
                continue
            created.append(
                Task.objects.create(
                    operation=operation,
                    measure=m,
                    title=m.name,
                    agency=resolve_task_agency(m, operation.owner_agency, participants),
                    offset_hours=m.offset_hours,
                    due_at=domain.task_due(operation.starts_at, m.offset_hours),
                    gate=m.gate,
                    mandatory=m.mandatory,
                )
            )
    return created


CODE_LENGTH = Operation._meta.get_field("code").max_length or 30


def next_operation_code(owner_agency: Agency, year: int) -> str:
    """The next số hiệu of the owning agency's register for `year`: "<agency code>-<year>-<NNN>". The
    server allocates it (call inside the creating transaction, which holds the agency row), so nobody
    chooses a code and learns from a refusal that an operation they may not see already has it."""
    Agency.objects.select_for_update().filter(pk=owner_agency.pk).first()
    prefix = f"{owner_agency.code[: CODE_LENGTH - 9]}-{year}-"
    taken = Operation.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    serial = max((int(c[len(prefix) :]) for c in taken if c[len(prefix) :].isdigit()), default=0) + 1
    while Operation.objects.filter(code=f"{prefix}{serial:03d}").exists():  # another agency's prefix clash
        serial += 1
    return f"{prefix}{serial:03d}"


def create_operation(
    *,
    acting_user: Any,
    owner_agency: Agency,
    code: str = "",
    name: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    secrecy: int = Secrecy.MAT,
    protectee: Protectee | None = None,
    participating_agencies: Sequence[Agency] = (),
    provinces: Sequence[Any] = (),
    summary: str = "",
) -> Operation:
    """Open an operation (tiếp nhận yêu cầu) and generate its task checklist from the protectee's measures.
    Its số hiệu is allocated by the server (`next_operation_code`); `code` is for seeding and tests only,
    no page or endpoint passes user input to it."""
    if not can_create_in(acting_user, owner_agency.pk, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị chủ quản.")
    if secrecy not in Secrecy.values:
        raise ValidationError({"secrecy": ["Độ mật không hợp lệ."]})
    if secrecy > acting_user.clearance:
        raise ValidationError({"secrecy": ["Không thể tạo nhiệm vụ có độ mật cao hơn mức được tiếp cận."]})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ["Thời gian kết thúc phải sau thời gian bắt đầu."]})
    if code and Operation.objects.filter(code=code).exists():
        raise ValidationError({"code": ["Số hiệu đã được dùng."]})
    with transaction.atomic():
        code = code or next_operation_code(owner_agency, timezone.localdate().year)
        op = Operation(
            owner_agency=owner_agency,
            code=code,
            name=name,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            secrecy=secrecy,
            protectee=protectee,
            summary=summary,
            commander=None,
        )
        op.full_clean()
        op.save()
        if participating_agencies:
            op.shared_with_agencies.set(participating_agencies)
        if provinces:
            op.provinces.set(provinces)
        generate_tasks(operation=op, acting_user=acting_user)
    return op


def change_status(*, operation: Operation, target: str, acting_user: Any, reason: str = "") -> Operation:
    """Move the operation along its life-cycle, if the rules in `domain` allow it."""
    if not can_edit(acting_user, operation, Role.OFFICER):
        raise PermissionDenied("Không có quyền với nhiệm vụ này.")
    with transaction.atomic():
        op = Operation.objects.select_for_update().get(pk=operation.pk)
        tasks = [domain.TaskState(t.title, t.status, t.mandatory, t.gate) for t in op.tasks.all()]
        verdict = domain.check_transition(
            op.status,
            target,
            role=role_over(acting_user, op),
            tasks=tasks,
            plan_statuses=list(op.plan_versions.values_list("status", flat=True)),
            cancel_reason=reason,
        )
        if not verdict.allowed:
            raise ValidationError({"status": list(verdict.reasons)})
        op.status = target
        if target == OperationStatus.CANCELLED:
            op.cancel_reason = reason
        op.save(audit_note=reason[:255])
    operation.refresh_from_db()
    return op


def require_task_edit(user: Any, task: Task) -> None:
    op = task.operation
    if can_edit(user, op, Role.PLANNER):
        return
    if (
        user.is_authenticated
        and user.clearance >= op.secrecy
        and user.role_over(task.agency_id) >= Role.OFFICER
    ) and op.is_visible_to(user):
        return
    raise PermissionDenied("Chỉ đơn vị thực hiện hoặc cán bộ kế hoạch của đơn vị chủ quản được cập nhật.")


def set_task_status(
    *,
    task: Task,
    status: str,
    acting_user: Any,
    na_reason: str = "",
    expected_version: int | None = None,
) -> Task:
    """`expected_version`: the task's version on the checklist the user looked at (ADR 0105)."""
    require_task_edit(acting_user, task)
    with transaction.atomic():
        claim_version(task, expected_version)  # first: a stale click is told what changed, not "invalid"
        verdict = domain.check_task_change(task.status, status, na_reason=na_reason)
        if not verdict.allowed:
            raise ValidationError({"status": list(verdict.reasons)})
        task.status = status
        task.na_reason = na_reason if status == TaskStatus.NOT_APPLICABLE else ""
        if status == TaskStatus.DONE:
            task.completed_at, task.completed_by = timezone.now(), acting_user
        else:
            task.completed_at, task.completed_by = None, None
        task.save()
    return task


def add_task(
    *,
    operation: Operation,
    acting_user: Any,
    title: str,
    agency: Agency,
    offset_hours: int,
    mandatory: bool = True,
    gate: str = "",
) -> Task:
    _require_edit(acting_user, operation)
    if not title.strip():
        raise ValidationError({"title": ["Cần tên nhiệm vụ."]})
    return Task.objects.create(
        operation=operation,
        title=title,
        agency=agency,
        offset_hours=offset_hours,
        mandatory=mandatory,
        gate=gate,
        due_at=domain.task_due(operation.starts_at, offset_hours),
    )


def add_stop(
    *,
    operation: Operation,
    acting_user: Any,
    site: Any,
    kind: str,
    arrive_at: dt.datetime | None = None,
    depart_at: dt.datetime | None = None,
    activity: str = "",
    order: int | None = None,
) -> Stop:
    _require_edit(acting_user, operation)
    if arrive_at and depart_at and depart_at < arrive_at:
        raise ValidationError({"depart_at": ["Giờ rời phải sau giờ đến."]})
    if order is None:
        order = (operation.stops.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return Stop.objects.create(
        operation=operation,
        site=site,
        kind=kind,
        arrive_at=arrive_at,
        depart_at=depart_at,
        activity=activity,
        order=order,
    )


def add_movement(
    *,
    operation: Operation,
    acting_user: Any,
    origin: Stop,
    destination: Stop,
    depart_at: dt.datetime,
    notes: str = "",
) -> Movement:
    _require_edit(acting_user, operation)
    if origin.operation_id != operation.pk or destination.operation_id != operation.pk:
        raise ValidationError({"origin": ["Điểm đi và điểm đến phải thuộc lịch trình của nhiệm vụ."]})
    if origin.pk == destination.pk:
        raise ValidationError({"destination": ["Điểm đến phải khác điểm đi."]})
    order = (operation.movements.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return Movement.objects.create(
        operation=operation,
        origin=origin,
        destination=destination,
        depart_at=depart_at,
        notes=notes,
        order=order,
    )


def _parse_ring(ring: Any) -> list[list[float]]:
    try:
        points = [[float(lat), float(lon)] for lat, lon in ring]
    except (TypeError, ValueError) as exc:
        raise ValidationError({"ring": ["Vùng cấm phải là danh sách điểm (vĩ độ, kinh độ)."]}) from exc
    if len(points) < 3:
        raise ValidationError({"ring": ["Vùng cấm cần ít nhất 3 điểm."]})
    if not all(-90 <= a <= 90 and -180 <= b <= 180 for a, b in points):
        raise ValidationError({"ring": ["Tọa độ ngoài phạm vi."]})
    return points


def add_closure(
    *,
    operation: Operation,
    acting_user: Any,
    name: str,
    ring: Any = None,
    streets: Sequence[str] = (),
) -> Closure:
    """Close an area (polygon of lat/lon points) or named streets for the operation."""
    _require_edit(acting_user, operation)
    streets = [s.strip() for s in streets if s and s.strip()]
    if ring:
        return Closure.objects.create(
            operation=operation, name=name, kind=ClosureKind.POLYGON, ring=_parse_ring(ring)
        )
    if streets:
        return Closure.objects.create(
            operation=operation, name=name, kind=ClosureKind.STREETS, streets=streets
        )
    raise ValidationError({"ring": ["Cần vùng cấm hoặc tên phố cấm."]})


def set_closure_active(
    *, closure: Closure, active: bool, acting_user: Any, expected_version: int | None = None
) -> Closure:
    _require_edit(acting_user, closure.operation)
    with transaction.atomic():
        claim_version(closure, expected_version)
        closure.active = active
        closure.save()
    return closure


# ---- plan versions --------------------------------------------------------------------------------------


def create_plan_version(*, operation: Operation, acting_user: Any, **texts: str) -> PlanVersion:
    """A new draft: the first, or an amendment copied from the latest version (which becomes "amended"
    when it had been issued)."""
    _require_edit(acting_user, operation)
    with transaction.atomic():
        Operation.objects.select_for_update().filter(pk=operation.pk).first()
        latest = operation.plan_versions.order_by("-number").first()
        if latest is not None and latest.status in (PlanStatus.DRAFT, PlanStatus.REVIEWED):
            raise ValidationError({"status": [f"Phiên bản {latest.number} đang dự thảo; sửa phiên bản đó."]})
        base = {f: getattr(latest, f) for f in PlanVersion.TEXT_FIELDS} if latest else {}
        base.update({k: v for k, v in texts.items() if k in PlanVersion.TEXT_FIELDS})
        plan = PlanVersion.objects.create(
            operation=operation,
            number=(latest.number + 1) if latest else 1,
            based_on=latest,
            author=acting_user,
            **base,
        )
        if latest is not None:
            for c in latest.contingencies.all():
                Contingency.objects.create(
                    plan_version=plan,
                    kind=c.kind,
                    trigger=c.trigger,
                    response=c.response,
                    agency=c.agency,
                    movement=c.movement,
                    alternate_route=c.alternate_route,
                    safe_haven=c.safe_haven,
                    safe_haven_note=c.safe_haven_note,
                )
            if latest.status == PlanStatus.ISSUED:
                latest.status = PlanStatus.AMENDED
                latest.save(audit_note=f"Sửa đổi bằng phiên bản {plan.number}")
    return plan


def update_plan_version(
    *, plan: PlanVersion, acting_user: Any, expected_version: int | None, **texts: str
) -> PlanVersion:
    """Save the plan's texts if nobody saved since the editor loaded `expected_version`: the check and
    the increment are one conditional UPDATE (ADR 0105), so of two editors of one version the second
    gets VersionConflict (409 with both versions) instead of overwriting the first."""
    _require_edit(acting_user, plan.operation)
    with transaction.atomic():
        current = PlanVersion.objects.select_for_update().get(pk=plan.pk)
        claim_version(current, expected_version)
        if not current.is_editable:
            raise ValidationError({"status": ["Chỉ sửa được phương án ở trạng thái dự thảo."]})
        for name, value in texts.items():
            if name in PlanVersion.TEXT_FIELDS:
                setattr(current, name, value)
        current.save()
    return current


def change_plan_status(*, plan: PlanVersion, target: str, acting_user: Any) -> PlanVersion:
    op = plan.operation
    if not can_edit(acting_user, op, Role.OFFICER):
        raise PermissionDenied("Không có quyền với phương án này.")
    from .models import MovementRoute
    from .selectors import plan_snapshot

    with transaction.atomic():
        fresh = PlanVersion.objects.select_for_update().get(pk=plan.pk)
        verdict = domain.check_plan_transition(fresh.status, target, role=role_over(acting_user, op))
        if not verdict.allowed:
            raise ValidationError({"status": list(verdict.reasons)})
        if target == PlanStatus.APPROVED:
            fresh.approved_by, fresh.approved_at = acting_user, timezone.now()
            # the routes in force become this version's routes
            for route in MovementRoute.objects.filter(
                movement__operation=op, current=True, plan_version=None
            ):
                route.plan_version = fresh
                route.save(update_fields=["plan_version", "updated_at"])
            fresh.snapshot = plan_snapshot(fresh)
            for older in op.plan_versions.exclude(pk=fresh.pk).filter(
                status__in=[PlanStatus.APPROVED, PlanStatus.ISSUED, PlanStatus.AMENDED]
            ):
                older.status = PlanStatus.SUPERSEDED
                older.save(audit_note=f"Thay thế bởi phiên bản {fresh.number}")
        if target == PlanStatus.ISSUED:
            fresh.issued_at = timezone.now()
        fresh.status = target
        fresh.save()  # moves `version` (Versioned): an editor of the old state gets 409
    plan.refresh_from_db()
    return fresh


def add_contingency(
    *,
    plan: PlanVersion,
    acting_user: Any,
    kind: str,
    response: str,
    agency: Agency,
    trigger: str = "",
    movement: Movement | None = None,
    alternate_route: Any = None,
    safe_haven: Any = None,
    safe_haven_note: str = "",
) -> Contingency:
    _require_edit(acting_user, plan.operation)
    if not plan.is_editable:
        raise ValidationError({"status": ["Chỉ thêm tình huống vào phương án dự thảo."]})
    if not response.strip():
        raise ValidationError({"response": ["Cần nêu cách xử lý."]})
    return Contingency.objects.create(
        plan_version=plan,
        kind=kind,
        trigger=trigger,
        response=response,
        agency=agency,
        movement=movement,
        alternate_route=alternate_route,
        safe_haven=safe_haven,
        safe_haven_note=safe_haven_note,
    )
