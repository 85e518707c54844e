"""Frozen value types that go in and out of the routing engine.

Nothing here knows about graphs: the app builds these from its own models and reads them back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt


class RoutingError(ValueError):
    """Base class: every error the engine raises on purpose is one of these, with a message for people."""


class GraphLoadError(RoutingError):
    """The road file is missing, malformed, or holds no drivable road."""


class OutsideGraphError(RoutingError):
    """A coordinate is too far from every road of the loaded graph."""


class NoRouteError(RoutingError):
    """No path exists (one-way streets, closures, or a disconnected area)."""


@dataclass(frozen=True, slots=True)
class LatLon:
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lat) and math.isfinite(self.lon)):
            raise RoutingError(f"coordinate is not a number: {self.lat}, {self.lon}")
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise RoutingError(
                f"coordinate out of range (lat -90..90, lon -180..180): {self.lat}, {self.lon}"
            )

    @classmethod
    def parse(cls, text: str) -> LatLon:
        """Read "LAT,LON" as typed on the command line."""
        parts = text.replace(" ", "").split(",")
        if len(parts) != 2:
            raise RoutingError(f"expected LAT,LON, got {text!r}")
        try:
            return cls(float(parts[0]), float(parts[1]))
        except ValueError as exc:
            raise RoutingError(f"expected LAT,LON as numbers, got {text!r}") from exc


# ---- closures: applied per request, never baked into the graph ------------------------------------------


@dataclass(frozen=True, slots=True)
class ClosedEdges:
    """Edges closed by engine edge id and/or by OSM way id (every edge cut from that way)."""

    edge_ids: frozenset[int] = frozenset()
    way_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ClosedPolygon:
    """Every road segment touching this ring (lat/lon, closed or not) is closed."""

    ring: tuple[LatLon, ...]

    def __post_init__(self) -> None:
        if len(self.ring) < 3:
            raise RoutingError("a closure polygon needs at least 3 points")


@dataclass(frozen=True, slots=True)
class ClosedCircle:
    """Every road segment passing within radius_m of center is closed."""

    center: LatLon
    radius_m: float

    def __post_init__(self) -> None:
        if not (self.radius_m > 0 and math.isfinite(self.radius_m)):
            raise RoutingError(f"closure radius must be a positive number of metres, got {self.radius_m}")


Closure = ClosedEdges | ClosedPolygon | ClosedCircle


# ---- facilities -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facility:
    id: str
    kind: str  # "hospital", "police", "fire", "safe_haven", or any kind the app registers
    name: str
    lat: float
    lon: float
    emergency_surgery: bool | None = None  # None: not known


# ---- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Route:
    travel_time_s: float
    length_m: float
    streets: tuple[str, ...]
    coordinates: tuple[tuple[float, float], ...]  # (lon, lat), GeoJSON order
    edge_ids: tuple[int, ...]  # every edge touched, including the partly driven first and last
    depart_at: str  # "HH:MM"
    band: str  # the time-of-day band whose speeds were used

    @property
    def geometry(self) -> dict[str, Any]:
        return {"type": "LineString", "coordinates": [list(c) for c in self.coordinates]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "travel_time_s": round(self.travel_time_s, 1),
            "length_m": round(self.length_m, 1),
            "streets": list(self.streets),
            "depart_at": self.depart_at,
            "band": self.band,
            "geometry": self.geometry,
        }


@dataclass(frozen=True, slots=True)
class RouteSet:
    """A primary route plus alternates that really differ."""

    routes: tuple[Route, ...]
    requested: int
    max_shared_fraction: float
    max_stretch: float
    shared_fraction: tuple[tuple[float, ...], ...]  # [i][j]: share of the shorter of i, j driven by both
    note: str | None = None  # set when fewer routes than requested satisfy the bounds

    @property
    def primary(self) -> Route:
        return self.routes[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "requested": self.requested,
            "found": len(self.routes),
            "max_shared_fraction": self.max_shared_fraction,
            "max_stretch": self.max_stretch,
            "note": self.note,
            "shared_fraction": [[round(x, 3) for x in row] for row in self.shared_fraction],
            "routes": [r.to_dict() for r in self.routes],
        }


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FacilityTimes:
    """For every graph node: travel time to / from the nearest facility of one kind, and which one.

    Arrays are indexed by graph node; inf / -1 where no facility can be reached.
    `facility_index` values index `facilities`.
    """

    kind: str
    band: str
    facilities: tuple[Facility, ...]
    to_facility_s: FloatArray = field(repr=False)  # from the node to the facility (e.g. to the hospital)
    to_facility_index: IntArray = field(repr=False)
    from_facility_s: FloatArray = field(repr=False)  # from the facility to the node (e.g. police response)
    from_facility_index: IntArray = field(repr=False)

    def nearest_to(self, node: int) -> tuple[Facility | None, float]:
        i = int(self.to_facility_index[node])
        return (self.facilities[i] if i >= 0 else None), float(self.to_facility_s[node])

    def nearest_from(self, node: int) -> tuple[Facility | None, float]:
        i = int(self.from_facility_index[node])
        return (self.facilities[i] if i >= 0 else None), float(self.from_facility_s[node])


@dataclass(frozen=True, slots=True)
class SegmentCover:
    """The nearest facility of one kind for one route segment, at the worse of the segment's two ends."""

    edge_id: int
    street: str
    kind: str
    to_facility_s: float
    to_facility: Facility | None
    from_facility_s: float
    from_facility: Facility | None


@dataclass(frozen=True, slots=True)
class AlongRouteReport:
    segments: tuple[SegmentCover, ...]
    worst: tuple[SegmentCover, ...]  # one per kind: the segment farthest from that kind of facility

    def to_dict(self) -> dict[str, Any]:
        def one(s: SegmentCover) -> dict[str, Any]:
            return {
                "edge_id": s.edge_id,
                "street": s.street,
                "kind": s.kind,
                "to_facility_s": round(s.to_facility_s, 1),
                "to_facility": s.to_facility.name if s.to_facility else None,
                "from_facility_s": round(s.from_facility_s, 1),
                "from_facility": s.from_facility.name if s.from_facility else None,
            }

        return {"segments": [one(s) for s in self.segments], "worst": [one(s) for s in self.worst]}


@dataclass(frozen=True, slots=True)
class Isochrone:
    origin: LatLon
    minutes: float
    band: str
    method: str  # how the polygon was drawn from the reached points
    reached_nodes: int
    ring: tuple[tuple[float, float], ...]  # (lon, lat), closed

    @property
    def geojson(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "properties": {"minutes": self.minutes, "band": self.band, "method": self.method},
            "geometry": {"type": "Polygon", "coordinates": [[list(c) for c in self.ring]]},
        }


@dataclass(frozen=True, slots=True)
class ChokePoint:
    edge_id: int
    street: str
    reasons: tuple[str, ...]  # "bridge", "tunnel", "single_lane", "low_degree", "cut_edge"
    lat: float
    lon: float
    length_m: float
