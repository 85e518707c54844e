"""Facilities (hospitals, police, fire stations, safe havens) from the shipped OSM POI files.

The app may also pass its own site registry as Facility objects; nothing here is required for that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .model import Facility, GraphLoadError

# OSM amenity → engine kind
AMENITY_KIND = {"hospital": "hospital", "police": "police", "fire_station": "fire"}


def emergency_surgery_flag(tags: dict[str, Any]) -> bool | None:
    """OSM emergency=yes on a hospital means it runs an emergency department; absent means unknown."""
    em = str(tags.get("emergency", "")).lower()
    if em == "yes":
        return True
    if em == "no":
        return False
    spec = str(tags.get("healthcare:speciality", "")).lower()
    return True if ("trauma" in spec or "surgery" in spec) else None


def _kind(tags: dict[str, Any], kinds: Iterable[str] | None) -> str | None:
    kind = AMENITY_KIND.get(str(tags.get("amenity", "")))
    if kind is None or (kinds is not None and kind not in kinds):
        return None
    return kind


def load_overpass_pois(path: str | Path, kinds: Iterable[str] | None = None) -> list[Facility]:
    """Nodes, and ways/relations with a `center`, of an Overpass JSON answer."""
    try:
        elements = json.loads(Path(path).read_text(encoding="utf-8"))["elements"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GraphLoadError(f"{path}: not an Overpass JSON answer ({exc})") from exc
    kinds = set(kinds) if kinds is not None else None
    out = []
    for e in elements:
        tags = e.get("tags") or {}
        kind = _kind(tags, kinds)
        pos = e if "lat" in e else e.get("center")
        if kind is None or not pos:
            continue
        out.append(
            Facility(
                id=f"osm:{e['type']}/{e['id']}",
                kind=kind,
                name=tags.get("name:vi") or tags.get("name") or f"{kind} {e['id']}",
                lat=float(pos["lat"]),
                lon=float(pos["lon"]),
                emergency_surgery=emergency_surgery_flag(tags) if kind == "hospital" else None,
            )
        )
    return out


def load_geojson_pois(
    path: str | Path, kinds: Iterable[str] | None = None, province_code: str | None = None
) -> list[Facility]:
    """Point features with an `amenity` property (e.g. vn5cities_emergency_pois.geojson)."""
    try:
        features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GraphLoadError(f"{path}: not a GeoJSON FeatureCollection ({exc})") from exc
    kinds = set(kinds) if kinds is not None else None
    out = []
    for f in features:
        props = f.get("properties") or {}
        geom = f.get("geometry") or {}
        if geom.get("type") != "Point":
            continue
        if province_code is not None and str(props.get("province_code_2025")) != province_code:
            continue
        kind = _kind(props, kinds)
        if kind is None:
            continue
        lon, lat = geom["coordinates"][:2]
        osm_type = str(props.get("osm_type", "node")).rstrip("s")
        out.append(
            Facility(
                id=f"osm:{osm_type}/{props.get('osm_id')}",
                kind=kind,
                name=props.get("name:vi") or props.get("name") or f"{kind} {props.get('osm_id')}",
                lat=float(lat),
                lon=float(lon),
                emergency_surgery=emergency_surgery_flag(props) if kind == "hospital" else None,
            )
        )
    return out


def merge_facilities(*groups: Iterable[Facility]) -> list[Facility]:
    """Concatenate, dropping repeats of the same id (the same OSM object in two files)."""
    seen: set[str] = set()
    out = []
    for g in groups:
        for f in g:
            if f.id not in seen:
                seen.add(f.id)
                out.append(f)
    return out
