"""Point-in-polygon: which 2025 province (and ward, where wards have polygons) holds a coordinate.

Polygons are reference data that never change between loads, so each process builds an STRtree of
prepared shapely geometries once and reuses it; `reset()` drops it after a reload.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.prepared import prep

from .models import Province, Ward


class CoordinateError(ValueError):
    """A latitude/longitude pair that is not a coordinate."""


@dataclass(frozen=True)
class Location:
    province_code: str | None
    ward_code: str | None


def parse_latlon(lat: object, lon: object) -> tuple[float, float]:
    try:
        lat_f, lon_f = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise CoordinateError("Tọa độ phải là số thập phân, ví dụ 21.0368, 105.8342.") from exc
    if not (-90 <= lat_f <= 90) or not (-180 <= lon_f <= 180):
        raise CoordinateError("Vĩ độ phải trong [-90, 90] và kinh độ trong [-180, 180].")
    return lat_f, lon_f


class _Index:
    def __init__(self, items: list[tuple[str, dict]]):
        self.codes = [code for code, _ in items]
        geoms = [shape(geojson) for _, geojson in items]
        self.prepared = [prep(g) for g in geoms]
        self.tree = STRtree(geoms)

    def find(self, point: Point) -> str | None:
        for i in self.tree.query(point):
            if self.prepared[int(i)].covers(point):
                return self.codes[int(i)]
        return None


_lock = threading.Lock()
_provinces: _Index | None = None
_wards: dict[str, _Index | None] = {}


def reset() -> None:
    global _provinces
    with _lock:
        _provinces = None
        _wards.clear()


def _province_index() -> _Index:
    global _provinces
    with _lock:
        if _provinces is None:
            rows = Province.objects.exclude(geometry=None).values_list("code", "geometry")
            _provinces = _Index([(c, g) for c, g in rows if g is not None])
        return _provinces


def _ward_index(province_code: str) -> _Index | None:
    with _lock:
        if province_code not in _wards:
            rows = [
                (code, geometry)
                for code, geometry in Ward.objects.filter(province_id=province_code).values_list(
                    "code", "geometry"
                )
                if geometry is not None
            ]
            _wards[province_code] = _Index(rows) if rows else None
        return _wards[province_code]


def locate(lat: object, lon: object) -> Location:
    lat_f, lon_f = parse_latlon(lat, lon)
    point = Point(lon_f, lat_f)
    province = _province_index().find(point)
    ward = None
    if province is not None:
        index = _ward_index(province)
        ward = index.find(point) if index is not None else None
    return Location(province_code=province, ward_code=ward)
