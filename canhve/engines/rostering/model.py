"""Plain data the roster engine takes and returns. No Django here: the app maps its models onto these.

Times are absolute datetimes; naive ones are read as UTC. Clearance uses the state-secret scale of
canhve.core.secrecy (0 none, 1 Mật, 2 Tối mật, 3 Tuyệt mật), repeated as an int so the engine stays
Django-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property

DEFAULT_REST = timedelta(hours=10)
DEFAULT_WEEKLY_CAP = timedelta(hours=40)
# A shift touching this local-time band (00:00–05:00) is a night shift for the fairness rule.
NIGHT_BAND_END_HOUR = 5
WEEKEND_DAYS = frozenset({5, 6})


def to_minutes(moment: datetime) -> int:
    """Minutes since the Unix epoch, so every comparison inside the engine is integer arithmetic."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()) // 60


@dataclass(frozen=True)
class Skill:
    name: str
    # Valid through this moment; a shift ending after it cannot use the skill. None: no expiry.
    expires: datetime | None = None

    def valid_for(self, shift: Shift) -> bool:
        return self.expires is None or to_minutes(self.expires) >= to_minutes(shift.end)


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, shift: Shift) -> bool:
        return to_minutes(self.start) < to_minutes(shift.end) and to_minutes(shift.start) < to_minutes(
            self.end
        )


@dataclass(frozen=True)
class Preference:
    """Liked (weight > 0) or disliked (weight < 0) work; every field that is set must match."""

    weight: int
    post_id: str | None = None
    # Local start hour of the shift, e.g. 22 for "avoids night shifts".
    start_hour: int | None = None


@dataclass(frozen=True)
class Officer:
    id: str
    agency: str
    rank: str = ""
    skills: tuple[Skill, ...] = ()
    clearance: int = 0
    unavailable: tuple[Interval, ...] = ()
    weekly_cap: timedelta = DEFAULT_WEEKLY_CAP
    preferences: tuple[Preference, ...] = ()

    def has_valid_skill(self, name: str, shift: Shift) -> bool:
        return any(skill.name == name and skill.valid_for(shift) for skill in self.skills)

    def is_available(self, shift: Shift) -> bool:
        return not any(interval.overlaps(shift) for interval in self.unavailable)


@dataclass(frozen=True)
class AgencyRequirement:
    """At least `min_count` officers of `agency` on every staffed shift (e.g. a coordination regulation)."""

    agency: str
    min_count: int


@dataclass(frozen=True)
class Post:
    id: str
    name: str = ""
    required_skills: frozenset[str] = frozenset()
    min_clearance: int = 0
    agency_mix: tuple[AgencyRequirement, ...] = ()


@dataclass(frozen=True)
class Shift:
    id: str
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return to_minutes(self.end) - to_minutes(self.start)

    @property
    def is_night(self) -> bool:
        # Walk the local clock so shifts of any length and any timezone are classified the same way.
        moment = self.start
        while moment < self.end:
            if moment.hour < NIGHT_BAND_END_HOUR:
                return True
            moment = (moment + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        return False

    @property
    def is_weekend(self) -> bool:
        return self.start.weekday() in WEEKEND_DAYS


@dataclass(frozen=True)
class Demand:
    """Head count wanted at a post on one shift; a post is staffed only on shifts it has a demand for."""

    post_id: str
    shift_id: str
    head_count: int


@dataclass(frozen=True, order=True)
class Assignment:
    officer_id: str
    post_id: str
    shift_id: str


@dataclass(frozen=True)
class RosterProblem:
    officers: tuple[Officer, ...]
    posts: tuple[Post, ...]
    shifts: tuple[Shift, ...]
    demands: tuple[Demand, ...]
    # Planner-fixed assignments: kept as they are by every solve.
    pins: tuple[Assignment, ...] = ()
    min_rest: timedelta = DEFAULT_REST
    # Weekly caps count shifts by start in 7-day blocks from here; None: the earliest shift start.
    week_origin: datetime | None = None

    @cached_property
    def _week_origin_minutes(self) -> int:
        return to_minutes(self.week_origin or min(s.start for s in self.shifts))

    def week_of(self, shift: Shift) -> int:
        return (to_minutes(shift.start) - self._week_origin_minutes) // (7 * 24 * 60)


@dataclass(frozen=True)
class Weights:
    """Soft-rule weights. Unfilled head count dominates so a fuller roster always wins."""

    unfilled: int = 10_000
    agency_mix: int = 1_000
    # Per pair of night (weekend) shifts worked by the same officer: zero when spread one each.
    night_pairs: int = 10
    weekend_pairs: int = 4
    # Per post an officer works beyond the first.
    extra_posts: int = 6
    # Per unit of matched preference weight (subtracted).
    preference: int = 3


class Rule(StrEnum):
    UNKNOWN_REFERENCE = "unknown_reference"
    NO_DEMAND = "no_demand"
    DUPLICATE = "duplicate"
    SKILL = "skill"
    CLEARANCE = "clearance"
    AVAILABILITY = "availability"
    OVERLAP = "overlap"
    REST = "rest"
    WEEKLY_CAP = "weekly_cap"
    HEAD_COUNT = "head_count"
    PIN_MISSING = "pin_missing"


@dataclass(frozen=True)
class Violation:
    rule: Rule
    detail: str
    officer_id: str | None = None
    post_id: str | None = None
    shift_id: str | None = None


class ReasonCode(StrEnum):
    MISSING_SKILL = "missing_skill"
    CLEARANCE = "clearance"
    UNAVAILABLE = "unavailable"
    PEOPLE = "people"
    TIME_LIMIT = "time_limit"


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    detail: str


@dataclass(frozen=True)
class Unfilled:
    post_id: str
    shift_id: str
    missing_count: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class AgencyShortfall:
    post_id: str
    shift_id: str
    agency: str
    missing_count: int


@dataclass(frozen=True)
class Objective:
    unfilled: int
    agency_shortfall: int
    night_pairs: int
    weekend_pairs: int
    extra_posts: int
    preference: int
    total: int


@dataclass(frozen=True)
class SolveStats:
    method: str
    seconds: float
    # When the roster first had no unfilled head count; None if it never did.
    first_complete_seconds: float | None = None
    iterations: int = 0
    improvements: int = 0
    history: tuple[tuple[float, int], ...] = field(default=(), repr=False)
    # Model building before the timed search, when a method separates the two.
    setup_seconds: float = 0.0


@dataclass(frozen=True)
class RosterSolution:
    assignments: tuple[Assignment, ...]
    unfilled: tuple[Unfilled, ...]
    agency_shortfalls: tuple[AgencyShortfall, ...]
    objective: Objective
    # Result of the independent hard-rule check of this very roster; empty means every rule holds.
    violations: tuple[Violation, ...]
    stats: SolveStats

    @property
    def is_complete(self) -> bool:
        return not self.unfilled

    @property
    def hard_rules_hold(self) -> bool:
        return not self.violations
