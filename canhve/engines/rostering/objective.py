"""The weighted soft-rule score of a roster; lower is better. The CP-SAT models encode the same terms."""

from __future__ import annotations

import numpy as np

from canhve.engines.rostering.index import Index
from canhve.engines.rostering.model import Objective, Weights
from canhve.engines.rostering.state import Roster


def pairs_cost(count: np.ndarray) -> np.ndarray:
    """Pairs among an officer's n night (weekend) shifts: convex, so spreading them is cheapest."""
    return count * (count - 1) // 2


def agency_shortfalls(index: Index, roster: Roster) -> list[tuple[int, int, int]]:
    """(demand, agency code, missing) for every agency-mix requirement not met."""
    found: list[tuple[int, int, int]] = []
    for demand, mix in enumerate(index.demand_mix):
        if mix:
            present = np.bincount(
                index.officer_agency[roster.by_demand[demand]], minlength=len(index.agencies)
            )
            found.extend(
                (demand, agency, need - int(present[agency]))
                for agency, need in mix
                if present[agency] < need
            )
    return found


def evaluate(index: Index, roster: Roster, weights: Weights) -> Objective:
    pairs = np.array(roster.pairs(), dtype=np.int64).reshape(-1, 2)
    officer, demand = pairs[:, 0], pairs[:, 1]
    shift = index.demand_shift[demand]
    n = index.n_officers

    unfilled = int(index.demand_head.sum()) - len(pairs)
    shortfall = sum(missing for _, _, missing in agency_shortfalls(index, roster))
    night = int(pairs_cost(np.bincount(officer[index.shift_night[shift]], minlength=n)).sum())
    weekend = int(pairs_cost(np.bincount(officer[index.shift_weekend[shift]], minlength=n)).sum())
    posts_worked = np.unique(officer * len(index.post_pos) + index.demand_post[demand]) // len(index.post_pos)
    extra = len(posts_worked) - len(np.unique(officer))
    rows = index.preference_row[officer]
    preference = int(np.where(rows >= 0, index.preference_matrix[np.maximum(rows, 0), demand], 0).sum())

    total = (
        weights.unfilled * unfilled
        + weights.agency_mix * shortfall
        + weights.night_pairs * night
        + weights.weekend_pairs * weekend
        + weights.extra_posts * extra
        - weights.preference * preference
    )
    return Objective(unfilled, shortfall, night, weekend, extra, preference, total)
