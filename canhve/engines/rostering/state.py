"""A mutable roster over the compiled index, with the bookkeeping needed to test a move in O(1)-ish."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from canhve.engines.rostering.index import Index
from canhve.engines.rostering.model import Assignment

Pair = tuple[int, int]  # (officer, demand)


class Roster:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.by_demand: list[list[int]] = [[] for _ in range(index.n_demands)]
        self.by_officer: list[list[int]] = [[] for _ in range(index.n_officers)]
        n_weeks = int(index.shift_week.max(initial=0)) + 1
        # Shifts each officer works, and minutes per week: enough to test every timing rule of a move.
        self.busy = np.zeros((index.n_officers, len(index.shift_start)), dtype=bool)
        self.week_minutes = np.zeros((index.n_officers, n_weeks), dtype=np.int64)
        self.pinned: set[Pair] = set()

    def add(self, officer: int, demand: int) -> None:
        shift = self.index.demand_shift[demand]
        self.by_demand[demand].append(officer)
        self.by_officer[officer].append(demand)
        self.busy[officer, shift] = True
        self.week_minutes[officer, self.index.shift_week[shift]] += self.index.shift_minutes[shift]

    def remove(self, officer: int, demand: int) -> None:
        shift = self.index.demand_shift[demand]
        self.by_demand[demand].remove(officer)
        self.by_officer[officer].remove(demand)
        self.busy[officer, shift] = False
        self.week_minutes[officer, self.index.shift_week[shift]] -= self.index.shift_minutes[shift]

    def free_officers(self, demand: int, candidates: np.ndarray) -> np.ndarray:
        """The candidates who could take one more place at `demand` without breaking a hard rule."""
        index = self.index
        shift = index.demand_shift[demand]
        week = index.shift_week[shift]
        clash = self.busy[candidates][:, index.clash[shift]].any(axis=1)
        over = self.week_minutes[candidates, week] + index.shift_minutes[shift] > index.weekly_cap[candidates]
        return candidates[~clash & ~over]

    def vacancy(self, demand: int) -> int:
        return int(self.index.demand_head[demand]) - len(self.by_demand[demand])

    def pairs(self) -> list[Pair]:
        return [(o, d) for o, demands in enumerate(self.by_officer) for d in demands]

    def release(self, officers: Iterable[int]) -> list[Pair]:
        """Remove the officers' unpinned assignments and return them, so a rejected move can be undone."""
        released = []
        for officer in officers:
            for demand in list(self.by_officer[officer]):
                if (officer, demand) not in self.pinned:
                    self.remove(officer, demand)
                    released.append((officer, demand))
        return released

    def assignments(self) -> tuple[Assignment, ...]:
        problem = self.index.problem
        officers, posts, shifts = problem.officers, problem.posts, problem.shifts
        return tuple(
            sorted(
                Assignment(
                    officers[o].id,
                    posts[self.index.demand_post[d]].id,
                    shifts[self.index.demand_shift[d]].id,
                )
                for o, d in self.pairs()
            )
        )
