"""The roster solver: scarcity-aware greedy, then two kinds of moves until the time limit.

- Window moves re-solve one window of mutually clashing shifts (e.g. one day) for all officers at once,
  exactly, as a min-cost flow: they spread nights and weekends, keep officers on their posts and meet
  agency mixes.
- CP-SAT steps free a few dozen interchangeable officers over the whole horizon: they make the multi-day
  moves a window cannot, such as passing a week's work on so an EOD holder can take an unfilled EOD shift.

Every move keeps all hard rules, so the roster is valid (if partial) at any moment and the time limit can
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
from canhve.engines.rostering.state import Pair, Roster
from canhve.engines.rostering.validate import check_roster
from canhve.engines.rostering.window import reoptimise_window

ProgressCallback = Callable[[float, str], None]

_START_SIZE = 24
_MIN_SIZE = 8
_MAX_SIZE = 120
# One CP-SAT step gets at most this long: many short steps beat a few long ones on 2 shared cores.
_STEP_SECONDS = 1.0
# CP-SAT steps between window sweeps once the sweeps stop paying off (relative gain below this).
_SWEEP_STALL = 0.002
_STEPS_PER_ROUND = 6


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
    search = _Search(index, roster, weights, clock, seed, num_workers, report)
    search.run()
    report(1.0, "checking the roster")
    return assemble(
        index, roster, weights, clock.stats("greedy+windows+lns", search.iterations, search.improvements)
    )


class _Search:
    def __init__(
        self,
        index: Index,
        roster: Roster,
        weights: Weights,
        clock: Clock,
        seed: int,
        num_workers: int,
        report: ProgressCallback,
    ) -> None:
        self.index, self.roster, self.weights, self.clock = index, roster, weights, clock
        self.seed, self.workers, self.report = seed, num_workers, report
        self.picker = NeighbourhoodPicker(index, seed)
        self.size = min(_START_SIZE, index.n_officers)
        self.iterations = self.improvements = 0
        self.score = evaluate(index, roster, weights)
        clock.record(self.score)

    def run(self) -> None:
        # Repair first: a complete roster matters more than any soft rule.
        while self.score.unfilled and not self._out_of_time():
            if self._cpsat_step() == "whole-optimal":
                return
        while not self._out_of_time():
            before = self.score.total
            self._sweep()
            gain = (before - self.score.total) / max(abs(before), 1)
            if gain < _SWEEP_STALL:
                for _ in range(_STEPS_PER_ROUND):
                    if self._out_of_time() or self._cpsat_step() == "whole-optimal":
                        return

    def _out_of_time(self) -> bool:
        return self.clock.remaining() <= 0.05

    def _sweep(self) -> None:
        for window in self.index.cliques:
            if self._out_of_time():
                return
            released, added = reoptimise_window(self.index, self.roster, window, self.weights)
            self._settle(released, added, f"window {window[0]}")

    def _cpsat_step(self) -> str:
        whole = self.size >= self.index.n_officers
        if whole:
            officers = list(range(self.index.n_officers))
        elif self.score.unfilled:
            officers = self.picker.around_unfilled(self.roster, self.size).tolist()
        else:
            officers = self.picker.interchangeable(self.roster, self.size).tolist()
        released = self.roster.release(officers)
        model = build_open_model(self.index, self.roster, officers, self.weights, hint=released)
        seconds = min(_STEP_SECONDS, self.clock.remaining())
        started = time.monotonic()
        status, placed = model.solve(seconds, self.workers, self.seed + self.iterations)
        added = placed if placed is not None else released
        for officer, demand in added:
            self.roster.add(officer, demand)
        self._settle(released, added, f"{len(officers)} officers")

        optimal = status == "OPTIMAL"
        quick = time.monotonic() - started < seconds / 2
        # Grow the neighbourhood while steps are solved to optimality quickly, shrink it when they time out.
        grown = int(self.size * 1.25) + 1 if optimal and quick else max(_MIN_SIZE, int(self.size * 0.8))
        self.size = min(grown, _MAX_SIZE, self.index.n_officers)
        return "whole-optimal" if whole and optimal else status

    def _settle(self, released: list[Pair], added: list[Pair], what: str) -> None:
        """Keep the move if it did not make the roster worse, otherwise undo it."""
        self.iterations += 1
        candidate = evaluate(self.index, self.roster, self.weights)
        if candidate.total > self.score.total:
            for officer, demand in added:
                self.roster.remove(officer, demand)
            for officer, demand in released:
                self.roster.add(officer, demand)
            candidate = self.score
        elif candidate.total < self.score.total:
            self.improvements += 1
        self.score = candidate
        self.clock.record(candidate)
        self.report(
            self.clock.fraction(), f"{what}: objective {candidate.total}, {candidate.unfilled} unfilled"
        )
