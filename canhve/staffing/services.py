"""Every staffing write. Keyword-only arguments with `acting_user`, one transaction, a permission check and
validation errors keyed by field (the API turns them into 422 bodies)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from canhve.accounts.models import Role
from canhve.agencies.models import Agency
from canhve.core.access import can_create_in, can_edit
from canhve.core.jobs import enqueue
from canhve.core.locking import claim_version
from canhve.core.models import Job, write_bulk_audit
from canhve.core.secrecy import Secrecy

from . import domain
from .models import (
    Absence,
    Assignment,
    AssignmentSource,
    MobilisationRequest,
    MobilisationStatus,
    Personnel,
    Post,
    PostAgencyRequirement,
    Qualification,
    Roster,
    RosterStatus,
    Shift,
    Skill,
)

SOLVE_JOB = "staffing.solve_roster"


def _check_secrecy(acting_user: Any, secrecy: int) -> None:
    if secrecy not in Secrecy.values:
        raise ValidationError({"secrecy": ["Độ mật không hợp lệ."]})
    if secrecy > acting_user.clearance:
        raise ValidationError({"secrecy": ["Không thể tạo bản ghi có độ mật cao hơn mức được tiếp cận."]})


def _require_edit(acting_user: Any, obj: Any, role: int, message: str) -> None:
    if not can_edit(acting_user, obj, role):
        raise PermissionDenied(message)


# ── Personnel ────────────────────────────────────────────────────────────────────────────────────────────
def create_personnel(
    *,
    acting_user: Any,
    owner_agency: Agency,
    full_name: str,
    service_number: str,
    rank: str = "",
    position: str = "",
    clearance: int = Secrecy.NONE,
    weekly_hours: int = 40,
    avoids_night: bool = False,
    phone: str = "",
    secrecy: int = Secrecy.MAT,
) -> Personnel:
    """Add an officer to an agency's roll. Needs planner rights in that agency."""
    if not can_create_in(acting_user, owner_agency.pk, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị quản lý cán bộ.")
    _check_secrecy(acting_user, secrecy)
    if Personnel.objects.filter(service_number=service_number).exists():
        raise ValidationError({"service_number": ["Số hiệu đã có."]})
    with transaction.atomic():
        person = Personnel(
            owner_agency=owner_agency,
            full_name=full_name,
            service_number=service_number,
            rank=rank,
            position=position,
            clearance=clearance,
            weekly_hours=weekly_hours,
            avoids_night=avoids_night,
            phone=phone,
            secrecy=secrecy,
        )
        person.full_clean()
        person.save()
    return person


def add_qualification(
    *, acting_user: Any, personnel: Personnel, skill: Skill, expires_on: date | None = None, note: str = ""
) -> Qualification:
    _require_edit(
        acting_user, personnel, Role.PLANNER, "Cần quyền cán bộ kế hoạch của đơn vị quản lý cán bộ."
    )
    with transaction.atomic():
        qualification = Qualification.objects.filter(personnel=personnel, skill=skill).first()
        if qualification is None:
            qualification = Qualification(personnel=personnel, skill=skill)
        qualification.expires_on, qualification.note = expires_on, note
        qualification.save()
    return qualification


def add_absence(
    *, acting_user: Any, personnel: Personnel, kind: str, start: datetime, end: datetime, note: str = ""
) -> Absence:
    _require_edit(
        acting_user, personnel, Role.PLANNER, "Cần quyền cán bộ kế hoạch của đơn vị quản lý cán bộ."
    )
    if end <= start:
        raise ValidationError({"end": ["Thời điểm kết thúc phải sau thời điểm bắt đầu."]})
    with transaction.atomic():
        absence = Absence(personnel=personnel, kind=kind, start=start, end=end, note=note)
        absence.full_clean()
        absence.save()
    return absence


# ── Posts ────────────────────────────────────────────────────────────────────────────────────────────────
def create_post(
    *,
    acting_user: Any,
    owner_agency: Agency,
    name: str,
    zone: str = "",
    operation: Any = None,
    site: Any = None,
    standing_duty: bool = False,
    required_skills: Sequence[Skill] = (),
    min_clearance: int = Secrecy.NONE,
    head_count: int = 1,
    agency_mix: Sequence[tuple[Agency, int]] = (),
    secrecy: int = Secrecy.MAT,
    notes: str = "",
) -> Post:
    """A post (vị trí trực) with its requirements. `agency_mix` lists (agency, minimum per shift)."""
    if not can_create_in(acting_user, owner_agency.pk, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị.")
    _check_secrecy(acting_user, secrecy)
    if sum(n for _, n in agency_mix) > head_count:
        raise ValidationError({"agency_mix": ["Tổng số tối thiểu theo đơn vị vượt quân số mỗi ca."]})
    if (
        operation is not None
        and not type(operation).objects.visible_to(acting_user).filter(pk=operation.pk).exists()
    ):
        raise ValidationError({"operation": ["Không tìm thấy nhiệm vụ."]})
    with transaction.atomic():
        post = Post(
            owner_agency=owner_agency,
            name=name,
            zone=zone,
            operation=operation,
            site=site,
            standing_duty=standing_duty,
            min_clearance=min_clearance,
            head_count=head_count,
            secrecy=secrecy,
            notes=notes,
        )
        post.full_clean()
        post.save()
        post.required_skills.set(required_skills)
        for agency, count in agency_mix:
            PostAgencyRequirement.objects.create(post=post, agency=agency, min_count=count)
    return post


# ── Rosters ──────────────────────────────────────────────────────────────────────────────────────────────
def create_roster(
    *,
    acting_user: Any,
    owner_agency: Agency,
    name: str,
    start_date: date,
    days: int,
    pattern: str,
    posts: Sequence[Post],
    operation: Any = None,
    time_limit: int = 20,
    secrecy: int = Secrecy.MAT,
) -> Roster:
    """A roster over `days` days from `start_date`, its shifts generated from the pattern (local time)."""
    if not can_create_in(acting_user, owner_agency.pk, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị.")
    _check_secrecy(acting_user, secrecy)
    if pattern not in domain.PATTERNS:
        raise ValidationError({"pattern": ["Chế độ ca không hợp lệ."]})
    visible = set(
        Post.objects.visible_to(acting_user).filter(pk__in=[p.pk for p in posts]).values_list("pk", flat=True)
    )
    if not posts or len(visible) != len({p.pk for p in posts}):
        raise ValidationError({"posts": ["Chọn ít nhất một vị trí trực mà bạn được xem."]})
    with transaction.atomic():
        roster = Roster(
            owner_agency=owner_agency,
            name=name,
            start_date=start_date,
            days=days,
            pattern=pattern,
            operation=operation,
            time_limit=time_limit,
            secrecy=secrecy,
        )
        roster.full_clean()
        roster.save()
        roster.posts.set(posts)
        create_shifts(roster)
    return roster


def create_shifts(roster: Roster) -> list[Shift]:
    """The roster's shifts from its pattern (local time), bulk-created with one summary audit row on the
    roster naming them (ADR 0108)."""
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        shifts = Shift.objects.bulk_create(
            Shift(roster=roster, start=s.start, end=s.end, label=s.label)
            for s in domain.shift_slots(roster.start_date, roster.days, roster.pattern, tz)
        )
        write_bulk_audit(obj=roster, name="shifts", created=[s.pk for s in shifts], note="tạo ca trực")
    return shifts


def request_solve(*, acting_user: Any, roster: Roster) -> Job:
    """Queue a background solve of the roster. Pinned assignments are kept; the others are replaced."""
    _require_edit(acting_user, roster, Role.PLANNER, "Cần quyền cán bộ kế hoạch của đơn vị lập lịch.")
    if roster.status == RosterStatus.PUBLISHED:
        raise ValidationError({"status": ["Lịch đã ban hành: không xếp lại."]})
    if roster.status == RosterStatus.SOLVING and roster.job and roster.job.status in ("queued", "running"):
        raise ValidationError({"status": ["Lịch đang được xếp."]})
    with transaction.atomic():
        job = enqueue(SOLVE_JOB, params={"roster_id": roster.pk}, user=acting_user)
        roster.job, roster.status = job, RosterStatus.SOLVING
        roster.save()
    return job


def publish_roster(*, acting_user: Any, roster: Roster) -> Roster:
    _require_edit(acting_user, roster, Role.COMMANDER, "Cần quyền chỉ huy để ban hành lịch trực.")
    if roster.status != RosterStatus.SOLVED:
        raise ValidationError({"status": ["Chỉ ban hành lịch đã xếp xong."]})
    if roster.result.get("violations"):
        raise ValidationError({"status": ["Lịch còn vi phạm quy tắc bắt buộc."]})
    roster.status = RosterStatus.PUBLISHED
    roster.save()
    return roster


def set_pin(
    *, acting_user: Any, assignment: Assignment, pinned: bool, expected_version: int | None = None
) -> Assignment:
    """Pin (giữ cố định) an assignment so every re-solve keeps it, or release it. `expected_version`: the
    version on the roster page the planner clicked (ADR 0105)."""
    _require_edit(
        acting_user, assignment.roster, Role.PLANNER, "Cần quyền cán bộ kế hoạch của đơn vị lập lịch."
    )
    if assignment.roster.status == RosterStatus.PUBLISHED:
        raise ValidationError({"pinned": ["Lịch đã ban hành."]})
    with transaction.atomic():
        claim_version(assignment, expected_version)
        assignment.pinned = pinned
        assignment.save()
    return assignment


def assign_manually(
    *, acting_user: Any, roster: Roster, shift: Shift, post: Post, personnel: Personnel
) -> Assignment:
    """Put a named person on a post for a shift, pinned. Refused when it would break a hard rule."""
    from .tasks import check_with_extra  # the engine's validator, on this roster plus the new row

    _require_edit(acting_user, roster, Role.PLANNER, "Cần quyền cán bộ kế hoạch của đơn vị lập lịch.")
    if roster.status == RosterStatus.PUBLISHED:
        raise ValidationError({"personnel": ["Lịch đã ban hành."]})
    if shift.roster_id != roster.pk or not roster.posts.filter(pk=post.pk).exists():
        raise ValidationError({"shift": ["Ca hoặc vị trí không thuộc lịch này."]})
    if not Personnel.objects.visible_to(acting_user).filter(pk=personnel.pk).exists():
        raise ValidationError({"personnel": ["Không tìm thấy cán bộ."]})
    problems = check_with_extra(roster, acting_user, personnel=personnel, post=post, shift=shift)
    if problems:
        raise ValidationError({"personnel": problems})
    with transaction.atomic():
        assignment = Assignment.objects.create(
            roster=roster,
            shift=shift,
            post=post,
            personnel=personnel,
            pinned=True,
            source=AssignmentSource.MANUAL,
        )
    return assignment


def remove_assignment(*, acting_user: Any, assignment: Assignment) -> None:
    _require_edit(
        acting_user, assignment.roster, Role.PLANNER, "Cần quyền cán bộ kế hoạch của đơn vị lập lịch."
    )
    if assignment.roster.status == RosterStatus.PUBLISHED:
        raise ValidationError({"pinned": ["Lịch đã ban hành."]})
    assignment.delete()


def _may_sign(acting_user: Any, assignment: Assignment) -> bool:
    return can_edit(acting_user, assignment.roster, Role.OFFICER) or (
        assignment.personnel.account_id is not None and assignment.personnel.account_id == acting_user.pk
    )


def sign_in(*, acting_user: Any, assignment: Assignment, at: datetime | None = None) -> Assignment:
    """Nhận ca: the officer (or the duty officer of the owning unit) records arrival on the post."""
    if not _may_sign(acting_user, assignment):
        raise PermissionDenied("Chỉ cán bộ được phân công hoặc trực ban đơn vị ghi nhận ca.")
    if assignment.signed_in_at is not None:
        raise ValidationError({"signed_in_at": ["Đã nhận ca."]})
    assignment.signed_in_at = at or timezone.now()
    assignment.save()
    return assignment


def sign_out(*, acting_user: Any, assignment: Assignment, at: datetime | None = None) -> Assignment:
    """Giao ca: recorded after sign-in."""
    if not _may_sign(acting_user, assignment):
        raise PermissionDenied("Chỉ cán bộ được phân công hoặc trực ban đơn vị ghi nhận ca.")
    if assignment.signed_in_at is None:
        raise ValidationError({"signed_out_at": ["Chưa nhận ca."]})
    if assignment.signed_out_at is not None:
        raise ValidationError({"signed_out_at": ["Đã giao ca."]})
    moment = at or timezone.now()
    if moment < assignment.signed_in_at:
        raise ValidationError({"signed_out_at": ["Giờ giao ca trước giờ nhận ca."]})
    assignment.signed_out_at = moment
    assignment.save()
    return assignment


# ── Mobilisation ─────────────────────────────────────────────────────────────────────────────────────────
def request_mobilisation(
    *,
    acting_user: Any,
    owner_agency: Agency,
    partner_agency: Agency,
    title: str,
    head_count: int,
    start_date: date,
    end_date: date,
    skill: Skill | None = None,
    operation: Any = None,
    roster: Roster | None = None,
    secrecy: int = Secrecy.MAT,
) -> MobilisationRequest:
    """Ask a partner agency for `head_count` officers (with `skill`) on these dates. The request is shared
    with the partner, who answers it."""
    if not can_create_in(acting_user, owner_agency.pk, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị đề nghị.")
    _check_secrecy(acting_user, secrecy)
    if partner_agency.pk in set(Agency.subtree_ids([owner_agency.pk])):
        raise ValidationError(
            {"partner_agency": ["Đơn vị được đề nghị phải là đơn vị bạn, không thuộc đơn vị đề nghị."]}
        )
    if end_date < start_date:
        raise ValidationError({"end_date": ["Ngày kết thúc trước ngày bắt đầu."]})
    if (
        operation is not None
        and not type(operation).objects.visible_to(acting_user).filter(pk=operation.pk).exists()
    ):
        raise ValidationError({"operation": ["Không tìm thấy nhiệm vụ."]})
    with transaction.atomic():
        request = MobilisationRequest(
            owner_agency=owner_agency,
            partner_agency=partner_agency,
            title=title,
            head_count=head_count,
            start_date=start_date,
            end_date=end_date,
            skill=skill,
            operation=operation,
            roster=roster,
            secrecy=secrecy,
            requested_by=acting_user,
        )
        request.full_clean()
        request.save()
        request.shared_with_agencies.add(partner_agency)
    return request


def respond_to_mobilisation(
    *,
    acting_user: Any,
    request: MobilisationRequest,
    personnel: Sequence[Personnel] = (),
    decline: bool = False,
    note: str = "",
) -> MobilisationRequest:
    """The partner answers: names the people it sends (shared with the requesting agency so they can be
    rostered) or declines. A partial answer can be topped up later."""
    if not can_create_in(acting_user, request.partner_agency_id, Role.OFFICER):
        raise PermissionDenied("Chỉ đơn vị được đề nghị trả lời.")
    if not domain.can_respond(request.status):
        raise ValidationError({"status": ["Đề nghị đã được trả lời xong hoặc đã hủy."]})
    if decline and personnel:
        raise ValidationError({"personnel": ["Từ chối thì không cử cán bộ."]})
    if decline and not note.strip():
        raise ValidationError({"response_note": ["Nêu lý do từ chối."]})
    people = list(personnel)
    if not decline:
        if not people:
            raise ValidationError({"personnel": ["Chọn cán bộ được cử."]})
        partner_ids = set(Agency.subtree_ids([request.partner_agency_id]))
        visible = set(Personnel.objects.visible_to(acting_user).values_list("pk", flat=True))
        already = set(request.provided.values_list("pk", flat=True))
        if len(already | {p.pk for p in people}) > request.head_count:
            raise ValidationError({"personnel": [f"Đề nghị chỉ cần {request.head_count} người."]})
        for person in people:
            if person.pk not in visible or person.owner_agency_id not in partner_ids:
                raise ValidationError({"personnel": [f"{person}: không thuộc đơn vị được đề nghị."]})
            if not person.is_active:
                raise ValidationError({"personnel": [f"{person}: không còn công tác."]})
            if (
                request.skill_id
                and not person.qualifications.filter(skill_id=request.skill_id)
                .exclude(expires_on__lt=request.end_date)
                .exists()
            ):
                raise ValidationError(
                    {"personnel": [f"{person}: không có chuyên môn {request.skill} còn hạn."]}
                )
    with transaction.atomic():
        provided = len(set(request.provided.values_list("pk", flat=True)) | {p.pk for p in people})
        request.status = domain.response_status(
            requested=request.head_count, provided=provided, decline=decline
        )
        request.responded_by, request.responded_at = acting_user, timezone.now()
        request.response_note = note
        request.save()
        if people:
            # Shared first, so the request never points to officers its owner cannot see (ADR 0107).
            for person in people:
                person.shared_with_agencies.add(request.owner_agency_id)
            request.provided.add(*people)
    return request


def cancel_mobilisation(*, acting_user: Any, request: MobilisationRequest) -> MobilisationRequest:
    _require_edit(acting_user, request, Role.PLANNER, "Cần quyền cán bộ kế hoạch của đơn vị đề nghị.")
    if not domain.can_cancel(request.status):
        raise ValidationError({"status": ["Không thể hủy đề nghị ở trạng thái này."]})
    request.status = MobilisationStatus.CANCELLED
    request.save()
    return request
