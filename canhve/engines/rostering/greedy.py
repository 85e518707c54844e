"""Greedy rosters: the plain baseline, and the scarcity-aware construction the solver starts from."""

from __future__ import annotations

import numpy as np

from canhve.engines.rostering.index import Index
from canhve.engines.rostering.state import Roster


class PinError(ValueError):
    """Pins that cannot stand together (unknown ids, unstaffed post, over head count, or a hard rule)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def pinned_roster(index: Index) -> Roster:
    """A roster holding only the pins; the caller checks them against the hard rules."""
    roster = Roster(index)
    problems = []
    for pin in index.problem.pins:
        demand = index.demand_pos.get((pin.post_id, pin.shift_id))
        officer = index.officer_pos.get(pin.officer_id)
        if demand is None or officer is None:
            problems.append(f"{pin}: no such officer or the post is not staffed on that shift")
        elif (officer, demand) in roster.pinned:
            problems.append(f"{pin}: pinned twice")
        else:
            roster.add(officer, demand)
            roster.pinned.add((officer, demand))
    if problems:
        raise PinError(problems)
    return roster


def plain_greedy(index: Index, roster: Roster) -> None:
    """Fill shifts in time order, each place going to the free eligible officer with the fewest minutes."""
    for demand in np.lexsort((np.arange(index.n_demands), index.shift_start[index.demand_shift])).tolist():
        for _ in range(roster.vacancy(demand)):
            free = roster.free_officers(demand, index.eligible[demand])
            if not len(free):
                break
            load = roster.week_minutes[free].sum(axis=1)
            roster.add(int(free[np.argmin(load)]), demand)


def scarcity_greedy(index: Index, roster: Roster) -> None:
    """Fill the hardest demands first, each with the free officer whose skills are least wanted elsewhere.

    A time-ordered greedy spends the few EOD/CBRN holders on ordinary posts early in the week and then
    cannot staff the EOD posts later; ranking officers by the scarcity of what they can do avoids most of
    that, and keeping an officer on one post across days starts the search near good continuity.
    """
    heads = index.demand_head.astype(float)
    supply = np.array([len(who) for who in index.eligible], dtype=float)
    tightness = heads / np.maximum(supply, 1.0)
    # How much of the remaining demand leans on each officer; spare the officers many demands need.
    pressure = np.zeros(index.n_officers)
    for demand, who in enumerate(index.eligible):
        pressure[who] += tightness[demand]
    pressure /= max(float(np.median(pressure)), 1e-9)

    night = np.zeros(index.n_officers)
    weekend = np.zeros(index.n_officers)
    shifts_worked = np.zeros(index.n_officers)
    at_post = np.zeros((index.n_officers, len(index.post_pos)), dtype=bool)
    for officer, demand in roster.pairs():
        at_post[officer, index.demand_post[demand]] = True

    # Hardest first; within a difficulty band, a post's week together so one officer can keep it.
    band = np.floor(np.log2(np.maximum(supply, 1.0) / heads))
    order = np.lexsort((index.shift_start[index.demand_shift], index.demand_post, band))
    for demand in order.tolist():
        shift = index.demand_shift[demand]
        post = index.demand_post[demand]
        for _ in range(roster.vacancy(demand)):
            free = roster.free_officers(demand, index.eligible[demand])
            if not len(free):
                break
            cost = 4.0 * pressure[free] + shifts_worked[free] - 3.0 * at_post[free, post]
            present = index.officer_agency[roster.by_demand[demand]]
            for agency, need in index.demand_mix[demand]:
                if (present == agency).sum() < need:
                    cost -= 20.0 * (index.officer_agency[free] == agency)
            if index.shift_night[shift]:
                cost += 2.0 * night[free]
            if index.shift_weekend[shift]:
                cost += 1.0 * weekend[free]
            pick = int(free[np.argmin(cost)])
            roster.add(pick, demand)
            shifts_worked[pick] += 1
            night[pick] += index.shift_night[shift]
            weekend[pick] += index.shift_weekend[shift]
            at_post[pick, post] = True
