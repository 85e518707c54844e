"""Pure rules of an operation's life-cycle, its tasks and its plan versions. No ORM: the services pass
plain values in and act on the answers.

Operation life-cycle (Law on Guard; shared/docs/domain.md §3–4):

    requested → planning → approved → advance → rehearsal → executing → stand_down → review → closed
    any state before executing → cancelled; approved → planning (re-open the plan)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import unified_diff

# Role values (canhve.accounts.models.Role), repeated here so the module stays free of Django.
OFFICER, PLANNER, COMMANDER = 20, 30, 40

ORDER = (
    "requested",
    "planning",
    "approved",
    "advance",
    "rehearsal",
    "executing",
    "stand_down",
    "review",
    "closed",
)
CANCELLABLE = frozenset({"requested", "planning", "approved", "advance", "rehearsal"})

# (from, to) → the role needed in the owning agency.
TRANSITIONS: dict[tuple[str, str], int] = {
    ("requested", "planning"): PLANNER,
    ("planning", "approved"): COMMANDER,
    ("approved", "planning"): COMMANDER,
    ("approved", "advance"): PLANNER,
    ("advance", "rehearsal"): PLANNER,
    ("advance", "executing"): COMMANDER,  # no rehearsal for a small activity, on the commander's word
    ("rehearsal", "executing"): COMMANDER,
    ("executing", "stand_down"): COMMANDER,
    ("stand_down", "review"): PLANNER,
    ("review", "closed"): COMMANDER,
    **{(state, "cancelled"): COMMANDER for state in CANCELLABLE},
}

# A task's gate is the state it must be finished before; reaching these states checks the gate.
GATE_STATES = {"approved": "approved", "executing": "executing"}

TASK_STATES = ("open", "in_progress", "done", "not_applicable")
TASK_TRANSITIONS = {
    "open": {"in_progress", "done", "not_applicable"},
    "in_progress": {"open", "done", "not_applicable"},
    "done": {"in_progress"},
    "not_applicable": {"open"},
}
CLOSED_TASK_STATES = frozenset({"done", "not_applicable"})

PLAN_TRANSITIONS: dict[tuple[str, str], int] = {
    ("draft", "reviewed"): PLANNER,
    ("reviewed", "draft"): PLANNER,
    ("reviewed", "approved"): COMMANDER,
    ("approved", "issued"): COMMANDER,
    ("issued", "amended"): PLANNER,  # an amendment is being drafted as a new version
    ("amended", "superseded"): COMMANDER,
    ("issued", "superseded"): COMMANDER,
    ("approved", "superseded"): COMMANDER,
}


@dataclass(frozen=True)
class TaskState:
    """What the life-cycle needs to know of a task."""

    title: str
    status: str
    mandatory: bool
    gate: str


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[str, ...] = ()


def next_states(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def role_needed(status: str, target: str) -> int | None:
    return TRANSITIONS.get((status, target))


def gate_reached(target: str) -> tuple[str, ...]:
    """The task gates that must be clear to enter `target` (entering executing checks both gates)."""
    if target not in ORDER:
        return ()
    pos = ORDER.index(target)
    return tuple(gate for gate, state in GATE_STATES.items() if ORDER.index(state) <= pos)


def check_transition(
    status: str,
    target: str,
    *,
    role: int,
    tasks: Iterable[TaskState] = (),
    plan_statuses: Iterable[str] = (),
    cancel_reason: str = "",
) -> Verdict:
    """May an operation in `status` move to `target` for someone holding `role` in the owning agency?"""
    needed = role_needed(status, target)
    if needed is None:
        return Verdict(False, (f"Không chuyển được từ “{status}” sang “{target}”.",))
    reasons: list[str] = []
    if role < needed:
        reasons.append("Không đủ thẩm quyền để chuyển trạng thái này.")
    if target == "cancelled" and not cancel_reason.strip():
        reasons.append("Cần nêu lý do hủy.")
    if target == "approved" and not set(plan_statuses) & {"approved", "issued"}:
        reasons.append("Phương án cảnh vệ chưa được phê duyệt.")
    moving_forward = target in ORDER and status in ORDER and ORDER.index(target) > ORDER.index(status)
    if moving_forward:
        gates = gate_reached(target)
        blocking = [
            t.title for t in tasks if t.mandatory and t.gate in gates and t.status not in CLOSED_TASK_STATES
        ]
        if blocking:
            shown = "; ".join(blocking[:5]) + ("…" if len(blocking) > 5 else "")
            reasons.append(f"Còn {len(blocking)} nhiệm vụ bắt buộc chưa hoàn thành: {shown}")
    return Verdict(not reasons, tuple(reasons))


def check_task_change(status: str, target: str, *, na_reason: str = "") -> Verdict:
    if target not in TASK_TRANSITIONS.get(status, set()):
        return Verdict(False, ("Không chuyển được trạng thái nhiệm vụ này.",))
    if target == "not_applicable" and not na_reason.strip():
        return Verdict(False, ("Cần nêu lý do không áp dụng.",))
    return Verdict(True)


def task_due(starts_at: dt.datetime, offset_hours: int) -> dt.datetime:
    return starts_at + dt.timedelta(hours=offset_hours)


def due_label(offset_hours: int) -> str:
    return f"T{offset_hours:+d} h" if offset_hours else "T"


def check_plan_transition(status: str, target: str, *, role: int) -> Verdict:
    needed = PLAN_TRANSITIONS.get((status, target))
    if needed is None:
        return Verdict(False, (f"Không chuyển được phương án từ “{status}” sang “{target}”.",))
    if role < needed:
        return Verdict(False, ("Không đủ thẩm quyền.",))
    return Verdict(True)


def plan_next_states(status: str) -> list[str]:
    return [to for (frm, to) in PLAN_TRANSITIONS if frm == status]


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    lines: tuple[str, ...]


def diff_texts(old: Mapping[str, str], new: Mapping[str, str], labels: Mapping[str, str]) -> list[FieldDiff]:
    """Line-by-line diff of each text field that differs between two plan versions."""
    out = []
    for name, label in labels.items():
        a, b = (old.get(name) or "").splitlines(), (new.get(name) or "").splitlines()
        if a == b:
            continue
        lines = tuple(
            line for line in unified_diff(a, b, lineterm="", n=1) if not line.startswith(("---", "+++"))
        )
        out.append(FieldDiff(name, label, lines))
    return out


def diff_lists(old: Iterable[str], new: Iterable[str]) -> tuple[list[str], list[str]]:
    """Items removed and added between two versions (tasks, routes, contingencies as one-line strings)."""
    a, b = list(old), list(new)
    return [x for x in a if x not in b], [x for x in b if x not in a]


def worst_segment(segments: list[Mapping[str, float]]) -> int | None:
    """Index of the segment with the longest drive to its nearest hospital (ties: the farther police)."""
    if not segments:
        return None
    return max(
        range(len(segments)),
        key=lambda i: (segments[i].get("hospital_s") or 0.0, segments[i].get("police_s") or 0.0),
    )
