"""Rows → roster engine → rows. Loads a roster's posts, shifts and the people the planner may roster into
the engine's dataclasses, runs `solve` as a background job with progress, and stores the result.

Ids in the engine are the row pks with a prefix: officer "o12", post "p3", shift "s40".
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from canhve.agencies.models import Agency
from canhve.core.jobs import JobRefused, Progress, job_handler
from canhve.core.models import AuditAction, Job, write_audit, write_bulk_audit
from canhve.engines import rostering as engine

from .models import (
    Absence,
    Assignment,
    AssignmentSource,
    Personnel,
    Post,
    Qualification,
    Roster,
    RosterStatus,
    Shift,
)
from .services import SOLVE_JOB

NIGHT_START_HOUR = 22


def _oid(pk: int) -> str:
    return f"o{pk}"


def _pk(engine_id: str) -> int:
    return int(engine_id[1:])


def _end_of_day(day: Any) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def pool_for(roster: Roster, user: Any) -> list[Personnel]:
    """The people `user` may roster: active personnel visible to them (own units and mobilised partners)."""
    return list(
        Personnel.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("owner_agency")
        .prefetch_related(
            Prefetch("qualifications", queryset=Qualification.objects.select_related("skill")),
            Prefetch(
                "absences",
                queryset=Absence.objects.filter(end__gt=_window(roster)[0], start__lt=_window(roster)[1]),
            ),
        )
    )


def _window(roster: Roster) -> tuple[datetime, datetime]:
    start = datetime.combine(roster.start_date, time(0), tzinfo=timezone.get_current_timezone())
    return start - timedelta(days=1), start + timedelta(days=roster.days + 2)


def build_problem(
    roster: Roster, user: Any, *, extra_pins: tuple[engine.Assignment, ...] = ()
) -> engine.RosterProblem:
    posts = list(
        roster.posts.filter(is_active=True)
        .prefetch_related("required_skills", "agency_mix__agency")
        .order_by("pk")
    )
    shifts = list(roster.shifts.order_by("start"))
    people = pool_for(roster, user)

    # Agency mix: an officer counts for a required agency when their unit is that agency or below it.
    required = {row.agency_id: row.agency.code for post in posts for row in post.agency_mix.all()}
    subtrees = {agency_id: set(Agency.subtree_ids([agency_id])) for agency_id in required}

    def agency_code(person: Personnel) -> str:
        holders = [a for a, tree in subtrees.items() if person.owner_agency_id in tree]
        # The most specific required agency (smallest subtree) wins.
        return required[min(holders, key=lambda a: len(subtrees[a]))] if holders else person.owner_agency.code

    # Time already committed on other rosters counts as unavailable here.
    low, high = _window(roster)
    busy: dict[int, list[engine.Interval]] = defaultdict(list)
    for personnel_id, start, end in (
        Assignment.objects.filter(personnel__in=people, shift__end__gt=low, shift__start__lt=high)
        .exclude(roster=roster)
        .values_list("personnel_id", "shift__start", "shift__end")
    ):
        busy[personnel_id].append(engine.Interval(start, end))

    officers = tuple(
        engine.Officer(
            id=_oid(p.pk),
            agency=agency_code(p),
            rank=p.rank,
            skills=tuple(
                engine.Skill(q.skill.code, _end_of_day(q.expires_on) if q.expires_on else None)
                for q in p.qualifications.all()
            ),
            clearance=p.clearance,
            unavailable=tuple(engine.Interval(a.start, a.end) for a in p.absences.all()) + tuple(busy[p.pk]),
            weekly_cap=timedelta(hours=p.weekly_hours),
            preferences=(engine.Preference(weight=-2, start_hour=NIGHT_START_HOUR),)
            if p.avoids_night
            else (),
        )
        for p in people
    )
    engine_posts = tuple(
        engine.Post(
            id=f"p{post.pk}",
            name=post.name,
            required_skills=frozenset(s.code for s in post.required_skills.all()),
            min_clearance=post.min_clearance,
            agency_mix=tuple(
                engine.AgencyRequirement(row.agency.code, row.min_count) for row in post.agency_mix.all()
            ),
        )
        for post in posts
    )
    engine_shifts = tuple(
        engine.Shift(f"s{s.pk}", timezone.localtime(s.start), timezone.localtime(s.end)) for s in shifts
    )
    demands = tuple(
        engine.Demand(f"p{post.pk}", f"s{s.pk}", post.head_count) for post in posts for s in shifts
    )
    pins = tuple(
        engine.Assignment(_oid(a.personnel_id), f"p{a.post_id}", f"s{a.shift_id}")
        for a in roster.assignments.filter(pinned=True)
    )
    return engine.RosterProblem(
        officers=officers,
        posts=engine_posts,
        shifts=engine_shifts,
        demands=demands,
        pins=pins + extra_pins,
        week_origin=engine_shifts[0].start if engine_shifts else None,
    )


def stored_assignments(roster: Roster) -> tuple[engine.Assignment, ...]:
    return tuple(
        engine.Assignment(_oid(o), f"p{p}", f"s{s}")
        for o, p, s in roster.assignments.values_list("personnel_id", "post_id", "shift_id")
    )


def check_stored(roster: Roster, user: Any) -> tuple[engine.Violation, ...]:
    """The engine's independent hard-rule check of the roster as stored (hand edits included)."""
    return engine.check_roster(build_problem(roster, user), stored_assignments(roster))


