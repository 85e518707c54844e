"""Exact re-optimisation of one window of mutually clashing shifts, as a min-cost flow.

Nobody can work two shifts of such a window (a maximal clique of the clash graph, e.g. the 06, 14 and 22
shifts of one day under a 10 h rest rule), so with the rest of the roster fixed every soft rule becomes a
per-assignment cost: the k-th night shift costs k-1 more pairs, a post outside the officer's other posts
costs one more extra post, a wish is a discount, and a missing agency member is a bonus on a side entrance
to the demand reserved for that agency. Filling places comes first: the flow is maximised, then its cost
minimised, which matches the weights as long as an unfilled place outweighs every other term.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from canhve.engines.rostering.index import Index
from canhve.engines.rostering.model import Weights
from canhve.engines.rostering.state import Pair, Roster


def reoptimise_window(
    index: Index, roster: Roster, window: tuple[int, ...], weights: Weights
) -> tuple[list[Pair], list[Pair]]:
    """Reassign every unpinned place on the window's shifts optimally; returns (released, added) pairs."""
    demands = np.flatnonzero(np.isin(index.demand_shift, window)).tolist()
    released = [(o, d) for d in demands for o in list(roster.by_demand[d]) if (o, d) not in roster.pinned]
    for officer, demand in released:
        roster.remove(officer, demand)
    move_officer, move_demand, move_cost = _moves(index, roster, demands, weights)
    if not len(move_officer):
        return released, []

    # Nodes: 0 source, 1 sink, then officers, then a collector per demand, then agency side entrances
    # (one per unmet agency requirement) that lead into the demand's collector.
    officers, officer_slot = np.unique(move_officer, return_inverse=True)
    targets, target_slot = np.unique(move_demand, return_inverse=True)
    officer_base, collector_base = 2, 2 + len(officers)
    side_node = np.full((len(targets), len(index.agencies)), -1, dtype=np.int64)
    side_tail: list[int] = []
    side_capacity: list[int] = []
    for slot, demand in enumerate(targets.tolist()):
        present = index.officer_agency[roster.by_demand[demand]]
        for agency, need in index.demand_mix[demand]:
            missing = need - int((present == agency).sum())
            if missing > 0 and weights.agency_mix:
                side_node[slot, agency] = collector_base + len(targets) + len(side_tail)
                side_tail.append(side_node[slot, agency])
                side_capacity.append(missing)
    side_head = collector_base + np.flatnonzero(side_node >= 0) // len(index.agencies)

    via_side = side_node[target_slot, index.officer_agency[move_officer]]
    has_side = via_side >= 0
    tails: list[np.ndarray] = [
        np.zeros(len(officers)),
        collector_base + np.arange(len(targets)),
        np.array(side_tail),
        officer_base + officer_slot,
        officer_base + officer_slot[has_side],
    ]
    heads: list[np.ndarray] = [
        officer_base + np.arange(len(officers)),
        np.ones(len(targets)),
        side_head,
        collector_base + target_slot,
        via_side[has_side],
    ]
    capacities: list[np.ndarray] = [
        np.ones(len(officers)),
        np.array([roster.vacancy(d) for d in targets.tolist()]),
        np.array(side_capacity),
        np.ones(len(move_officer)),
        np.ones(int(has_side.sum())),
    ]
    costs: list[np.ndarray] = [
        np.zeros(len(officers)),
        np.zeros(len(targets)),
        np.zeros(len(side_tail)),
        move_cost,
        move_cost[has_side] - weights.agency_mix,
    ]
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        *(np.concatenate(part).astype(np.int64) for part in (tails, heads, capacities, costs))
    )
    flow.set_nodes_supplies(np.array([0, 1]), np.array([len(officers), -len(officers)]))
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        for officer, demand in released:
            roster.add(officer, demand)
        return [], []

    used = flow.flows(arcs)[len(officers) + len(targets) + len(side_tail) :] > 0
    direct, sided = used[: len(move_officer)], used[len(move_officer) :]
    chosen = direct.copy()
    chosen[np.flatnonzero(has_side)[sided]] = True
    added = list(zip(move_officer[chosen].tolist(), move_demand[chosen].tolist(), strict=True))
    for officer, demand in added:
        roster.add(officer, demand)
    return released, added


def _moves(
    index: Index, roster: Roster, demands: list[int], weights: Weights
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (officer, demand) placement the fixed roster allows, with its marginal soft-rule cost."""
    nights = roster.busy[:, index.shift_night].sum(axis=1)
    weekends = roster.busy[:, index.shift_weekend].sum(axis=1)
    at_post = np.zeros((index.n_officers, len(index.post_pos)), dtype=bool)
    for officer, demand in roster.pairs():
        at_post[officer, index.demand_post[demand]] = True
    has_post = np.asarray(at_post.any(axis=1))

    officers, targets, costs = [], [], []
    for demand in demands:
        if roster.vacancy(demand) <= 0:
            continue
        shift, post = index.demand_shift[demand], index.demand_post[demand]
        candidates = roster.free_officers(demand, index.eligible[demand])
        cost: np.ndarray = weights.extra_posts * (has_post[candidates] & ~at_post[candidates, post]).astype(
            np.int64
        )
        if index.shift_night[shift]:
            cost += weights.night_pairs * nights[candidates]
        if index.shift_weekend[shift]:
            cost += weights.weekend_pairs * weekends[candidates]
        cost -= weights.preference * index.preferences_for(candidates, demand)
        officers.append(candidates)
        targets.append(np.full(len(candidates), demand))
        costs.append(cost)
    if not officers:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(officers), np.concatenate(targets), np.concatenate(costs)
