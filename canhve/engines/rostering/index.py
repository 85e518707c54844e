"""The problem compiled to integer arrays: the solvers work on indices, never on ids or datetimes.

Only eligible (officer, demand) pairs are listed, which is what keeps every model small.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from canhve.engines.rostering.model import RosterProblem, to_minutes

# Skill matrix sentinels: absent skills never validate; skills without expiry always do.
_ABSENT = np.iinfo(np.int64).min
_FOREVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Index:
    problem: RosterProblem
    officer_pos: dict[str, int]
    post_pos: dict[str, int]
    shift_pos: dict[str, int]
    shift_start: np.ndarray
    shift_end: np.ndarray
    shift_minutes: np.ndarray
    shift_week: np.ndarray
    shift_night: np.ndarray
    shift_weekend: np.ndarray
    # clash[s, t]: one officer cannot work both s and t (overlap or short rest); the diagonal is set.
    clash: np.ndarray
    # Maximal sets of pairwise-conflicting shifts; "at most one per clique" is the whole timing rule.
    cliques: tuple[tuple[int, ...], ...]
    weekly_cap: np.ndarray
    officer_agency: np.ndarray
    agencies: tuple[str, ...]
    demand_post: np.ndarray
    demand_shift: np.ndarray
    demand_head: np.ndarray
    # Per demand: (agency code, minimum) pairs.
    demand_mix: tuple[tuple[tuple[int, int], ...], ...]
    demand_pos: dict[tuple[str, str], int]
    # eligible[d]: officers qualified and available for demand d; officer_demands[o]: the transpose.
    eligible: tuple[np.ndarray, ...]
    officer_demands: tuple[np.ndarray, ...]
    # Preference score per demand: row preference_row[o] of preference_matrix, or 0 where the row is -1
    # (only officers who stated preferences get a row).
    preference_row: np.ndarray
    preference_matrix: np.ndarray

    @property
    def n_officers(self) -> int:
        return len(self.officer_pos)

    @property
    def n_demands(self) -> int:
        return len(self.demand_post)

    def preference_of(self, officer: int, demand: int) -> int:
        row = self.preference_row[officer]
        return 0 if row < 0 else int(self.preference_matrix[row, demand])

    def preferences_for(self, officers: np.ndarray, demand: int) -> np.ndarray:
        rows = self.preference_row[officers]
        return np.where(rows >= 0, self.preference_matrix[np.maximum(rows, 0), demand], 0)


def compile_problem(problem: RosterProblem) -> Index:
    officers, posts, shifts = problem.officers, problem.posts, problem.shifts
    officer_pos = {o.id: i for i, o in enumerate(officers)}
    post_pos = {p.id: i for i, p in enumerate(posts)}
    shift_pos = {s.id: i for i, s in enumerate(shifts)}

    start = np.array([to_minutes(s.start) for s in shifts], dtype=np.int64)
    end = np.array([to_minutes(s.end) for s in shifts], dtype=np.int64)
    rest = int(problem.min_rest.total_seconds()) // 60
    # Two shifts clash when their intervals, each stretched by the rest period, overlap.
    clash = (start[:, None] < end[None, :] + rest) & (start[None, :] < end[:, None] + rest)

    demands = [d for d in problem.demands if d.head_count > 0]
    demand_post = np.array([post_pos[d.post_id] for d in demands], dtype=np.int64)
    demand_shift = np.array([shift_pos[d.shift_id] for d in demands], dtype=np.int64)

    agencies = tuple(sorted({o.agency for o in officers} | {r.agency for p in posts for r in p.agency_mix}))
    agency_code = {name: i for i, name in enumerate(agencies)}

    eligible = _eligibility(problem, start, end, demand_post, demand_shift)
    pair_officer = np.concatenate([*eligible, np.empty(0, dtype=np.int64)])
    pair_demand = np.repeat(np.arange(len(eligible)), [len(who) for who in eligible])
    order = np.argsort(pair_officer, kind="stable")
    officer_demands = np.split(
        pair_demand[order], np.cumsum(np.bincount(pair_officer, minlength=len(officers)))[:-1]
    )

    return Index(
        problem=problem,
        officer_pos=officer_pos,
        post_pos=post_pos,
        shift_pos=shift_pos,
        shift_start=start,
        shift_end=end,
        shift_minutes=end - start,
        shift_week=_weeks(problem),
        shift_night=np.array([s.is_night for s in shifts], dtype=bool),
        shift_weekend=np.array([s.is_weekend for s in shifts], dtype=bool),
        clash=clash,
        cliques=_maximal_cliques(start, end + rest),
        weekly_cap=np.array([int(o.weekly_cap.total_seconds()) // 60 for o in officers], dtype=np.int64),
        officer_agency=np.array([agency_code[o.agency] for o in officers], dtype=np.int64),
        agencies=agencies,
        demand_post=demand_post,
        demand_shift=demand_shift,
        demand_head=np.array([d.head_count for d in demands], dtype=np.int64),
        demand_mix=tuple(
            tuple((agency_code[r.agency], r.min_count) for r in posts[post_pos[d.post_id]].agency_mix)
            for d in demands
        ),
        demand_pos={(d.post_id, d.shift_id): i for i, d in enumerate(demands)},
        eligible=eligible,
        officer_demands=tuple(officer_demands),
        **_preferences(problem, demand_post, demand_shift),
    )


def _eligibility(
    problem: RosterProblem,
    start: np.ndarray,
    end: np.ndarray,
    demand_post: np.ndarray,
    demand_shift: np.ndarray,
) -> tuple[np.ndarray, ...]:
    officers = problem.officers
    skill_names = sorted(
        {s.name for o in officers for s in o.skills} | {k for p in problem.posts for k in p.required_skills}
    )
    skill_col = {name: i for i, name in enumerate(skill_names)}
    expiry = np.full((len(officers), len(skill_names)), _ABSENT, dtype=np.int64)
    for i, officer in enumerate(officers):
        for skill in officer.skills:
            until = _FOREVER if skill.expires is None else to_minutes(skill.expires)
            expiry[i, skill_col[skill.name]] = max(expiry[i, skill_col[skill.name]], until)

    available = np.ones((len(officers), len(start)), dtype=bool)
    for i, officer in enumerate(officers):
        for interval in officer.unavailable:
            available[i] &= ~((to_minutes(interval.start) < end) & (start < to_minutes(interval.end)))

    clearance = np.array([o.clearance for o in officers], dtype=np.int64)
    eligible = []
    for post_i, shift_i in zip(demand_post.tolist(), demand_shift.tolist(), strict=True):
        post = problem.posts[post_i]
        ok = available[:, shift_i] & (clearance >= post.min_clearance)
        for skill in post.required_skills:
            ok &= expiry[:, skill_col[skill]] >= end[shift_i]
        eligible.append(np.flatnonzero(ok))
    return tuple(eligible)


def _weeks(problem: RosterProblem) -> np.ndarray:
    weeks = np.array([problem.week_of(s) for s in problem.shifts], dtype=np.int64)
    # Zero-based so per-week tallies can be array columns even with a week_origin after some shifts.
    return weeks - weeks.min(initial=0)


def _maximal_cliques(start: np.ndarray, padded_end: np.ndarray) -> tuple[tuple[int, ...], ...]:
    # Padded shifts form an interval graph: every maximal clique is the set alive at some shift's start.
    cliques = {
        tuple(np.flatnonzero((start <= moment) & (moment < padded_end)).tolist()) for moment in start.tolist()
    }
    maximal = [c for c in cliques if not any(set(c) < set(other) for other in cliques)]
    return tuple(sorted(maximal))


def _preferences(
    problem: RosterProblem, demand_post: np.ndarray, demand_shift: np.ndarray
) -> dict[str, np.ndarray]:
    post_pos = {p.id: i for i, p in enumerate(problem.posts)}
    start_hour = np.array([s.start.hour for s in problem.shifts], dtype=np.int64)[demand_shift]
    rows = np.full(len(problem.officers), -1, dtype=np.int64)
    wishful = [i for i, officer in enumerate(problem.officers) if officer.preferences]
    rows[wishful] = np.arange(len(wishful))
    # At least one (zero) row keeps the matrix indexable when nobody stated a preference.
    matrix = np.zeros((max(len(wishful), 1), len(demand_post)), dtype=np.int64)
    for i in wishful:
        for preference in problem.officers[i].preferences:
            match = np.ones(len(demand_post), dtype=bool)
            if preference.post_id is not None:
                match &= demand_post == post_pos.get(preference.post_id, -1)
            if preference.start_hour is not None:
                match &= start_hour == preference.start_hour
            matrix[rows[i]] += preference.weight * match
    return {"preference_row": rows, "preference_matrix": matrix}
