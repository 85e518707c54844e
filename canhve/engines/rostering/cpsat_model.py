"""CP-SAT model of the open part of a roster: some officers are free, everyone else stays where they are.

With every officer free and only pins kept this is the straight model of the whole problem; with a
neighbourhood of a hundred officers it is one large-neighbourhood-search step. Booleans exist only for
eligible (officer, demand) pairs that fit the fixed part of the roster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from canhve.engines.rostering.index import Index
from canhve.engines.rostering.model import Weights
from canhve.engines.rostering.state import Pair, Roster


@dataclass
class OpenModel:
    model: cp_model.CpModel
    x: dict[Pair, cp_model.IntVar]

    def solve(self, seconds: float, workers: int, seed: int) -> tuple[str, list[Pair] | None]:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(seconds, 0.01)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return solver.status_name(status), None
        return solver.status_name(status), [pair for pair, var in self.x.items() if solver.boolean_value(var)]


class _Objective:
    def __init__(self) -> None:
        self.terms: list[cp_model.LinearExprT] = []
        self.coefficients: list[int] = []

    def add(self, term: cp_model.LinearExprT, coefficient: int) -> None:
        if coefficient:
            self.terms.append(term)
            self.coefficients.append(coefficient)


def build_open_model(
    index: Index, roster: Roster, officers: Sequence[int], weights: Weights, hint: Iterable[Pair] = ()
) -> OpenModel:
    """Model placing `officers` (already released from `roster`) into the roster's vacancies."""
    model = cp_model.CpModel()
    objective = _Objective()
    vacancy = index.demand_head - np.array([len(who) for who in roster.by_demand], dtype=np.int64)
    x: dict[Pair, cp_model.IntVar] = {}
    by_demand: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)

    for officer in officers:
        own = _officer_variables(index, roster, officer, vacancy)
        for demand in own:
            var = model.new_bool_var("")
            x[officer, demand] = var
            by_demand[demand].append((officer, var))
            objective.add(var, -weights.unfilled - weights.preference * index.preference_of(officer, demand))
        if own:
            _officer_rules(index, roster, model, objective, weights, officer, {d: x[officer, d] for d in own})

    for demand, placed in by_demand.items():
        if len(placed) > vacancy[demand]:
            model.add(sum(var for _, var in placed) <= int(vacancy[demand]))
        _agency_mix(index, roster, model, objective, weights, demand, placed)

    model.minimize(cp_model.LinearExpr.weighted_sum(objective.terms, objective.coefficients))
    hinted = set(hint)
    for pair, var in x.items():
        model.add_hint(var, pair in hinted)
    return OpenModel(model, x)


def _officer_variables(index: Index, roster: Roster, officer: int, vacancy: np.ndarray) -> list[int]:
    demands = index.officer_demands[officer]
    demands = demands[vacancy[demands] > 0]
    shifts = index.demand_shift[demands]
    blocked = (index.clash & roster.busy[officer]).any(axis=1)
    room = index.weekly_cap[officer] - roster.week_minutes[officer, index.shift_week[shifts]]
    return demands[~blocked[shifts] & (index.shift_minutes[shifts] <= room)].tolist()


def _officer_rules(
    index: Index,
    roster: Roster,
    model: cp_model.CpModel,
    objective: _Objective,
    weights: Weights,
    officer: int,
    own: dict[int, cp_model.IntVar],
) -> None:
    by_shift: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_post: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for demand, var in own.items():
        by_shift[int(index.demand_shift[demand])].append(var)
        by_post[int(index.demand_post[demand])].append(var)

    for clique in index.cliques:
        members = [var for shift in clique for var in by_shift.get(shift, ())]
        if len(members) > 1:
            model.add_at_most_one(members)

    by_week: dict[int, list[int]] = defaultdict(list)
    for shift in by_shift:
        by_week[int(index.shift_week[shift])].append(shift)
    for week, shifts in by_week.items():
        room = int(index.weekly_cap[officer] - roster.week_minutes[officer, week])
        if sum(int(index.shift_minutes[s]) for s in shifts) > room:
            model.add(sum(int(index.shift_minutes[s]) * var for s in shifts for var in by_shift[s]) <= room)

    kept_shifts = np.flatnonzero(roster.busy[officer])
    for flags, weight in (
        (index.shift_night, weights.night_pairs),
        (index.shift_weekend, weights.weekend_pairs),
    ):
        marked = [s for s in by_shift if flags[s]]
        if marked and weight:
            _pairs_penalty(model, objective, weight, int(flags[kept_shifts].sum()), marked, by_shift)

    kept_posts = {int(index.demand_post[d]) for d in roster.by_officer[officer]}
    new_posts = [post for post in by_post if post not in kept_posts]
    if not weights.extra_posts or len(new_posts) + len(kept_posts) < 2:
        return
    works = []
    for post in new_posts:
        works.append(model.new_bool_var(""))
        for var in by_post[post]:
            model.add_implication(var, works[-1])
    if kept_posts:
        for var in works:
            objective.add(var, weights.extra_posts)
    else:
        extra = model.new_int_var(0, len(works) - 1, "")
        model.add(extra >= sum(works) - 1)
        objective.add(extra, weights.extra_posts)


def _pairs_penalty(
    model: cp_model.CpModel,
    objective: _Objective,
    weight: int,
    kept: int,
    shifts: list[int],
    by_shift: dict[int, list[cp_model.IntVar]],
) -> None:
    # n(n-1)/2 is convex, so its chords through integer points bound it from below exactly at integers.
    count = kept + sum(var for s in shifts for var in by_shift[s])
    most = kept + len(shifts)
    penalty = model.new_int_var(0, most * (most - 1) // 2, "")
    for k in range(max(1, kept - 1), most):
        model.add(penalty >= k * count - k * (k + 1) // 2)
    objective.add(penalty, weight)


def _agency_mix(
    index: Index,
    roster: Roster,
    model: cp_model.CpModel,
    objective: _Objective,
    weights: Weights,
    demand: int,
    placed: list[tuple[int, cp_model.IntVar]],
) -> None:
    kept = index.officer_agency[roster.by_demand[demand]]
    for agency, need in index.demand_mix[demand]:
        missing = need - int((kept == agency).sum())
        helpers = [var for officer, var in placed if index.officer_agency[officer] == agency]
        if missing > 0 and helpers and weights.agency_mix:
            short = model.new_int_var(0, missing, "")
            model.add(short >= missing - sum(helpers))
            objective.add(short, weights.agency_mix)