def check_with_extra(
    roster: Roster, user: Any, *, personnel: Personnel, post: Post, shift: Shift
) -> list[str]:
    """Hard rules broken if `personnel` were added on `post` for `shift` (messages for the planner)."""
    problem = build_problem(roster, user)
    extra = engine.Assignment(_oid(personnel.pk), f"p{post.pk}", f"s{shift.pk}")
    violations = engine.check_roster(problem, (*stored_assignments(roster), extra))
    mine = [
        v
        for v in violations
        if v.officer_id == extra.officer_id or (v.post_id, v.shift_id) == (extra.post_id, extra.shift_id)
    ]
    return [f"{RULE_LABELS.get(str(v.rule), v.rule)}: {v.detail}" for v in mine]


RULE_LABELS = {
    "unknown_reference": "Không thuộc lịch hoặc không được xem",
    "no_demand": "Vị trí không trực ca này",
    "duplicate": "Trùng phân công",
    "skill": "Thiếu chuyên môn",
    "clearance": "Không đủ mức tiếp cận bí mật",
    "availability": "Vắng mặt hoặc bận lịch khác",
    "overlap": "Trùng ca",
    "rest": "Không đủ 10 giờ nghỉ giữa hai ca",
    "weekly_cap": "Vượt giờ trực tối đa trong tuần",
    "head_count": "Vượt quân số của vị trí",
    "pin_missing": "Mất phân công cố định",
}


def solution_payload(solution: engine.RosterSolution) -> dict[str, Any]:
    """The JSON the roster keeps of its last solve (ids already mapped to pks)."""
    o = solution.objective
    return {
        "complete": solution.is_complete,
        "objective": {
            "total": o.total,
            "unfilled": o.unfilled,
            "agency_shortfall": o.agency_shortfall,
            "night_pairs": o.night_pairs,
            "weekend_pairs": o.weekend_pairs,
            "extra_posts": o.extra_posts,
            "preference": o.preference,
        },
        "stats": {
            "method": solution.stats.method,
            "seconds": solution.stats.seconds,
            "first_complete_seconds": solution.stats.first_complete_seconds,
            "iterations": solution.stats.iterations,
        },
        "unfilled": [
            {
                "post": _pk(u.post_id),
                "shift": _pk(u.shift_id),
                "missing": u.missing_count,
                "reasons": [{"code": str(r.code), "detail": r.detail} for r in u.reasons],
            }
            for u in solution.unfilled
        ],
        "agency_shortfalls": [
            {"post": _pk(a.post_id), "shift": _pk(a.shift_id), "agency": a.agency, "missing": a.missing_count}
            for a in solution.agency_shortfalls
        ],
        "violations": [{"rule": str(v.rule), "detail": v.detail} for v in solution.violations],
    }


