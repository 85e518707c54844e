import datetime as dt

from canhve.operations import domain
from canhve.operations.domain import COMMANDER, OFFICER, PLANNER, TaskState


def test_the_life_cycle_runs_forward_in_order():
    assert domain.next_states("requested") == ["planning", "cancelled"]
    assert "approved" in domain.next_states("planning")
    assert domain.next_states("closed") == []
    assert domain.next_states("cancelled") == []


def test_it_refuses_a_skipped_state():
    verdict = domain.check_transition("requested", "executing", role=COMMANDER)
    assert not verdict.allowed


def test_approval_needs_a_commander_and_an_approved_plan():
    assert not domain.check_transition(
        "planning", "approved", role=PLANNER, plan_statuses=["approved"]
    ).allowed
    assert not domain.check_transition(
        "planning", "approved", role=COMMANDER, plan_statuses=["draft"]
    ).allowed
    assert domain.check_transition("planning", "approved", role=COMMANDER, plan_statuses=["approved"]).allowed


def test_no_approval_while_a_mandatory_task_is_open():
    tasks = [
        TaskState("Khảo sát", "open", True, "approved"),
        TaskState("Bảo vệ tiếp cận", "open", True, "executing"),
    ]
    verdict = domain.check_transition(
        "planning", "approved", role=COMMANDER, tasks=tasks, plan_statuses=["approved"]
    )
    assert not verdict.allowed
    assert "Khảo sát" in verdict.reasons[0]
    assert "Bảo vệ tiếp cận" not in verdict.reasons[0]


def test_tasks_not_applicable_or_optional_do_not_block():
    tasks = [
        TaskState("Khảo sát", "not_applicable", True, "approved"),
        TaskState("KT", "open", False, "approved"),
    ]
    assert domain.check_transition(
        "planning", "approved", role=COMMANDER, tasks=tasks, plan_statuses=["issued"]
    ).allowed


def test_execution_checks_both_gates():
    tasks = [TaskState("Bảo vệ tiếp cận", "in_progress", True, "executing")]
    assert not domain.check_transition("rehearsal", "executing", role=COMMANDER, tasks=tasks).allowed
    done = [TaskState("Bảo vệ tiếp cận", "done", True, "executing")]
    assert domain.check_transition("rehearsal", "executing", role=COMMANDER, tasks=done).allowed


def test_cancelling_needs_a_reason_and_is_impossible_once_executing():
    assert not domain.check_transition("planning", "cancelled", role=COMMANDER).allowed
    assert domain.check_transition("planning", "cancelled", role=COMMANDER, cancel_reason="Hoãn").allowed
    assert not domain.check_transition("executing", "cancelled", role=COMMANDER, cancel_reason="x").allowed


def test_an_officer_cannot_move_the_operation():
    assert not domain.check_transition("requested", "planning", role=OFFICER).allowed


def test_not_applicable_needs_a_reason():
    assert not domain.check_task_change("open", "not_applicable").allowed
    assert domain.check_task_change("open", "not_applicable", na_reason="Không có bữa ăn").allowed
    assert not domain.check_task_change("done", "not_applicable", na_reason="x").allowed


def test_due_time_is_relative_to_the_start():
    start = dt.datetime(2030, 1, 1, 8, 0)
    assert domain.task_due(start, -72) == dt.datetime(2029, 12, 29, 8, 0)
    assert domain.due_label(-2) == "T-2 h"


def test_plan_versions_follow_their_own_cycle():
    assert domain.check_plan_transition("draft", "reviewed", role=PLANNER).allowed
    assert not domain.check_plan_transition("reviewed", "approved", role=PLANNER).allowed
    assert domain.check_plan_transition("reviewed", "approved", role=COMMANDER).allowed
    assert not domain.check_plan_transition("draft", "issued", role=COMMANDER).allowed


def test_the_diff_shows_changed_lines_only():
    out = domain.diff_texts({"a": "x\ny", "b": "same"}, {"a": "x\nz", "b": "same"}, {"a": "A", "b": "B"})
    assert [d.field for d in out] == ["a"]
    assert "-y" in out[0].lines and "+z" in out[0].lines


def test_the_worst_segment_is_the_farthest_from_a_hospital():
    segs = [{"hospital_s": 100, "police_s": 50}, {"hospital_s": 400, "police_s": 10}, {"hospital_s": 400}]
    assert domain.worst_segment(segs) == 1
    assert domain.worst_segment([]) is None
