"""The roster solver: scarcity-aware greedy construction, then large-neighbourhood search with CP-SAT.

Every step keeps all hard rules, so the roster is valid (if partial) at any moment and the time limit can
cut the search anywhere. See docs/decisions/0005-roster-solver.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from canhve.engines.rostering.cpsat_model import build_open_model
from canhve.engines.rostering.greedy import PinError, pinned_roster, scarcity_greedy
from canhve.engines.rostering.index import Index, compile_problem
from canhve.engines.rostering.model import RosterProblem, RosterSolution, Weights
from canhve.engines.rostering.neighbourhoods import NeighbourhoodPicker
from canhve.engines.rostering.objective import evaluate
from canhve.engines.rostering.solution import Clock, assemble
from canhve.engines.rostering.state import Roster
from canhve.engines.rostering.validate import check_roster

ProgressCallback = Callable[[float, str], None]

_START_SIZE = 80
_MIN_SIZE = 12
# One step gets at most this long: many short steps beat a few long ones on a shared 2-core machine.
_STEP_SECONDS = 2.0


def solve(
    problem: RosterProblem,
    *,
    time_limit: float = 30.0,
    weights: Weights | None = None,
    on_progress: ProgressCallback | None = None,
    seed: int = 0,
    num_workers: int = 2,
) -> RosterSolution:
    """Best roster found within `time_limit` seconds; pins are kept and unfillable places explained.

    Raises PinError when the pins themselves break a hard rule or do not fit the problem.
    """
    weights = weights or Weights()
    clock = Clock(time_limit)
    report = on_progress or (lambda fraction, message: None)
    report(0.0, "compiling problem")
    index = compile_problem(problem)
    roster = pinned_roster(index)
    broken = check_roster(problem, roster.assignments())
    if broken:
        raise PinError([f"{v.rule}: {v.detail} ({v.officer_id}, {v.post_id}, {v.shift_id})" for v in broken])

    report(clock.fraction(), "building a first roster")
    scarcity_greedy(index, roster)
    search = _Search(index, roster, weights, clock, seed, num_workers)
    search.run(report)
    report(1.0, "checking the roster")
    return assemble(index, roster, weights, clock.stats("greedy+lns", search.iterations, search.improvements))


class _Search:
    def __init__(
        self, index: Index, roster: Roster, weights: Weights, clock: Clock, seed: int, num_workers: int
    ) -> None:
        self.index, self.roster, self.weights, self.clock = index, roster, weights, clock
        self.seed, self.workers = seed, num_workers
        self.picker = NeighbourhoodPicker(index, seed)
        self.size = min(_START_SIZE, index.n_officers)
        self.iterations = self.improvements = 0
        self.score = evaluate(index, roster, weights)
        clock.record(self.score)

    def run(self, report: ProgressCallback) -> None:
        while self.clock.remaining() > 0.05:
            whole = self.size >= self.index.n_officers
            if whole:
                officers = list(range(self.index.n_officers))
            elif self.score.unfilled:
                officers = self.picker.around_unfilled(self.roster, self.size).tolist()
            else:
                officers = self.picker.interchangeable(self.roster, self.size).tolist()
            proven = self._step(officers)
            report(self.clock.fraction(), f"step {self.iterations}: objective {self.score.total}")
            if whole and proven:
                return

    def _step(self, officers: list[int]) -> bool:
        """One LNS step; True when CP-SAT proved the freed part optimal."""
        self.iterations += 1
        released = self.roster.release(officers)
        model = build_open_model(self.index, self.roster, officers, self.weights, hint=released)
        seconds = min(_STEP_SECONDS, self.clock.remaining())
        started = time.monotonic()
        status, placed = model.solve(seconds, self.workers, self.seed + self.iterations)
        quick = time.monotonic() - started < seconds / 2
        for officer, demand in placed if placed is not None else released:
            self.roster.add(officer, demand)

        candidate = evaluate(self.index, self.roster, self.weights)
        if placed is not None and candidate.total > self.score.total:
            # CP-SAT stopped before reaching its hint's quality: put the old work back.
            for officer, demand in placed:
                self.roster.remove(officer, demand)
            for officer, demand in released:
                self.roster.add(officer, demand)
            candidate = self.score
        if candidate.total < self.score.total:
            self.improvements += 1
        self.score = candidate
        self.clock.record(candidate)

        optimal = status == "OPTIMAL"
        # Grow the neighbourhood while steps are solved to optimality quickly, shrink it when they time out.
        grown = int(self.size * 1.25) + 1 if optimal and quick else max(_MIN_SIZE, int(self.size * 0.8))
        self.size = min(grown, self.index.n_officers)
        return optimal
