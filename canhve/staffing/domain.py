"""Pure staffing rules: shift patterns, the mobilisation lifecycle and what an operation still lacks.
No ORM here, so these test without a database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

# Pattern code → (label, start hour, length in hours) per shift of the day.
PATTERNS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "3x8": (("Ca 1 (06–14)", 6, 8), ("Ca 2 (14–22)", 14, 8), ("Ca 3 (22–06)", 22, 8)),
    "2x12": (("Ca ngày (06–18)", 6, 12), ("Ca đêm (18–06)", 18, 12)),
}


@dataclass(frozen=True)
class ShiftSlot:
    label: str
    start: datetime
    end: datetime


def shift_slots(start_date: date, days: int, pattern: str, tz: tzinfo) -> list[ShiftSlot]:
    """The shifts of a roster: every pattern shift on each day, timezone-aware in `tz`."""
    if pattern not in PATTERNS:
        raise ValueError(f"unknown shift pattern {pattern!r}")
    slots = []
    for offset in range(days):
        day = start_date + timedelta(days=offset)
        for label, hour, length in PATTERNS[pattern]:
            start = datetime.combine(day, time(hour), tzinfo=tz)
            slots.append(ShiftSlot(f"{day:%d/%m} {label}", start, start + timedelta(hours=length)))
    return slots


# Mobilisation lifecycle: who moves a request where.
SENT, ACCEPTED, PARTIAL, DECLINED, CANCELLED = "sent", "accepted", "partial", "declined", "cancelled"
_PARTNER_MOVES = {SENT: {ACCEPTED, PARTIAL, DECLINED}, PARTIAL: {ACCEPTED, PARTIAL, DECLINED}}
_REQUESTER_MOVES = {SENT: {CANCELLED}, PARTIAL: {CANCELLED}}


def can_respond(status: str) -> bool:
    """The partner may answer while the request is open (sent, or partly met and topped up later)."""
    return status in _PARTNER_MOVES


def can_cancel(status: str) -> bool:
    return status in _REQUESTER_MOVES


def response_status(*, requested: int, provided: int, decline: bool) -> str:
    """The state an answer puts the request in: declined, partly or fully met."""
    if decline:
        return DECLINED
    if provided <= 0:
        raise ValueError("an acceptance names at least one person")
    return ACCEPTED if provided >= requested else PARTIAL


@dataclass(frozen=True)
class Need:
    """One line of an operation's staffing picture."""

    label: str
    requested: int
    provided: int
    pending: int

    @property
    def missing(self) -> int:
        return max(0, self.requested - self.provided)


def missing_by_skill(requests: Iterable[tuple[str, int, int, str]]) -> list[Need]:
    """Aggregate (skill label, requested, provided, status) rows into what is still missing per skill.
    Declined and cancelled requests count as requested and not provided: the need remains open."""
    totals: dict[str, list[int]] = {}
    for label, requested, provided, status in requests:
        row = totals.setdefault(label, [0, 0, 0])
        if status == CANCELLED:
            continue
        row[0] += requested
        row[1] += provided
        if status == SENT:
            row[2] += requested
    return [Need(label, *values) for label, values in sorted(totals.items())]


def is_night_slot(start: datetime, end: datetime) -> bool:
    """A shift touching 00:00–05:00 local time (same band as the roster engine's fairness rule)."""
    moment = start
    while moment < end:
        if moment.hour < 5:
            return True
        moment = (moment + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return False
