"""Properties of every roster the engine returns, on small random problems."""

from collections import Counter
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canhve.engines.rostering import PinError, ReasonCode, check_roster, solve
from canhve.engines.rostering.generate import HANOI, generate
from canhve.engines.rostering.greedy import pinned_roster, plain_greedy
from canhve.engines.rostering.index import compile_problem
from canhve.engines.rostering.model import (
    Assignment,
    Demand,
    Officer,
    Post,
    RosterProblem,
    Shift,
    Skill,
    SolveStats,
    Weights,
)
from canhve.engines.rostering.monolithic import solve_monolithic
from canhve.engines.rostering.solution import assemble
from canhve.engines.rostering.tests.strategies import problems

MONDAY = datetime(2025, 6, 2, 22, tzinfo=HANOI)
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_consistent(problem: RosterProblem, assignments: tuple[Assignment, ...], unfilled) -> None:
    assert check_roster(problem, assignments) == ()
    staffed = Counter((a.post_id, a.shift_id) for a in assignments)
    expected = {
        (d.post_id, d.shift_id): d.head_count - staffed[d.post_id, d.shift_id]
        for d in problem.demands
        if staffed[d.post_id, d.shift_id] < d.head_count
    }
    assert {(u.post_id, u.shift_id): u.missing_count for u in unfilled} == expected
    assert all(u.reasons for u in unfilled)


@PROPERTY
@given(problems())
def test_solver_keeps_every_hard_rule(problem):
    solution = solve(problem, time_limit=5, num_workers=1)
    assert solution.hard_rules_hold
    assert_consistent(problem, solution.assignments, solution.unfilled)


@PROPERTY
@given(problems())
def test_plain_greedy_and_straight_model_keep_every_hard_rule(problem):
    index = compile_problem(problem)
    roster = pinned_roster(index)
    plain_greedy(index, roster)
    greedy = assemble(index, roster, Weights(), SolveStats("plain greedy", 0.0))
    assert_consistent(problem, greedy.assignments, greedy.unfilled)
    straight = solve_monolithic(problem, time_limit=5, num_workers=1)
    assert_consistent(problem, straight.assignments, straight.unfilled)


@PROPERTY
@given(problems(max_officers=5))
def test_solver_never_worse_than_plain_greedy_on_small_problems(problem):
    # Small enough that the solver's whole-problem CP-SAT step is proven optimal.
    index = compile_problem(problem)
    roster = pinned_roster(index)
    plain_greedy(index, roster)
    greedy = assemble(index, roster, Weights(), SolveStats("plain greedy", 0.0))
    assert solve(problem, time_limit=20, num_workers=1).objective.total <= greedy.objective.total


@PROPERTY
@given(problems(), st.data())
def test_pins_are_kept_when_resolving(problem, data):
    first = solve(problem, time_limit=5, num_workers=1)
    pins = (
        tuple(data.draw(st.lists(st.sampled_from(first.assignments), unique=True)))
        if first.assignments
        else ()
    )
    pinned = RosterProblem(problem.officers, problem.posts, problem.shifts, problem.demands, pins=pins)
    again = solve(pinned, time_limit=5, num_workers=1)
    assert set(pins) <= set(again.assignments)
    assert again.hard_rules_hold


def test_pins_breaking_a_rule_are_refused():
    officers = (Officer("a", "K01"),)
    shifts = (
        Shift("night", MONDAY, MONDAY + timedelta(hours=8)),
        Shift("next", MONDAY + timedelta(hours=12), MONDAY + timedelta(hours=20)),
    )
    demands = tuple(Demand("gate", s.id, 1) for s in shifts)
    pins = tuple(Assignment("a", "gate", s.id) for s in shifts)  # only 4 h of rest between them
    with pytest.raises(PinError):
        solve(
            RosterProblem(officers, (Post("gate"),), shifts, demands, pins=pins), time_limit=2, num_workers=1
        )


def test_generated_instance_is_feasible_and_solved_completely():
    instance = generate(40, 8, 7, seed=5)
    assert check_roster(instance.problem, instance.planted) == ()
    heads = sum(d.head_count for d in instance.problem.demands)
    assert len(instance.planted) == heads
    solution = solve(instance.problem, time_limit=10, num_workers=1)
    assert solution.is_complete and solution.hard_rules_hold


def test_progress_is_reported_in_order_and_ends_at_one():
    seen: list[float] = []
    solve(
        generate(20, 4, 3, seed=1).problem,
        time_limit=2,
        num_workers=1,
        on_progress=lambda f, m: seen.append(f),
    )
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0


def test_soft_rules_improve_on_the_planted_roster():
    # The planted roster puts a third of the officers on every night shift; the solver should spread them.
    instance = generate(60, 12, 7, seed=2)
    solution = solve(instance.problem, time_limit=5, num_workers=1)
    index = compile_problem(instance.problem)
    roster = pinned_roster(index)
    for a in instance.planted:
        roster.add(index.officer_pos[a.officer_id], index.demand_pos[a.post_id, a.shift_id])
    planted = assemble(index, roster, Weights(), SolveStats("planted", 0.0)).objective
    assert solution.objective.night_pairs < planted.night_pairs
    assert solution.objective.total < planted.total


def test_explains_missing_skill_clearance_and_people():
    shift = Shift("mon", MONDAY, MONDAY + timedelta(hours=8))
    officers = tuple(Officer(f"o{i}", "K01", skills=(Skill("driver"),), clearance=1) for i in range(3))
    posts = (
        Post("eod", required_skills=frozenset({"eod"})),
        Post("secret", required_skills=frozenset({"driver"}), min_clearance=3),
        Post("crowd"),
    )
    demands = (Demand("eod", shift.id, 1), Demand("secret", shift.id, 1), Demand("crowd", shift.id, 5))
    solution = solve(RosterProblem(officers, posts, (shift,), demands), time_limit=2, num_workers=1)
    unfilled = {u.post_id: u for u in solution.unfilled}
    assert ReasonCode.MISSING_SKILL in {r.code for r in unfilled["eod"].reasons}
    assert ReasonCode.CLEARANCE in {r.code for r in unfilled["secret"].reasons}
    assert {r.code for r in unfilled["crowd"].reasons} == {ReasonCode.PEOPLE}
    assert unfilled["crowd"].missing_count == 2
