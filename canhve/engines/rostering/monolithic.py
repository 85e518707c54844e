"""The straight CP-SAT model of the whole problem: the reference the benchmark compares the solver with."""

from __future__ import annotations

from dataclasses import replace

from ortools.sat.python import cp_model

from canhve.engines.rostering.cpsat_model import build_open_model
from canhve.engines.rostering.greedy import pinned_roster
from canhve.engines.rostering.index import compile_problem
from canhve.engines.rostering.model import RosterProblem, RosterSolution, Weights
from canhve.engines.rostering.solution import Clock, assemble


def solve_monolithic(
    problem: RosterProblem, *, time_limit: float = 60.0, weights: Weights | None = None, num_workers: int = 2
) -> RosterSolution:
    """One CP-SAT model over every eligible (officer, demand) pair, no warm start; pins are kept.

    `time_limit` is CP-SAT's own budget, counted after the model is built (building it alone takes tens
    of seconds at benchmark size); that setup time is reported separately in the stats.
    """
    weights = weights or Weights()
    setup = Clock(0.0)
    index = compile_problem(problem)
    roster = pinned_roster(index)
    open_model = build_open_model(index, roster, range(index.n_officers), weights)
    setup_seconds = round(setup.elapsed(), 3)
    clock = Clock(time_limit)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
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
    stats = clock.stats(f"cp-sat ({solver.status_name(status)})")
    return assemble(index, roster, weights, replace(stats, setup_seconds=setup_seconds))
