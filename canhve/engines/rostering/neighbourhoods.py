"""Which officers to free in one large-neighbourhood-search step.

A step can only improve things by moving work between the freed officers, so each picker frees people
who can stand in for one another: holders of the skills an unfilled place needs plus officers with spare
hours to take over their current work, or officers eligible for the same post with very different night
or weekend loads.
"""

from __future__ import annotations

import numpy as np

from canhve.engines.rostering.index import Index
from canhve.engines.rostering.state import Roster


class NeighbourhoodPicker:
    def __init__(self, index: Index, seed: int) -> None:
        self.index = index
        self.rng = np.random.default_rng(seed)

    def _sample(self, pool: np.ndarray, count: int, weight: np.ndarray | None = None) -> np.ndarray:
        pool = np.unique(pool)
        if len(pool) <= count:
            return pool
        p = None if weight is None else weight[pool] / weight[pool].sum()
        return self.rng.choice(pool, size=count, replace=False, p=p)

    def _spare(self, roster: Roster) -> np.ndarray:
        """Weight favouring officers with hours left, who can absorb work passed on by others."""
        room = self.index.weekly_cap - roster.week_minutes.max(axis=1)
        return 1.0 + np.maximum(room, 0) / max(int(self.index.shift_minutes.max(initial=1)), 1)

    def around_unfilled(self, roster: Roster, size: int) -> np.ndarray:
        index = self.index
        open_demands = np.flatnonzero([roster.vacancy(d) > 0 for d in range(index.n_demands)])
        seeds = self.rng.permutation(open_demands)[: max(1, size // 20)]
        holders = self._sample(np.concatenate([index.eligible[d] for d in seeds]), size // 2)
        # Their current work must be passed on for them to move: free people who could take it.
        taken = [d for o in holders.tolist() for d in roster.by_officer[o]]
        relief = np.concatenate([index.eligible[d] for d in taken]) if taken else np.empty(0, dtype=np.int64)
        relief = self._sample(np.setdiff1d(relief, holders), size - len(holders), self._spare(roster))
        return np.concatenate([holders, relief])

    def interchangeable(self, roster: Roster, size: int) -> np.ndarray:
        index = self.index
        load = np.array([len(ds) for ds in roster.by_officer], dtype=float)
        busy = np.flatnonzero(load > 0)
        seed_officer = int(self.rng.choice(busy)) if len(busy) else int(self.rng.integers(index.n_officers))
        own = roster.by_officer[seed_officer] or index.officer_demands[seed_officer].tolist()
        demand = int(self.rng.choice(own)) if own else int(self.rng.integers(index.n_demands))
        pool = index.eligible[demand]
        kind = self.rng.integers(3)
        if kind == 0:
            # Nights (or weekends) concentrate on a few: mix the heavy with the light.
            flags = index.shift_night if self.rng.random() < 0.7 else index.shift_weekend
            marked = np.array(
                [int(flags[index.demand_shift[roster.by_officer[o]]].sum()) for o in pool.tolist()],
                dtype=float,
            )
            heavy = pool[np.argsort(-marked, kind="stable")[: size // 2]]
            light = self._sample(np.setdiff1d(pool, heavy), size - len(heavy), self._spare(roster))
            return np.concatenate([heavy, light])
        if kind == 1:
            # Officers spread over many posts, with the others who could staff those posts.
            posts = np.zeros(index.n_officers)
            for o in pool.tolist():
                posts[o] = len({int(index.demand_post[d]) for d in roster.by_officer[o]})
            return self._sample(pool, size, 1.0 + posts**2)
        return self._sample(pool, size)
