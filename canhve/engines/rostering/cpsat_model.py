"""CP-SAT model of the open part of a roster: some officers are free, everyone else stays where they are.

With every officer free and only pins kept this is the straight model of the whole problem; with a
neighbourhood of a hundred officers it is one large-neighbourhood-search step. Booleans exist only for
eligible (officer, demand) pairs that fit the fixed part of the roster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
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
        """Solve as one search step: presolve kept light because it, not search, dominated small steps."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(seconds, 0.01)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        solver.parameters.symmetry_level = 0
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.max_presolve_iterations = 1
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return solver.status_name(status), None
        return solver.status_name(status), [pair for pair, var in self.x.items() if solver.boolean_value(var)]


class _Builder:
    """Model, objective terms and a complete hint: CP-SAT only starts from a hint it can finish cheaply."""

    def __init__(self, hinted: set[Pair]) -> None:
        self.model = cp_model.CpModel()
        self.hinted = hinted
        self.terms: list[cp_model.LinearExprT] = []
        self.coefficients: list[int] = []

    def cost(self, term: cp_model.LinearExprT, coefficient: int) -> None:
        if coefficient:
            self.terms.append(term)
            self.coefficients.append(coefficient)

    def int_var(self, upper: int, hint: int) -> cp_model.IntVar:
        var = self.model.new_int_var(0, upper, "")
        self.model.add_hint(var, hint)
        return var

    def bool_var(self, hint: bool) -> cp_model.IntVar:
        var = self.model.new_bool_var("")
        self.model.add_hint(var, hint)
        return var


def build_open_model(
    index: Index, roster: Roster, officers: Iterable[int], weights: Weights, hint: Iterable[Pair] = ()
) -> OpenModel:
    """Model placing `officers` (already released from `roster`) into the roster's vacancies."""
    build = _Builder(set(hint))
    vacancy = index.demand_head - np.array([len(who) for who in roster.by_demand], dtype=np.int64)
    x: dict[Pair, cp_model.IntVar] = {}
    by_demand: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)

    for officer in officers:
        own = _officer_variables(index, roster, officer, vacancy)
        for demand in own:
            var = build.bool_var((officer, demand) in build.hinted)
            x[officer, demand] = var
            by_demand[demand].append((officer, var))
            build.cost(var, -weights.unfilled - weights.preference * index.preference_of(officer, demand))
        if own:
            _officer_rules(index, roster, build, weights, officer, own, x)

    for demand, placed in by_demand.items():
        if len(placed) > vacancy[demand]:
            build.model.add(cp_model.LinearExpr.sum([var for _, var in placed]) <= int(vacancy[demand]))
        _agency_mix(index, roster, build, weights, demand, placed)

    build.model.minimize(cp_model.LinearExpr.weighted_sum(build.terms, build.coefficients))
    return OpenModel(build.model, x)


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
    build: _Builder,
    weights: Weights,
    officer: int,
    own: list[int],
    x: dict[Pair, cp_model.IntVar],
) -> None:
    model = build.model
    by_shift: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_post: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    hinted_shifts: list[int] = []
    hinted_posts: set[int] = set()
    for demand in own:
        shift, post = int(index.demand_shift[demand]), int(index.demand_post[demand])
        by_shift[shift].append(x[officer, demand])
        by_post[post].append(x[officer, demand])
        if (officer, demand) in build.hinted:
            hinted_shifts.append(shift)
            hinted_posts.add(post)

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
            terms = [var for s in shifts for var in by_shift[s]]
            minutes = [int(index.shift_minutes[s]) for s in shifts for _ in by_shift[s]]
            model.add(cp_model.LinearExpr.weighted_sum(terms, minutes) <= room)

    kept_shifts = np.flatnonzero(roster.busy[officer])
    for flags, weight in (
        (index.shift_night, weights.night_pairs),
        (index.shift_weekend, weights.weekend_pairs),
    ):
        marked = [s for s in by_shift if flags[s]]
        if marked and weight:
            kept = int(flags[kept_shifts].sum())
            hinted = sum(1 for s in hinted_shifts if flags[s])
            _pairs_penalty(
                build, weight, kept, hinted, [var for s in marked for var in by_shift[s]], len(marked)
            )

    kept_posts = {int(index.demand_post[d]) for d in roster.by_officer[officer]}
    new_posts = [post for post in by_post if post not in kept_posts]
    if not weights.extra_posts or len(new_posts) + len(kept_posts) < 2:
        return
    works = []
    for post in new_posts:
        works.append(build.bool_var(post in hinted_posts))
        for var in by_post[post]:
            model.add_implication(var, works[-1])
    if kept_posts:
        for var in works:
            build.cost(var, weights.extra_posts)
    else:
        hinted_new = sum(1 for post in new_posts if post in hinted_posts)
        extra = build.int_var(len(works) - 1, max(0, hinted_new - 1))
        model.add(extra >= cp_model.LinearExpr.sum(works) - 1)
        build.cost(extra, weights.extra_posts)


def _pairs_penalty(
    build: _Builder, weight: int, kept: int, hinted: int, marked: list[cp_model.IntVar], n_shifts: int
) -> None:
    # n(n-1)/2 is convex, so its chords through integer points bound it from below exactly at integers.
    count = cp_model.LinearExpr.sum(marked) + kept
    most = kept + n_shifts
    total = kept + hinted
    penalty = build.int_var(most * (most - 1) // 2, total * (total - 1) // 2)
    for k in range(max(1, kept - 1), most):
        build.model.add(penalty >= k * count - k * (k + 1) // 2)
    build.cost(penalty, weight)


def _agency_mix(
    index: Index,
    roster: Roster,
    build: _Builder,
    weights: Weights,
    demand: int,
    placed: list[tuple[int, cp_model.IntVar]],
) -> None:
    kept = index.officer_agency[roster.by_demand[demand]]
    for agency, need in index.demand_mix[demand]:
        missing = need - int((kept == agency).sum())
        helpers = [(officer, var) for officer, var in placed if index.officer_agency[officer] == agency]
        if missing > 0 and helpers and weights.agency_mix:
            hinted = sum(1 for officer, _ in helpers if (officer, demand) in build.hinted)
            short = build.int_var(missing, max(0, missing - hinted))
            build.model.add(short >= missing - cp_model.LinearExpr.sum([var for _, var in helpers]))
            build.cost(short, weights.agency_mix)
