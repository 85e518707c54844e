"""Automatic criteria of a safe point, computed with the routing engine (never typed in).

Loads the rows the engine needs (registry hospitals/police, shipped POIs, hazards), calls the engine and
returns plain values: minutes to the nearest hospital with emergency surgery, police response minutes,
detour minutes from the planned corridor, metres to the nearest fuel station, months since the survey.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from canhve.engines import routing

from . import domain
from .models import SafePoint, Site, SiteKind

FUEL_AMENITIES = frozenset({"fuel"})


def pois_dir() -> Path:
    """data/pois of the install (copied by the routing engineer); the shared copy only as a fallback."""
    shipped = Path(settings.DATA_DIR) / "pois"
    if shipped.is_dir():
        return shipped
    return Path("/work/shared/data/pois")


@lru_cache(maxsize=1)
def _poi_fuel_points() -> tuple[tuple[float, float], ...]:
    path = pois_dir() / "vn5cities_emergency_pois.geojson"
    if not path.is_file():
        return ()
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    out = []
    for f in features:
        geom = f.get("geometry") or {}
        if (f.get("properties") or {}).get("amenity") in FUEL_AMENITIES and geom.get("type") == "Point":
            lon, lat = geom["coordinates"][:2]
            out.append((float(lat), float(lon)))
    return tuple(out)


def _haversine_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    r = 6_371_000.0
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons) - math.radians(lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(a))


def nearest_hazard_m(lat: float, lon: float) -> tuple[float | None, str]:
    """Straight-line metres to the nearest fuel station (registry sites of kind fuel + shipped POIs)."""
    points = list(_poi_fuel_points())
    points += [(s.lat, s.lon) for s in Site.objects.filter(kind=SiteKind.FUEL).only("lat", "lon")]
    if not points:
        return None, "không có dữ liệu cây xăng"
    arr = np.array(points)
    d = _haversine_m(lat, lon, arr[:, 0], arr[:, 1])
    return float(d.min()), ""


def registry_facilities() -> list[routing.Facility]:
    """Hospitals and police stations of the registry (public ones: a computed time must not leak a
    secret site), as engine facilities; OSM-sourced rows keep the OSM id so they merge with the
    shipped POIs."""
    out = []
    qs = Site.objects.filter(kind__in=[SiteKind.HOSPITAL, SiteKind.POLICE], secrecy=0)
    for s in qs.only("pk", "kind", "name", "lat", "lon", "emergency_surgery", "source", "external_id"):
        fid = f"osm:{s.external_id}" if s.source == "osm" and s.external_id else f"site:{s.pk}"
        out.append(routing.Facility(fid, s.kind, s.name, s.lat, s.lon, s.emergency_surgery))
    return out


@dataclass
class AutoResult:
    values: dict[str, float | None] = field(default_factory=dict)  # criterion auto kind → value
    evidence: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def compute(point: SafePoint, surveyed_on: dt.date, today: dt.date, router: Any = None) -> AutoResult:
    """Every automatic value for `point`. A value the engine cannot compute (outside the road graph,
    no corridor given) is None with a note saying why."""
    res = AutoResult()
    site = point.site
    res.values["survey_age"] = round(domain.months_between(surveyed_on, today), 2)
    res.evidence["survey_age"] = f"Khảo sát ngày {surveyed_on:%d/%m/%Y}"
    hazard, note = nearest_hazard_m(site.lat, site.lon)
    res.values["hazard"] = round(hazard, 0) if hazard is not None else None
    res.evidence["hazard"] = note or "Khoảng cách đường chim bay tới cây xăng gần nhất (dữ liệu OSM)"
    for kind in ("hospital", "police", "detour"):
        res.values[kind] = None
    try:
        router = router or routing.get_default_router()
        here = routing.LatLon(site.lat, site.lon)
        router.graph.snap(here)  # raises OutsideGraphError outside the loaded road graph
        node = int(router.graph.nearest_nodes(np.array([site.lat]), np.array([site.lon]))[0][0])
        pool = routing.merge_facilities(registry_facilities(), router.facilities)
        hospitals = [f for f in pool if f.kind == "hospital" and f.emergency_surgery]
        ft = router.nearest_facilities("hospital", facilities=hospitals)
        fac, secs = ft.nearest_to(node)
        if fac is not None and math.isfinite(secs):
            res.values["hospital"] = round(secs / 60, 1)
            res.evidence["hospital"] = f"Tới {fac.name}: {secs / 60:.1f} phút ({ft.band})"
        else:
            res.notes.append("Không tới được bệnh viện có cấp cứu ngoại khoa nào trên bản đồ đường.")
        ft = router.nearest_facilities("police", facilities=[f for f in pool if f.kind == "police"])
        fac, secs = ft.nearest_from(node)
        if fac is not None and math.isfinite(secs):
            res.values["police"] = round(secs / 60, 1)
            res.evidence["police"] = f"Từ {fac.name}: {secs / 60:.1f} phút ({ft.band})"
        else:
            res.notes.append("Không có trụ sở công an nào tới được trên bản đồ đường.")
    except routing.RoutingError as exc:
        res.notes.append(f"Ngoài phạm vi bản đồ đường hoặc không có đường ({exc}).")
        return res
    if not point.has_corridor:
        res.notes.append("Chưa khai báo hành lang tuyến: không tính được quãng đi vòng.")
        return res
    try:
        a = routing.LatLon(point.corridor_from_lat, point.corridor_from_lon)  # type: ignore[arg-type]
        b = routing.LatLon(point.corridor_to_lat, point.corridor_to_lon)  # type: ignore[arg-type]
        direct = router.route(a, b)
        leg1, leg2 = router.route(a, here), router.route(here, b)
    except routing.RoutingError as exc:
        res.notes.append(f"Không tính được quãng đi vòng theo hành lang tuyến ({exc}).")
        return res
    detour_s = max(0.0, leg1.travel_time_s + leg2.travel_time_s - direct.travel_time_s)
    detour_m = max(0.0, leg1.length_m + leg2.length_m - direct.length_m)
    res.values["detour"] = round(detour_s / 60, 1)
    res.values["detour_km"] = round(detour_m / 1000, 2)
    res.evidence["detour"] = (
        f"Đi vòng {detour_s / 60:.1f} phút, {detour_m / 1000:.2f} km so với tuyến trực tiếp "
        f"{direct.travel_time_s / 60:.1f} phút"
    )
    return res
