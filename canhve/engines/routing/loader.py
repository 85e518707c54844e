"""Read drivable roads out of an OSM extract (.osm.pbf, .osm XML, Overpass JSON) into compact arrays.

PBF/XML are streamed by pyosmium: each way is reduced on the spot to a few numbers plus its node ids and
coordinates appended to flat typed arrays, so memory grows with the road network, not with the raw OSM data.
"""

from __future__ import annotations

import json
import math
import re
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .model import GraphLoadError

FLAG_BRIDGE = 1
FLAG_TUNNEL = 2

# access values that keep cars out
_NO_ACCESS = {"no", "private"}
_TRUE = {"yes", "true", "1"}
_MAXSPEED_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")


@dataclass(frozen=True)
class Restriction:
    from_way: int
    via_node: int
    to_way: int
    only: bool  # only_* (every other exit forbidden) rather than no_*
    kind: str = ""  # the OSM restriction value, e.g. no_left_turn


@dataclass
class RawNetwork:
    """Drivable ways flattened into arrays; way i owns vertices way_ptr[i]:way_ptr[i+1]."""

    classes: tuple[str, ...]
    way_id: np.ndarray
    way_class: np.ndarray
    way_oneway: np.ndarray  # 1 along the node order, -1 against it, 0 both ways
    way_maxspeed: np.ndarray  # km/h, nan where untagged
    way_lanes: np.ndarray  # 0 where untagged
    way_flags: np.ndarray
    way_name: np.ndarray  # index into names, -1 when unnamed
    names: list[str]
    way_ptr: np.ndarray
    vert_node: np.ndarray
    vert_lat: np.ndarray
    vert_lon: np.ndarray
    restrictions: list[Restriction]


def parse_maxspeed(value: str | None) -> float:
    if not value:
        return math.nan
    m = _MAXSPEED_NUMBER.match(value.split(";")[0])
    if not m:
        return math.nan  # "VN:urban", "signals", … are left to the class default
    speed = float(m.group(1))
    return speed * 1.609344 if m.group(2) == "mph" else speed


def parse_lanes(value: str | None) -> int:
    try:
        return max(0, min(int(float((value or "").split(";")[0])), 20))
    except ValueError:
        return 0


def oneway_of(tags: Any, highway: str) -> int | None:
    """1, -1 or 0; None for ways cars cannot use in a fixed direction (reversible/alternating)."""
    ow = (tags.get("oneway") or "").lower()
    if ow in _TRUE:
        return 1
    if ow in {"-1", "reverse"}:
        return -1
    if ow in {"reversible", "alternating"}:
        return None
    if ow == "no":
        return 0
    if tags.get("junction") in {"roundabout", "circular"} or highway == "motorway":
        return 1
    return 0


