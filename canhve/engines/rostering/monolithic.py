"""The straight CP-SAT model of the whole problem: the reference the benchmark compares the solver with."""

from __future__ import annotations

from ortools.sat.python import cp_model

from canhve.engines.rostering.cpsat_model import build_open_model
from canhve.engines.rostering.greedy import pinned_roster
from canhve.engines.rostering.index import compile_problem
from canhve.engines.rostering.model import RosterProblem, RosterSolution, Weights
from canhve.engines.rostering.solution import Clock, assemble


def solve_monolithic(
    problem: RosterProblem, *, time_limit: float = 60.0, weights: Weights | None = None, num_workers: int = 2
) -> RosterSolution:
    """One CP-SAT model over every eligible (officer, demand) pair, no warm start; pins are kept."""
    weights = weights or Weights()
    clock = Clock(time_limit)
    index = compile_problem(problem)
    roster = pinned_roster(index)
    everyone = range(index.n_officers)
    open_model = build_open_model(index, roster, everyone, weights)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(clock.remaining(), 0.01)
    solver.parameters.num_workers = num_workers

    # Only CP-SAT's own objective is logged: decoding millions of booleans per solution would slow it down.
    class Trajectory(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            clock.note(int(self.objective_value))

    status = solver.solve(open_model.model, Trajectory())
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for pair, var in open_model.x.items():
            if solver.boolean_value(var):
                roster.add(*pair)
    return assemble(index, roster, weights, clock.stats(f"cp-sat ({solver.status_name(status)})"))
