"""Turning a working roster into the RosterSolution the app sees, checked by the independent validator."""

from __future__ import annotations

import time

from canhve.engines.rostering.explain import explain_unfilled
from canhve.engines.rostering.index import Index
from canhve.engines.rostering.model import AgencyShortfall, Objective, RosterSolution, SolveStats, Weights
from canhve.engines.rostering.objective import agency_shortfalls, evaluate
from canhve.engines.rostering.state import Roster
from canhve.engines.rostering.validate import check_roster


class Clock:
    """Time budget of one solve, and the objective trajectory for the stats."""

    def __init__(self, limit: float) -> None:
        self.start = time.monotonic()
        self.limit = limit
        self.first_complete: float | None = None
        self.history: list[tuple[float, int]] = []

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float:
        return self.limit - self.elapsed()

    def fraction(self) -> float:
        return min(1.0, self.elapsed() / self.limit) if self.limit > 0 else 1.0

    def record(self, objective: Objective) -> None:
        now = round(self.elapsed(), 3)
        if objective.unfilled == 0 and self.first_complete is None:
            self.first_complete = now
        self.note(objective.total)

    def note(self, total: int) -> None:
        """Log an objective value when it improves (also for CP-SAT's own objective, offset by constants)."""
        if not self.history or total < self.history[-1][1]:
            self.history.append((round(self.elapsed(), 3), total))

    def stats(self, method: str, iterations: int = 0, improvements: int = 0) -> SolveStats:
        return SolveStats(
            method=method,
            seconds=round(self.elapsed(), 3),
            first_complete_seconds=self.first_complete,
            iterations=iterations,
            improvements=improvements,
            history=tuple(self.history),
        )


def assemble(index: Index, roster: Roster, weights: Weights, stats: SolveStats) -> RosterSolution:
    problem = index.problem
    assignments = roster.assignments()
    posts, shifts = problem.posts, problem.shifts
    return RosterSolution(
        assignments=assignments,
        unfilled=explain_unfilled(problem, assignments),
        agency_shortfalls=tuple(
            AgencyShortfall(
                posts[index.demand_post[d]].id,
                shifts[index.demand_shift[d]].id,
                index.agencies[agency],
                missing,
            )
            for d, agency, missing in agency_shortfalls(index, roster)
        ),
        objective=evaluate(index, roster, weights),
        violations=check_roster(problem, assignments),
        stats=stats,
    )