class _Collector:
    """Accumulates kept ways; shared by the pyosmium and the Overpass JSON readers."""

    def __init__(self, classes: tuple[str, ...]) -> None:
        self.classes = classes
        self.class_index = {c: i for i, c in enumerate(classes)}
        self.way_id = array("q")
        self.way_class = array("h")
        self.way_oneway = array("b")
        self.way_maxspeed = array("f")
        self.way_lanes = array("b")
        self.way_flags = array("B")
        self.way_name = array("i")
        self.names: list[str] = []
        self.name_index: dict[str, int] = {}
        self.way_ptr = array("q", [0])
        self.vert_node = array("q")
        self.vert_lat = array("d")
        self.vert_lon = array("d")
        self.restrictions: list[Restriction] = []

    def accepts(self, tags: Any) -> tuple[int, int] | None:
        """(class id, oneway) when cars may drive this way, else None."""
        highway = tags.get("highway")
        cid = self.class_index.get(highway) if highway else None
        if cid is None or tags.get("area") == "yes":
            return None
        barred = any(tags.get(k) in _NO_ACCESS for k in ("access", "motor_vehicle", "motorcar", "vehicle"))
        if barred and tags.get("motorcar") not in {"yes", "designated", "destination"}:
            return None
        ow = oneway_of(tags, highway)
        return None if ow is None else (cid, ow)

    def add_way(
        self, way_id: int, tags: Any, cid: int, ow: int, nodes: list[tuple[int, float, float]]
    ) -> None:
        if len(nodes) < 2:
            return
        flags = (FLAG_BRIDGE if tags.get("bridge") not in (None, "no") else 0) | (
            FLAG_TUNNEL if tags.get("tunnel") not in (None, "no") else 0
        )
        name = tags.get("name") or tags.get("ref") or ""
        if name and name not in self.name_index:
            self.name_index[name] = len(self.names)
            self.names.append(name)
        self.way_id.append(way_id)
        self.way_class.append(cid)
        self.way_oneway.append(ow)
        self.way_maxspeed.append(parse_maxspeed(tags.get("maxspeed")))
        self.way_lanes.append(parse_lanes(tags.get("lanes")))
        self.way_flags.append(flags)
        self.way_name.append(self.name_index[name] if name else -1)
        for nid, lat, lon in nodes:
            self.vert_node.append(nid)
            self.vert_lat.append(lat)
            self.vert_lon.append(lon)
        self.way_ptr.append(len(self.vert_node))

    def add_restriction(self, tags: Any, members: list[tuple[str, int, str]]) -> None:
        kind = tags.get("restriction") or tags.get("restriction:motorcar") or ""
        if tags.get("type") != "restriction" or not kind.startswith(("no_", "only_")):
            return
        if "motorcar" in (tags.get("except") or "").split(";"):
            return
        frm = [ref for t, ref, role in members if t == "w" and role == "from"]
        via = [ref for t, ref, role in members if t == "n" and role == "via"]
        to = [ref for t, ref, role in members if t == "w" and role == "to"]
        # via-way restrictions are rare and need edge-path expansion; only via-node ones are applied.
        if len(frm) == 1 and len(via) == 1 and len(to) == 1:
            self.restrictions.append(Restriction(frm[0], via[0], to[0], kind.startswith("only_"), kind))

    def finish(self, source: str) -> RawNetwork:
        if not self.way_id:
            raise GraphLoadError(f"{source}: no drivable road found (empty extract or no highway=* ways)")
        return RawNetwork(
            classes=self.classes,
            way_id=np.frombuffer(self.way_id, dtype=np.int64).copy(),
            way_class=np.frombuffer(self.way_class, dtype=np.int16).copy(),
            way_oneway=np.frombuffer(self.way_oneway, dtype=np.int8).copy(),
            way_maxspeed=np.frombuffer(self.way_maxspeed, dtype=np.float32).copy(),
            way_lanes=np.frombuffer(self.way_lanes, dtype=np.int8).copy(),
            way_flags=np.frombuffer(self.way_flags, dtype=np.uint8).copy(),
            way_name=np.frombuffer(self.way_name, dtype=np.int32).copy(),
            names=self.names,
            way_ptr=np.frombuffer(self.way_ptr, dtype=np.int64).copy(),
            vert_node=np.frombuffer(self.vert_node, dtype=np.int64).copy(),
            vert_lat=np.frombuffer(self.vert_lat, dtype=np.float64).copy(),
            vert_lon=np.frombuffer(self.vert_lon, dtype=np.float64).copy(),
            restrictions=self.restrictions,
        )


def _read_with_osmium(path: Path, col: _Collector) -> None:
    import osmium  # imported here so the JSON path works even where pyosmium is absent

    proc = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION)
        .with_locations()
        # the location cache sees every node before this filter drops untagged ones from the loop
        .with_filter(osmium.filter.KeyFilter("highway", "type"))
    )
    for obj in proc:
        if obj.is_way():
            acc = col.accepts(obj.tags)
            if acc is None:
                continue
            nodes = []
            for n in obj.nodes:
                loc = n.location
                if loc.valid():  # nodes cut off by the extract boundary have no location: drop them
                    nodes.append((n.ref, loc.lat, loc.lon))
            col.add_way(obj.id, obj.tags, acc[0], acc[1], nodes)
        elif obj.is_relation() and obj.tags.get("type") == "restriction":
            col.add_restriction(obj.tags, [(m.type, m.ref, m.role) for m in obj.members])


def _read_overpass_json(path: Path, col: _Collector) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        elements = data["elements"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise GraphLoadError(f"{path}: not an Overpass JSON answer ({exc})") from exc
    coords = {e["id"]: (e["lat"], e["lon"]) for e in elements if e.get("type") == "node" and "lat" in e}
    for e in elements:
        tags = e.get("tags") or {}
        if e.get("type") == "way":
            acc = col.accepts(tags)
            if acc is None:
                continue
            nodes = [(n, *coords[n]) for n in e.get("nodes", []) if n in coords]
            col.add_way(int(e["id"]), tags, acc[0], acc[1], nodes)
        elif e.get("type") == "relation":
            members = [(m["type"][0], int(m["ref"]), m.get("role", "")) for m in e.get("members", [])]
            col.add_restriction(tags, members)


def read_osm(path: str | Path, classes: tuple[str, ...]) -> RawNetwork:
    """Drivable ways of the given highway classes from any supported OSM file."""
    p = Path(path)
    if not p.is_file():
        raise GraphLoadError(f"road file not found: {p}")
    col = _Collector(classes)
    name = p.name.lower()
    if name.endswith(".json"):
        _read_overpass_json(p, col)
    elif name.endswith((".pbf", ".osm", ".xml", ".osm.bz2", ".osm.gz")):
        try:
            _read_with_osmium(p, col)
        except RuntimeError as exc:  # pyosmium reports corrupt input as RuntimeError
            raise GraphLoadError(f"{p}: cannot read OSM data ({exc})") from exc
    else:
        raise GraphLoadError(f"{p}: unknown road file type (use .osm.pbf, .osm XML or Overpass .json)")
    return col.finish(str(p))
