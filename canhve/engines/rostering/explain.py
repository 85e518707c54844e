"""Why a post cannot be filled on a shift: nobody has the skill, nobody has the clearance, or the people
who could do it are on leave or already worked to their limits.

Works on the dataclasses so the app can explain a hand-edited roster too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from canhve.engines.rostering.model import (
    Assignment,
    Officer,
    Post,
    Reason,
    ReasonCode,
    RosterProblem,
    Shift,
    Unfilled,
    to_minutes,
)

CLEARANCE_NAMES = ("không mật", "Mật", "Tối mật", "Tuyệt mật")


def explain_unfilled(problem: RosterProblem, assignments: Iterable[Assignment]) -> tuple[Unfilled, ...]:
    """Every demand staffed below its head count, with the reasons nobody else could take it."""
    roster = tuple(assignments)
    posts = {post.id: post for post in problem.posts}
    shifts = {shift.id: shift for shift in problem.shifts}
    duties: dict[str, list[Shift]] = defaultdict(list)
    crews: dict[tuple[str, str], set[str]] = defaultdict(set)
    for assignment in roster:
        duties[assignment.officer_id].append(shifts[assignment.shift_id])
        crews[assignment.post_id, assignment.shift_id].add(assignment.officer_id)

    found = []
    for demand in problem.demands:
        missing = demand.head_count - len(crews[demand.post_id, demand.shift_id])
        if missing > 0:
            post, shift = posts[demand.post_id], shifts[demand.shift_id]
            found.append(
                Unfilled(
                    post.id,
                    shift.id,
                    missing,
                    _reasons(problem, post, shift, missing, duties, crews[post.id, shift.id]),
                )
            )
    return tuple(found)


def _reasons(
    problem: RosterProblem,
    post: Post,
    shift: Shift,
    missing: int,
    duties: dict[str, list[Shift]],
    here: set[str],
) -> tuple[Reason, ...]:
    reasons = []
    for skill in sorted(post.required_skills):
        if not any(officer.has_valid_skill(skill, shift) for officer in problem.officers):
            reasons.append(Reason(ReasonCode.MISSING_SKILL, f"nobody holds a valid '{skill}' qualification"))
    skilled = [o for o in problem.officers if all(o.has_valid_skill(k, shift) for k in post.required_skills)]
    if not skilled and not reasons:
        needed = ", ".join(sorted(post.required_skills))
        reasons.append(Reason(ReasonCode.MISSING_SKILL, f"nobody holds all of: {needed}"))
    cleared = [o for o in skilled if o.clearance >= post.min_clearance]
    if skilled and len(cleared) < len(skilled):
        level = CLEARANCE_NAMES[min(post.min_clearance, len(CLEARANCE_NAMES) - 1)]
        reasons.append(
            Reason(
                ReasonCode.CLEARANCE,
                f"{len(skilled) - len(cleared)} of {len(skilled)} skilled officers lack clearance '{level}'",
            )
        )
    present = [o for o in cleared if o.is_available(shift)]
    if len(present) < len(cleared):
        reasons.append(
            Reason(
                ReasonCode.UNAVAILABLE,
                f"{len(cleared) - len(present)} of {len(cleared)} qualified officers are on leave",
            )
        )

    others = [o for o in present if o.id not in here]
    clashing = [o for o in others if _clashes(problem, duties[o.id], shift)]
    capped = [o for o in others if o not in clashing and _over_cap(problem, o, duties[o.id], shift)]
    free = len(others) - len(clashing) - len(capped)
    if free >= missing:
        reasons.append(
            Reason(
                ReasonCode.TIME_LIMIT,
                f"{free} qualified officers are still free; the search stopped before placing them",
            )
        )
    else:
        reasons.append(
            Reason(
                ReasonCode.PEOPLE,
                f"{len(others)} other qualified officers available: {len(clashing)} on a clashing shift"
                f" (overlap or under {_hours(problem)} h rest), {len(capped)} at their weekly hour cap,"
                f" {free} free for {missing} missing",
            )
        )
    return tuple(reasons)


def _hours(problem: RosterProblem) -> int:
    return int(problem.min_rest.total_seconds()) // 3600


def _clashes(problem: RosterProblem, worked: list[Shift], shift: Shift) -> bool:
    rest = int(problem.min_rest.total_seconds()) // 60
    start, end = to_minutes(shift.start), to_minutes(shift.end)
    return any(start < to_minutes(w.end) + rest and to_minutes(w.start) < end + rest for w in worked)


def _over_cap(problem: RosterProblem, officer: Officer, worked: list[Shift], shift: Shift) -> bool:
    week = problem.week_of(shift)
    minutes = sum(w.minutes for w in worked if problem.week_of(w) == week) + shift.minutes
    return minutes > int(officer.weekly_cap.total_seconds()) // 60
