"""Road-class speeds and time-of-day factors, kept as data (profiles.json) so planners can tune them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .model import RoutingError

DEFAULT_PROFILE_PATH = Path(__file__).with_name("profiles.json")


def parse_hhmm(text: str) -> dt.time:
    try:
        hh, mm = text.strip().split(":")
        return dt.time(int(hh), int(mm))
    except (ValueError, AttributeError) as exc:
        raise RoutingError(f"expected a time as HH:MM, got {text!r}") from exc


@dataclass(frozen=True, slots=True)
class Band:
    name: str
    start: dt.time | None
    end: dt.time | None
    factors: tuple[tuple[str, float], ...]

    def covers(self, t: dt.time) -> bool:
        if self.start is None or self.end is None:
            return False
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end  # wraps midnight

    def factor(self, road_class: str) -> float:
        table = dict(self.factors)
        return table.get(road_class, table.get("*", 1.0))


@dataclass(frozen=True, slots=True)
class SpeedProfile:
    class_speed_kph: tuple[tuple[str, float], ...]
    bands: tuple[Band, ...]

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.class_speed_kph)

    def band_at(self, depart_at: dt.time | str | None) -> Band:
        """The band in force at a time; None means the default (off-peak) band."""
        default = next(b for b in self.bands if b.start is None)
        if depart_at is None:
            return default
        t = parse_hhmm(depart_at) if isinstance(depart_at, str) else depart_at
        return next((b for b in self.bands if b.covers(t)), default)

    def band_named(self, name: str) -> Band:
        for b in self.bands:
            if b.name == name:
                return b
        raise RoutingError(f"no time-of-day band named {name!r}")

    def factor_vector(self, band: Band) -> np.ndarray:
        """Speed factor per class id (the class ids are positions in `classes`)."""
        return np.array([band.factor(c) for c in self.classes], dtype=np.float64)


def load_profile(path: Path | None = None) -> SpeedProfile:
    p = path or DEFAULT_PROFILE_PATH
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        speeds = tuple((str(k), float(v)) for k, v in raw["class_speed_kph"].items())
        bands = tuple(
            Band(
                name=str(b["name"]),
                start=parse_hhmm(b["start"]) if "start" in b else None,
                end=parse_hhmm(b["end"]) if "end" in b else None,
                factors=tuple((str(k), float(v)) for k, v in b.get("factors", {}).items()),
            )
            for b in raw["bands"]
        )
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise RoutingError(f"speed profile {p} is not valid: {exc}") from exc
    if not any(b.start is None for b in bands):
        raise RoutingError(f"speed profile {p} needs one band without start/end (the default)")
    if any(v <= 0 for _, v in speeds) or any(f <= 0 for b in bands for _, f in b.factors):
        raise RoutingError(f"speed profile {p}: speeds and factors must be positive")
    return SpeedProfile(speeds, bands)
