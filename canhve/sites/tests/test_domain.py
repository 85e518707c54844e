"""Pure rules: gates, scoring, automatic-criterion scores, transitions, dates, checklist. No database."""

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from canhve.sites import domain

DEFAULT = json.loads(
    (Path(__file__).resolve().parents[3] / "data/criteria/safe_point_default_v1.json").read_text()
)
SPEC = domain.parse_criteria(DEFAULT)
GATES = [c.code for c in SPEC.criteria if c.kind == domain.GATE]
SCORED = [c for c in SPEC.criteria if c.kind == domain.SCORED]


def all_gates(value=True):
    return {g: value for g in GATES}


def test_the_default_set_is_the_domain_brief_proposal():
    assert len(GATES) == 7
    assert sum(c.weight for c in SCORED) == 100
    assert {c.code: c.weight for c in SCORED}["detour"] == 15
    assert SPEC.approve_threshold == 70 and SPEC.resurvey_months == 12
    assert {c.auto for c in SCORED if c.auto} == set(domain.AUTO_KINDS)


def test_full_marks_score_100_and_are_approvable():
    result = domain.evaluate(SPEC, all_gates(), {c.code: 5 for c in SCORED})
    assert result.score == 100 and result.gates_passed and result.approvable


def test_score_is_weighted_sum_over_five():
    scores = {c.code: 0 for c in SCORED} | {"detour": 5, "hospital": 3}
    # 15·5/5 + 15·3/5 = 15 + 9
    assert domain.evaluate(SPEC, all_gates(), scores).score == 24


def test_one_failed_gate_blocks_approval_whatever_the_score():
    gates = all_gates() | {"fire_exits": False}
    result = domain.evaluate(SPEC, gates, {c.code: 5 for c in SCORED})
    assert result.score == 100
    assert not result.approvable and result.failed_gates == ("fire_exits",)


def test_an_unanswered_gate_fails_and_is_reported_missing():
    gates = all_gates()
    del gates["sweepable"]
    result = domain.evaluate(SPEC, gates, {c.code: 5 for c in SCORED})
    assert not result.gates_passed and "sweepable" in result.missing


def test_threshold_is_inclusive():
    # 70 exactly: detour, hospital, police, comms, overlook, footfall at 5 = 15+15+10+10+10+10 = 70
    scores = {c.code: 0 for c in SCORED} | {
        k: 5 for k in ("detour", "hospital", "police", "comms", "overlook", "footfall")
    }
    assert domain.evaluate(SPEC, all_gates(), scores).score == 70
    assert domain.evaluate(SPEC, all_gates(), scores).approvable
    scores["footfall"] = 4
    assert not domain.evaluate(SPEC, all_gates(), scores).approvable


def test_a_score_outside_0_to_5_is_refused():
    with pytest.raises(ValueError):
        domain.evaluate(SPEC, all_gates(), {"comms": 6})


@given(st.dictionaries(st.sampled_from([c.code for c in SCORED]), st.integers(0, 5)))
def test_score_stays_between_0_and_100(scores):
    assert 0 <= domain.evaluate(SPEC, all_gates(), scores).score <= 100


def test_auto_score_lower_is_better_for_times():
    assert domain.auto_score(10, good=15, bad=45) == 5
    assert domain.auto_score(15, good=15, bad=45) == 5
    assert domain.auto_score(30, good=15, bad=45) == 2
    assert domain.auto_score(45, good=15, bad=45) == 0
    assert domain.auto_score(float("inf"), good=15, bad=45) == 0
    assert domain.auto_score(None, good=15, bad=45) is None


def test_auto_score_higher_is_better_for_hazard_distance():
    assert domain.auto_score(500, good=200, bad=50) == 5
    assert domain.auto_score(125, good=200, bad=50) == 2
    assert domain.auto_score(20, good=200, bad=50) == 0


@given(st.floats(0, 1000), st.floats(0, 1000))
def test_auto_score_is_monotonic(a, b):
    lo, hi = min(a, b), max(a, b)
    assert domain.auto_score(lo, good=15, bad=45) >= domain.auto_score(hi, good=15, bad=45)


def test_parse_rejects_bad_sets_with_every_reason():
    bad = {
        "criteria": [
            {"code": "a", "kind": "gate", "weight": 5},
            {"code": "a", "kind": "scored", "weight": 50},
            {"code": "t", "kind": "scored", "weight": 10, "auto": "teleport", "good": 1, "bad": 2},
        ]
    }
    with pytest.raises(ValueError) as err:
        domain.parse_criteria(bad)
    problems = " ".join(err.value.args[0])
    assert "bị trùng" in problems and "Tổng trọng số" in problems and "teleport" in problems
    assert "bắt buộc không có trọng số" in problems


def test_lifecycle_transitions():
    assert domain.can_transition("proposed", "surveyed")
    assert not domain.can_transition("proposed", "approved")
    assert domain.can_transition("scored", "approved")
    assert domain.can_transition("approved", "resurvey_due")
    assert domain.can_transition("resurvey_due", "surveyed")
    assert not domain.can_transition("resurvey_due", "approved")
    assert not any(domain.can_transition("retired", s) for s in domain.SafePointState)


def test_resurvey_due_twelve_months_after_the_survey_clamped_to_month_end():
    assert domain.resurvey_due_on(dt.date(2025, 3, 15), 12) == dt.date(2026, 3, 15)
    assert domain.resurvey_due_on(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert domain.resurvey_due_on(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)


def test_usable_only_while_approved_and_not_due():
    due = dt.date(2026, 6, 1)
    assert domain.is_usable("approved", due, dt.date(2026, 5, 31))
    assert not domain.is_usable("approved", due, dt.date(2026, 6, 1))
    assert not domain.is_usable("scored", due, dt.date(2026, 1, 1))
    assert domain.state_on("approved", due, dt.date(2026, 6, 1)) == "resurvey_due"
    assert domain.state_on("approved", due, dt.date(2026, 5, 1)) == "approved"


def test_checklist_completion():
    results = domain.checklist(
        {"hospital": 3, "police": 1, "venue": 1}, approved_points=0, contacts=2, confirmed=["routes"]
    )
    done = {r.key for r in results if r.done}
    assert done == {"hospitals", "police", "venues", "contacts", "routes"}
    assert domain.completion(results) == round(100 * 5 / len(domain.CHECKLIST))
