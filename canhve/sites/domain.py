"""Pure rules for safe stop/rest points (điểm dừng, nghỉ an toàn) and the basic survey (điều tra cơ bản).

No ORM here: criteria, answers and dates come in as plain values, so the rules test without a database.
The default criteria are the proposal of the domain brief §5 (the Ministry's own are not public):
gates pass or fail; weighted criteria are scored 0–5; score = Σ w·s / 5; approve at ≥ 70 with every gate.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

GATE = "gate"
SCORED = "scored"
AUTO_KINDS = ("detour", "hospital", "police", "hazard", "survey_age")
MAX_SCORE = 5


class SafePointState(StrEnum):
    PROPOSED = "proposed"
    SURVEYED = "surveyed"
    SCORED = "scored"
    APPROVED = "approved"
    RESURVEY_DUE = "resurvey_due"
    SUSPENDED = "suspended"
    RETIRED = "retired"


S = SafePointState
TRANSITIONS: dict[SafePointState, frozenset[SafePointState]] = {
    S.PROPOSED: frozenset({S.SURVEYED, S.RETIRED}),
    S.SURVEYED: frozenset({S.SURVEYED, S.SCORED, S.SUSPENDED, S.RETIRED}),
    S.SCORED: frozenset({S.SURVEYED, S.SCORED, S.APPROVED, S.SUSPENDED, S.RETIRED}),
    S.APPROVED: frozenset({S.SURVEYED, S.RESURVEY_DUE, S.SUSPENDED, S.RETIRED}),
    S.RESURVEY_DUE: frozenset({S.SURVEYED, S.SUSPENDED, S.RETIRED}),
    S.SUSPENDED: frozenset({S.SURVEYED, S.APPROVED, S.RETIRED}),
    S.RETIRED: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return SafePointState(target) in TRANSITIONS[SafePointState(current)]


# ---- criteria sets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    kind: str  # GATE or SCORED
    label: str
    weight: int = 0
    auto: str = ""  # one of AUTO_KINDS: computed, never typed in
    good: float | None = None  # value that earns 5 (auto criteria)
    bad: float | None = None  # value that earns 0
    unit: str = ""


@dataclass(frozen=True)
class CriteriaSpec:
    code: str
    version: int
    title: str
    criteria: tuple[CriterionSpec, ...]
    approve_threshold: float = 70.0
    resurvey_months: int = 12


def parse_criteria(data: Mapping[str, object]) -> CriteriaSpec:
    """Build and validate a criteria set from its JSON form. Raises ValueError with every problem found."""
    problems: list[str] = []
    rows = data.get("criteria")
    if not isinstance(rows, list) or not rows:
        raise ValueError("Bộ tiêu chí phải có danh sách 'criteria'.")
    criteria = []
    seen: set[str] = set()
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            problems.append(f"Tiêu chí {i}: không phải đối tượng.")
            continue
        code, kind = str(row.get("code", "")).strip(), row.get("kind")
        if not code:
            problems.append(f"Tiêu chí {i}: thiếu mã.")
        elif code in seen:
            problems.append(f"Tiêu chí {i}: mã '{code}' bị trùng.")
        seen.add(code)
        if kind not in (GATE, SCORED):
            problems.append(f"Tiêu chí {code or i}: loại phải là 'gate' hoặc 'scored'.")
            continue
        weight = int(row.get("weight", 0) or 0)
        auto = str(row.get("auto", "") or "")
        if kind == GATE and (weight or auto):
            problems.append(f"Tiêu chí {code}: điều kiện bắt buộc không có trọng số hay tính tự động.")
        if kind == SCORED and weight <= 0:
            problems.append(f"Tiêu chí {code}: trọng số phải dương.")
        if auto and auto not in AUTO_KINDS:
            problems.append(f"Tiêu chí {code}: kiểu tự động '{auto}' không có.")
        good, bad = row.get("good"), row.get("bad")
        if auto and (good is None or bad is None or float(good) == float(bad)):  # type: ignore[arg-type]
            problems.append(f"Tiêu chí {code}: tiêu chí tự động cần ngưỡng 'good' và 'bad' khác nhau.")
        criteria.append(
            CriterionSpec(
                code=code,
                kind=str(kind),
                label=str(row.get("label", code)),
                weight=weight,
                auto=auto,
                good=float(good) if good is not None else None,  # type: ignore[arg-type]
                bad=float(bad) if bad is not None else None,  # type: ignore[arg-type]
                unit=str(row.get("unit", "")),
            )
        )
    total = sum(c.weight for c in criteria if c.kind == SCORED)
    if criteria and total != 100:
        problems.append(f"Tổng trọng số phải bằng 100 (hiện {total}).")
    threshold = float(data.get("approve_threshold", 70))  # type: ignore[arg-type]
    if not 0 < threshold <= 100:
        problems.append("Ngưỡng phê duyệt phải trong (0, 100].")
    months = int(data.get("resurvey_months", 12))  # type: ignore[call-overload]
    if not 1 <= months <= 60:
        problems.append("Chu kỳ khảo sát lại phải từ 1 đến 60 tháng.")
    if problems:
        raise ValueError(problems)
    return CriteriaSpec(
        code=str(data.get("code", "safe-point")),
        version=int(data.get("version", 1)),  # type: ignore[call-overload]
        title=str(data.get("title", "")),
        criteria=tuple(criteria),
        approve_threshold=threshold,
        resurvey_months=months,
    )


# ---- scoring ------------------------------------------------------------------------------------------


def auto_score(value: float | None, good: float, bad: float) -> int | None:
    """0–5 by linear interpolation between the value that earns 5 (`good`) and the one that earns 0 (`bad`).

    Works both ways: for times lower is better (good < bad), for distances higher is better (good > bad).
    None (not computable, e.g. no road to any hospital) stays None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if math.isinf(value):
        return 0 if (value > 0) == (bad > good) else MAX_SCORE
    frac = (bad - value) / (bad - good)
    return int(max(0, min(MAX_SCORE, math.floor(frac * MAX_SCORE + 1e-9))))


