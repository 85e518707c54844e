"""Independent check of every hard rule, straight from the dataclasses.

It shares no code with the solver's compiled index on purpose: the solver proves its output with it, the
tests trust it, and the app runs it on hand-edited rosters.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable

from canhve.engines.rostering.model import (
    Assignment,
    Officer,
    Post,
    RosterProblem,
    Rule,
    Shift,
    Violation,
    to_minutes,
)


def check_roster(problem: RosterProblem, assignments: Iterable[Assignment]) -> tuple[Violation, ...]:
    """Every broken hard rule in the roster; an empty tuple means the roster is valid (possibly partial)."""
    roster = tuple(assignments)
    officers = {officer.id: officer for officer in problem.officers}
    posts = {post.id: post for post in problem.posts}
    shifts = {shift.id: shift for shift in problem.shifts}
    heads = {(demand.post_id, demand.shift_id): demand.head_count for demand in problem.demands}

    violations: list[Violation] = []
    known: list[Assignment] = []
    for assignment in roster:
        if not (
            assignment.officer_id in officers
            and assignment.post_id in posts
            and assignment.shift_id in shifts
        ):
            violations.append(
                _violation(Rule.UNKNOWN_REFERENCE, "officer, post or shift not in problem", assignment)
            )
        elif (assignment.post_id, assignment.shift_id) not in heads:
            violations.append(_violation(Rule.NO_DEMAND, "post is not staffed on this shift", assignment))
        else:
            known.append(assignment)

    for assignment in known:
        violations.extend(
            _eligibility(
                officers[assignment.officer_id],
                posts[assignment.post_id],
                shifts[assignment.shift_id],
                assignment,
            )
        )
    violations.extend(_head_counts(known, heads))
    violations.extend(_officer_timelines(problem, known, officers, shifts))

    present = set(roster)
    violations.extend(
        _violation(Rule.PIN_MISSING, "pinned assignment is not in the roster", pin)
        for pin in problem.pins
        if pin not in present
    )
    return tuple(violations)


def _violation(rule: Rule, detail: str, assignment: Assignment) -> Violation:
    return Violation(rule, detail, assignment.officer_id, assignment.post_id, assignment.shift_id)


def _eligibility(officer: Officer, post: Post, shift: Shift, assignment: Assignment) -> list[Violation]:
    found = [
        _violation(Rule.SKILL, f"no valid '{skill}' qualification for this shift", assignment)
        for skill in sorted(post.required_skills)
        if not officer.has_valid_skill(skill, shift)
    ]
    if officer.clearance < post.min_clearance:
        found.append(
            _violation(
                Rule.CLEARANCE, f"clearance {officer.clearance} < required {post.min_clearance}", assignment
            )
        )
    if not officer.is_available(shift):
        found.append(
            _violation(Rule.AVAILABILITY, "officer is unavailable (leave) during the shift", assignment)
        )
    return found


def _head_counts(roster: list[Assignment], heads: dict[tuple[str, str], int]) -> list[Violation]:
    counts = Counter((a.post_id, a.shift_id) for a in roster)
    return [
        Violation(Rule.HEAD_COUNT, f"{count} officers for a head count of {heads[key]}", None, key[0], key[1])
        for key, count in sorted(counts.items())
        if count > heads[key]
    ]


def _officer_timelines(
    problem: RosterProblem, roster: list[Assignment], officers: dict[str, Officer], shifts: dict[str, Shift]
) -> list[Violation]:
    found: list[Violation] = []
    duties: dict[str, list[Assignment]] = defaultdict(list)
    for assignment in roster:
        duties[assignment.officer_id].append(assignment)
    rest = int(problem.min_rest.total_seconds()) // 60

    for officer_id, own in sorted(duties.items()):
        own.sort(key=lambda a: (to_minutes(shifts[a.shift_id].start), a.post_id))
        # Sorted by start, a clash with any earlier duty implies a clash with the one just before.
        for before, after in itertools.pairwise(own):
            if before == after:
                found.append(_violation(Rule.DUPLICATE, "assignment listed twice", after))
                continue
            gap = to_minutes(shifts[after.shift_id].start) - to_minutes(shifts[before.shift_id].end)
            if gap < 0:
                found.append(_violation(Rule.OVERLAP, f"overlaps shift {before.shift_id}", after))
            elif gap < rest:
                found.append(_violation(Rule.REST, f"{gap} min rest after shift {before.shift_id}", after))

        cap = int(officers[officer_id].weekly_cap.total_seconds()) // 60
        worked: Counter[int] = Counter()
        for assignment in own:
            shift = shifts[assignment.shift_id]
            worked[problem.week_of(shift)] += shift.minutes
        found.extend(
            Violation(Rule.WEEKLY_CAP, f"week {week}: {minutes} min > cap {cap} min", officer_id)
            for week, minutes in sorted(worked.items())
            if minutes > cap
        )
    return found
