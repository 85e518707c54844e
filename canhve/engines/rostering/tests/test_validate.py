"""The validator is the referee of every other test, so each rule is shown to catch its own breach."""

from datetime import datetime, timedelta

from canhve.engines.rostering.generate import HANOI
from canhve.engines.rostering.model import (
    Assignment,
    Demand,
    Interval,
    Officer,
    Post,
    RosterProblem,
    Rule,
    Shift,
    Skill,
)
from canhve.engines.rostering.validate import check_roster

MONDAY = datetime(2025, 6, 2, 6, tzinfo=HANOI)


def shift(name: str, hours_from_monday: int, length: int = 8) -> Shift:
    start = MONDAY + timedelta(hours=hours_from_monday)
    return Shift(name, start, start + timedelta(hours=length))


SHIFTS = (
    shift("mon-06", 0),
    shift("mon-14", 8),
    shift("mon-22", 16),
    shift("tue-06", 24),
    shift("mon-10", 4),
)
POSTS = (Post("gate", required_skills=frozenset({"close_protection"}), min_clearance=2), Post("lobby"))


def problem(officer: Officer, pins: tuple[Assignment, ...] = ()) -> RosterProblem:
    demands = tuple(Demand(p.id, s.id, 1) for p in POSTS for s in SHIFTS)
    return RosterProblem((officer,), POSTS, SHIFTS, demands, pins=pins)


def rules(officer: Officer, *assignments: Assignment) -> set[Rule]:
    return {v.rule for v in check_roster(problem(officer), assignments)}


GOOD = Officer("a", "K01", skills=(Skill("close_protection"),), clearance=2)


def test_valid_roster_has_no_violations():
    assert rules(GOOD, Assignment("a", "gate", "mon-06"), Assignment("a", "lobby", "tue-06")) == set()


def test_missing_and_expired_skill():
    assert rules(Officer("a", "K01", clearance=3), Assignment("a", "gate", "mon-06")) == {Rule.SKILL}
    lapsed = Officer(
        "a", "K01", skills=(Skill("close_protection", MONDAY + timedelta(hours=7)),), clearance=3
    )
    assert rules(lapsed, Assignment("a", "gate", "mon-06")) == {Rule.SKILL}


def test_clearance():
    low = Officer("a", "K01", skills=(Skill("close_protection"),), clearance=1)
    assert rules(low, Assignment("a", "gate", "mon-06")) == {Rule.CLEARANCE}


def test_leave():
    away = Officer(
        "a", "K01", unavailable=(Interval(MONDAY + timedelta(hours=7), MONDAY + timedelta(hours=9)),)
    )
    assert rules(away, Assignment("a", "lobby", "mon-06")) == {Rule.AVAILABILITY}


def test_overlap_and_short_rest():
    assert rules(GOOD, Assignment("a", "gate", "mon-06"), Assignment("a", "lobby", "mon-10")) == {
        Rule.OVERLAP
    }
    # 14–22 then 06 next day is 8 h of rest.
    assert rules(GOOD, Assignment("a", "gate", "mon-14"), Assignment("a", "lobby", "tue-06")) == {Rule.REST}
    # Back-to-back shifts do not overlap but leave no rest.
    assert rules(GOOD, Assignment("a", "gate", "mon-06"), Assignment("a", "lobby", "mon-14")) == {Rule.REST}


def test_weekly_cap():
    capped = Officer("a", "K01", weekly_cap=timedelta(hours=8))
    assert rules(capped, Assignment("a", "lobby", "mon-06"), Assignment("a", "lobby", "tue-06")) == {
        Rule.WEEKLY_CAP
    }


def test_head_count_unknowns_and_duplicates():
    found = rules(
        GOOD,
        Assignment("a", "gate", "mon-06"),
        Assignment("a", "gate", "mon-06"),
        Assignment("ghost", "gate", "mon-06"),
    )
    assert found == {Rule.HEAD_COUNT, Rule.DUPLICATE, Rule.UNKNOWN_REFERENCE}


def test_unstaffed_post_and_missing_pin():
    pin = Assignment("a", "lobby", "tue-06")
    without_demand = RosterProblem((GOOD,), POSTS, SHIFTS, (Demand("lobby", "tue-06", 1),), pins=(pin,))
    violations = check_roster(without_demand, [Assignment("a", "gate", "mon-06")])
    assert {v.rule for v in violations} == {Rule.NO_DEMAND, Rule.PIN_MISSING}
