"""Roster solver benchmark: greedy+windows+LNS vs a plain greedy vs a straight CP-SAT model, one run.

Usage: .venv/bin/python benchmarks/rostering.py [--officers 1000 --posts 200 --days 7 --seed 0]
Each method runs in its own process so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
from collections.abc import Callable
from multiprocessing.queues import Queue

from canhve.engines.rostering.generate import generate
from canhve.engines.rostering.greedy import pinned_roster, plain_greedy
from canhve.engines.rostering.index import compile_problem
from canhve.engines.rostering.model import RosterSolution, SolveStats, Weights
from canhve.engines.rostering.monolithic import solve_monolithic
from canhve.engines.rostering.solution import assemble
from canhve.engines.rostering.solver import solve


def run_greedy(args: argparse.Namespace) -> RosterSolution:
    problem = generate(args.officers, args.posts, args.days, seed=args.seed).problem
    started = time.monotonic()
    index = compile_problem(problem)
    roster = pinned_roster(index)
    plain_greedy(index, roster)
    seconds = time.monotonic() - started
    return assemble(index, roster, Weights(), SolveStats("plain greedy", round(seconds, 3)))


def run_ours(args: argparse.Namespace, seconds: float) -> RosterSolution:
    problem = generate(args.officers, args.posts, args.days, seed=args.seed).problem
    return solve(problem, time_limit=seconds, num_workers=2, seed=args.seed)


def run_straight(args: argparse.Namespace, seconds: float) -> RosterSolution:
    problem = generate(args.officers, args.posts, args.days, seed=args.seed).problem
    return solve_monolithic(problem, time_limit=seconds, num_workers=2)


Runner = Callable[..., RosterSolution]


def _child(target: Runner, args: argparse.Namespace, extra: tuple[float, ...], queue: Queue) -> None:
    solution = target(args, *extra)
    queue.put((solution, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(target: Runner, args: argparse.Namespace, *extra: float) -> tuple[RosterSolution, float]:
    queue: Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_child, args=(target, args, extra, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def row(name: str, solution: RosterSolution, peak_mb: float) -> str:
    o = solution.objective
    first = solution.stats.first_complete_seconds
    first_solution = solution.stats.history[0][0] if solution.stats.history else None
    return (
        f"| {name} | {solution.stats.setup_seconds:.1f} + {solution.stats.seconds:.1f} | "
        f"{first if first is not None else '—'} | "
        f"{first_solution if first_solution is not None else '—'} | {o.unfilled} | "
        f"{len(solution.violations)} | "
        f"{o.agency_shortfall} | {o.night_pairs} | {o.weekend_pairs} | {o.extra_posts} | {o.preference} | "
        f"{o.total} | {peak_mb:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ours-seconds", type=float, default=30.0)
    parser.add_argument("--straight-seconds", type=float, default=60.0)
    args = parser.parse_args()

    instance = generate(args.officers, args.posts, args.days, seed=args.seed)
    problem = instance.problem
    index = compile_problem(problem)
    places = sum(d.head_count for d in problem.demands)
    pairs = sum(len(e) for e in index.eligible)
    print(
        f"instance: {len(problem.officers)} officers, {len(problem.posts)} posts,"
        f" {len(problem.shifts)} shifts, {places} places, {pairs} eligible (officer, post-shift) pairs"
    )
    results = [
        ("plain greedy", *measure(run_greedy, args)),
        (f"greedy+windows+LNS, {args.ours_seconds:.0f} s", *measure(run_ours, args, args.ours_seconds)),
        (
            f"straight CP-SAT, {args.straight_seconds:.0f} s",
            *measure(run_straight, args, args.straight_seconds),
        ),
    ]
    print(
        "| method | setup + search s | first complete roster (s) | first solution (s) | unfilled |"
        " hard-rule violations | agency shortfall | night pairs | weekend pairs | extra posts | preference |"
        " objective | peak MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, solution, peak in results:
        print(row(name, solution, peak))
    ours = results[1][1]
    print(
        "objective trajectory (s, objective) of ours:", ours.stats.history[:3], "...", ours.stats.history[-2:]
    )


if __name__ == "__main__":
    main()