@dataclass(frozen=True)
class Evaluation:
    score: float  # 0–100
    gates_passed: bool
    failed_gates: tuple[str, ...]
    missing: tuple[str, ...]  # criteria without an answer (counted as fail / 0)
    approvable: bool
    reasons: tuple[str, ...] = field(default=())


def evaluate(
    spec: CriteriaSpec, gates: Mapping[str, bool | None], scores: Mapping[str, int | None]
) -> Evaluation:
    """Score = Σ weight·score / 5 over scored criteria; approvable at ≥ threshold with every gate passed.
    An unanswered gate fails; an unanswered scored criterion counts 0."""
    failed, missing = [], []
    total = 0.0
    for c in spec.criteria:
        if c.kind == GATE:
            ok = gates.get(c.code)
            if ok is None:
                missing.append(c.code)
            if not ok:
                failed.append(c.code)
        else:
            s = scores.get(c.code)
            if s is None:
                missing.append(c.code)
                continue
            if not 0 <= s <= MAX_SCORE:
                raise ValueError(f"score of {c.code} must be 0–5, got {s}")
            total += c.weight * s / MAX_SCORE
    score = round(total, 2)
    reasons = []
    if failed:
        reasons.append("Chưa đạt điều kiện bắt buộc: " + ", ".join(failed) + ".")
    if score < spec.approve_threshold:
        reasons.append(f"Điểm {score:g} dưới ngưỡng {spec.approve_threshold:g}.")
    return Evaluation(score, not failed, tuple(failed), tuple(missing), not reasons, tuple(reasons))


# ---- dates --------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's end (31/1 + 1 month = 28 or 29/2)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def resurvey_due_on(surveyed_on: dt.date, months: int) -> dt.date:
    return add_months(surveyed_on, months)


def months_between(earlier: dt.date, later: dt.date) -> float:
    return max(0.0, (later - earlier).days / 30.4375)


def is_usable(state: str, due_on: dt.date | None, today: dt.date) -> bool:
    """A point may be used in an operation only while approved and its re-survey is not due."""
    return state == S.APPROVED and due_on is not None and today < due_on


def state_on(state: str, due_on: dt.date | None, today: dt.date) -> str:
    """The state a sweep should record today: an approved point past its due date is re-survey due."""
    if state == S.APPROVED and due_on is not None and today >= due_on:
        return S.RESURVEY_DUE
    return state


# ---- basic survey checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    site_kinds: tuple[str, ...] = ()  # done when the province has ≥ `minimum` sites of these kinds
    minimum: int = 1
    approved_points: bool = False  # done when ≥ `minimum` approved, not-due safe points
    contacts: bool = False  # done when ≥ `minimum` contact points of agencies in the province
    manual: bool = False  # confirmed by a planner


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("venues", "Địa điểm hoạt động, nơi ở, nơi làm việc", site_kinds=("venue", "residence")),
    ChecklistItem("transport", "Sân bay, nhà ga, cảng", site_kinds=("airport", "station", "port")),
    ChecklistItem("hospitals", "Bệnh viện có cấp cứu", site_kinds=("hospital",)),
    ChecklistItem("police", "Trụ sở công an", site_kinds=("police",)),
    ChecklistItem("fire", "Phòng cháy chữa cháy", site_kinds=("fire",)),
    ChecklistItem("havens", "Nơi trú ẩn an toàn", site_kinds=("safe_haven",)),
    ChecklistItem("safe_points", "Điểm dừng, nghỉ an toàn đã phê duyệt", approved_points=True),
    ChecklistItem("contacts", "Đầu mối liên hệ các đơn vị", contacts=True),
    ChecklistItem("routes", "Tuyến đường chính và dự phòng đã khảo sát", manual=True),
    ChecklistItem("plan", "Phương án cảnh vệ của địa phương", manual=True),
    ChecklistItem("comms", "Phủ sóng thông tin liên lạc", manual=True),
)


@dataclass(frozen=True)
class ChecklistResult:
    key: str
    label: str
    done: bool
    count: int | None  # the data count behind an automatic item; None for manual ones


def checklist(
    site_counts: Mapping[str, int],
    approved_points: int,
    contacts: int,
    confirmed: Iterable[str],
    items: Sequence[ChecklistItem] = CHECKLIST,
) -> list[ChecklistResult]:
    confirmed = set(confirmed)
    out = []
    for item in items:
        if item.manual:
            out.append(ChecklistResult(item.key, item.label, item.key in confirmed, None))
            continue
        if item.approved_points:
            n = approved_points
        elif item.contacts:
            n = contacts
        else:
            n = sum(site_counts.get(k, 0) for k in item.site_kinds)
        out.append(ChecklistResult(item.key, item.label, n >= item.minimum, n))
    return out


def completion(results: Sequence[ChecklistResult]) -> int:
    """Whole percent of checklist items done."""
    if not results:
        return 0
    return round(100 * sum(r.done for r in results) / len(results))