def _store(roster: Roster, problem: engine.RosterProblem, solution: engine.RosterSolution) -> None:
    """Replace the solver's rows (inside the caller's transaction); pinned rows are the engine's pins."""
    pinned = set(problem.pins)
    replaced = list(
        roster.assignments.filter(pinned=False).values_list("pk", "personnel_id", "post_id", "shift_id")
    )
    roster.assignments.filter(pinned=False).delete()
    created = Assignment.objects.bulk_create(
        Assignment(
            roster=roster,
            personnel_id=_pk(a.officer_id),
            post_id=_pk(a.post_id),
            shift_id=_pk(a.shift_id),
            source=AssignmentSource.SOLVER,
        )
        for a in solution.assignments
        if a not in pinned
    )
    # A bulk replace writes no per-row audit: one summary row on the roster (in its compartment) names
    # every assignment removed [id, personnel, post, shift] and every one created (ADR 0108).
    write_bulk_audit(
        obj=roster,
        name="assignments",
        deleted=[list(row) for row in replaced],
        created=[[a.pk, a.personnel_id, a.post_id, a.shift_id] for a in created],
        note="xếp lịch",
    )


def solve_roster(roster: Roster, user: Any, progress: Progress | None = None) -> dict[str, Any]:
    """Solve and store: pinned rows stay, solver rows are replaced. Returns the stored payload."""
    report = progress or (lambda percent, message="": None)
    report(2, "Đang nạp dữ liệu")
    problem = build_problem(roster, user)
    solution: engine.RosterSolution | None = None
    if not problem.shifts or not problem.posts:
        payload: dict[str, Any] = {"complete": False, "error": "Lịch chưa có vị trí hoặc ca trực."}
    else:
        try:
            solution = engine.solve(
                problem,
                time_limit=float(roster.time_limit),
                on_progress=lambda fraction, message: report(
                    5 + int(fraction * 90), f"Đang xếp ca ({message})"
                ),
            )
        except engine.PinError as exc:
            payload = {
                "complete": False,
                "error": "Phân công cố định vi phạm quy tắc: " + "; ".join(exc.problems),
            }
        else:
            report(96, "Đang lưu kết quả")
            payload = solution_payload(solution)
    try:
        with transaction.atomic():
            _lock_and_check(roster, problem, solution)
            if solution is not None:
                _store(roster, problem, solution)
            _finish(roster, payload)
    except (IntegrityError, RosterChanged) as exc:
        message = str(exc) if isinstance(exc, RosterChanged) else CONFLICT
        with transaction.atomic():
            _finish(roster, {"complete": False, "error": message})
        raise JobRefused(message) from exc
    return payload


CONFLICT = "Lịch đã bị thay đổi trong khi xếp ca (phân công trùng người, trùng ca): hãy xếp lại."


class RosterChanged(Exception):
    pass


def _lock_and_check(
    roster: Roster, problem: engine.RosterProblem, solution: engine.RosterSolution | None
) -> None:
    """One store at a time per roster: a second solve of the same roster waits here (row lock on
    PostgreSQL, the write lock on SQLite) until the first has committed, then replaces its rows. Pins
    edited while the solver ran would collide with its rows: the solve is refused, to be run again."""
    Roster.objects.select_for_update().filter(pk=roster.pk).first()
    if solution is None:
        return
    pins = {
        engine.Assignment(_oid(a.personnel_id), f"p{a.post_id}", f"s{a.shift_id}")
        for a in roster.assignments.filter(pinned=True)
    }
    if pins != set(problem.pins):
        raise RosterChanged(
            "Phân công cố định đã thay đổi trong khi xếp ca: kết quả không được lưu, hãy xếp lại."
        )


def _finish(roster: Roster, payload: dict[str, Any]) -> None:
    """Store the solve's outcome on the roster (inside the caller's transaction), with its audit row."""
    roster.result = payload
    roster.status = RosterStatus.SOLVED if "error" not in payload else RosterStatus.DRAFT
    roster.solved_at = timezone.now()
    roster.save()
    # Solver rows are bulk-created; one audit row records the solve and its outcome.
    unfilled = sum(u["missing"] for u in payload.get("unfilled", []))
    write_audit(
        action=AuditAction.UPDATE,
        obj=roster,
        note=f"Xếp ca: {roster.assignments.count()} phân công, thiếu {unfilled} người-ca",
    )


@job_handler(SOLVE_JOB)
def solve_roster_job(job: Job, progress: Progress) -> dict[str, Any]:
    roster = Roster.objects.get(pk=job.params["roster_id"])
    payload = solve_roster(roster, job.created_by, progress)
    return {
        "roster_id": roster.pk,
        "complete": payload.get("complete", False),
        "error": payload.get("error", ""),
    }
