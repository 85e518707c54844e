"""Load an operation's movements and closures, call the routing engine, store the results.

The engine (`canhve.engines.routing`) is plain Python with frozen dataclasses; this module is the only
place in the app that talks to it. For each movement, at its departure hour: the primary route and up to
2 diverse alternates, their time, length and streets, choke points, and per segment (a run of one street)
the nearest hospital with emergency surgery, the police response and the nearest safe haven, with drive
times; the worst segment is flagged.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from canhve.accounts.models import Role
from canhve.core.access import can_edit
from canhve.engines import routing as engine
from canhve.sites.models import Site, SiteKind

from . import domain
from .models import Closure, ClosureKind, Movement, MovementRoute, Operation

KINDS = ("hospital", "police", "safe_haven")
SITE_KINDS = {SiteKind.HOSPITAL: "hospital", SiteKind.POLICE: "police", SiteKind.SAFE_HAVEN: "safe_haven"}


def router() -> engine.Router:
    return engine.get_default_router()


def engine_closures(closures: list[Closure], graph: engine.RoadGraph) -> list[engine.Closure]:
    out: list[engine.Closure] = []
    for c in closures:
        if c.kind == ClosureKind.POLYGON and len(c.ring) >= 3:
            out.append(engine.ClosedPolygon(tuple(engine.LatLon(lat, lon) for lat, lon in c.ring)))
        elif c.kind == ClosureKind.STREETS and c.streets:
            wanted = {s.casefold() for s in c.streets}
            edges = frozenset(
                e for e in range(graph.n_edges) if graph.street(e) and graph.street(e).casefold() in wanted
            )
            if edges:
                out.append(engine.ClosedEdges(edge_ids=edges))
    return out


def facilities_for(user: Any, base: list[engine.Facility]) -> list[engine.Facility]:
    """The shipped OSM facilities plus the registry's hospitals, police and safe havens the user may see.
    Hospitals known to lack emergency surgery are left out."""
    pool = [f for f in base if not (f.kind == "hospital" and f.emergency_surgery is False)]
    for site in Site.objects.visible_to(user).filter(kind__in=list(SITE_KINDS)):
        pool.append(
            engine.Facility(
                id=f"site:{site.pk}",
                kind=SITE_KINDS[site.kind],
                name=site.name,
                lat=site.lat,
                lon=site.lon,
                emergency_surgery=site.emergency_surgery,
            )
        )
    return pool


def _segments(route: engine.Route, report: engine.AlongRouteReport, graph: engine.RoadGraph) -> list[dict]:
    """Group the route's edges into runs of one street; per run and kind keep the worst edge's cover."""
    covers: dict[tuple[int, str], engine.SegmentCover] = {(c.edge_id, c.kind): c for c in report.segments}
    runs: list[dict[str, Any]] = []
    for e in route.edge_ids:
        street = graph.street(e) or "(đường không tên)"
        if not runs or runs[-1]["street"] != street:
            runs.append({"street": street, "edges": []})
        runs[-1]["edges"].append(e)
    out = []
    for run in runs:
        seg: dict[str, Any] = {"street": run["street"]}
        coords: list[list[float]] = []
        for e in run["edges"]:
            v = graph.edge_vertices(e)
            coords.extend([round(float(graph.vert_lon[i]), 6), round(float(graph.vert_lat[i]), 6)] for i in v)
        seg["geometry"] = {"type": "LineString", "coordinates": coords}
        for kind in KINDS:
            cs = [covers[(e, kind)] for e in run["edges"] if (e, kind) in covers]
            if not cs:
                continue
            to_worst = max(cs, key=lambda c: c.to_facility_s)
            from_worst = max(cs, key=lambda c: c.from_facility_s)
            if kind == "police":  # police come to us: response time from the station
                fac, secs = from_worst.from_facility, from_worst.from_facility_s
            else:  # we drive to the hospital or the safe haven
                fac, secs = to_worst.to_facility, to_worst.to_facility_s
            finite = secs != float("inf")
            seg[kind] = fac.name if fac and finite else None
            seg[f"{kind}_s"] = round(secs, 1) if finite else None
            seg[f"{kind}_latlon"] = [fac.lat, fac.lon] if fac and finite else None
        out.append(seg)
    return out


def _choke(points: tuple[engine.ChokePoint, ...]) -> list[dict]:
    seen, out = set(), []
    for p in points:
        key = (p.street, p.reasons)
        if key in seen and "bridge" not in p.reasons and "cut_edge" not in p.reasons:
            continue
        seen.add(key)
        out.append(
            {
                "street": p.street,
                "reasons": list(p.reasons),
                "lat": p.lat,
                "lon": p.lon,
                "length_m": round(p.length_m, 1),
            }
        )
    return out


def plan_movement_routes(*, movement: Movement, acting_user: Any, alternates: int = 2) -> list[MovementRoute]:
    """Compute and store the primary and alternate routes of one movement under the operation's active
    closures. The previous routes stay (with their plan version) but are no longer current."""
    op: Operation = movement.operation
    if not can_edit(acting_user, op, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị chủ quản.")
    r = router()
    closures = list(op.closures.filter(active=True))
    eng_closures = engine_closures(closures, r.graph)
    depart = timezone.localtime(movement.depart_at)
    a, b = movement.origin.site, movement.destination.site
    try:
        found = r.alternatives(
            engine.LatLon(a.lat, a.lon),
            engine.LatLon(b.lat, b.lon),
            depart_at=depart.strftime("%H:%M"),
            k=1 + alternates,
            closures=eng_closures,
        )
    except engine.RoutingError as exc:
        raise ValidationError({"route": [f"{movement}: {exc}"]}) from exc
    facilities = facilities_for(acting_user, list(r.facilities))
    applied = [c.name for c in closures]
    stored = []
    with transaction.atomic():
        for old in movement.routes.filter(current=True):
            old.current = False
            old.save(update_fields=["current", "updated_at"])
        for rank, route in enumerate(found.routes):
            report = r.along_route(route, kinds=KINDS, closures=eng_closures, facilities=facilities)
            segments = _segments(route, report, r.graph)
            stored.append(
                MovementRoute.objects.create(
                    movement=movement,
                    rank=rank,
                    chosen=rank == 0,
                    depart_at=movement.depart_at,
                    seconds=round(route.travel_time_s, 1),
                    meters=round(route.length_m, 1),
                    geometry=route.geometry,
                    streets=_dedupe(route.streets),
                    choke_points=_choke(r.choke_points(route)),
                    segments=segments,
                    worst_segment=domain.worst_segment(segments),
                    closures_applied=applied,
                )
            )
    return stored


def plan_operation_routes(*, operation: Operation, acting_user: Any) -> list[MovementRoute]:
    out: list[MovementRoute] = []
    for mv in operation.movements.select_related("origin__site", "destination__site", "operation"):
        out.extend(plan_movement_routes(movement=mv, acting_user=acting_user))
    return out


def choose_route(*, route: MovementRoute, acting_user: Any) -> MovementRoute:
    """Make one of the current routes of a movement the chosen one (the others stay as alternates)."""
    if not can_edit(acting_user, route.movement.operation, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị chủ quản.")
    with transaction.atomic():
        # Only rows that change are saved: a save that changes nothing would still move `updated_at`, a
        # write with no audit row.
        for other in route.movement.routes.filter(current=True, chosen=True).exclude(pk=route.pk):
            other.chosen = False
            other.save(update_fields=["chosen", "updated_at"])
        if not route.chosen:
            route.chosen = True
            route.save(update_fields=["chosen", "updated_at"])
    return route


def _dedupe(streets: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for s in streets:
        if s and (not out or out[-1] != s):
            out.append(s)
    return out


_ROADS: dict[str, Any] = {}
ROAD_GRID = 100  # road boxes are rounded outward to 0.01° so maps of nearby operations share one answer
_ROAD_BOXES: dict[tuple[int, int, int, int, int], str] = {}
_ROAD_BOXES_KEPT = 256


def road_box(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """`bbox` (south, west, north, east) rounded outward to the road grid."""
    s, w, n, e = bbox
    g = ROAD_GRID
    return (math.floor(s * g) / g, math.floor(w * g) / g, math.ceil(n * g) / g, math.ceil(e * g) / g)


def roads_in_box(bbox: tuple[float, float, float, float]) -> str:
    """`roads_json` of a grid-rounded box, kept whole per process (the last boxes asked): the map fetches
    its roads apart from its data, so an operation's map data no longer carries ~400 KB of public roads."""
    box = road_box(bbox)
    s, w, n, e = (round(v * ROAD_GRID) for v in box)
    key = (id(engine.get_default_graph()), s, w, n, e)  # a new graph (a test's, a reload) starts afresh
    text = _ROAD_BOXES.get(key)
    if text is None:
        if len(_ROAD_BOXES) >= _ROAD_BOXES_KEPT:
            _ROAD_BOXES.pop(next(iter(_ROAD_BOXES)))
        text = _ROAD_BOXES[key] = roads_json(box)
    return text


def roads_json(bbox: tuple[float, float, float, float], limit: int = 20000) -> str:
    """The road graph's streets as a GeoJSON FeatureCollection (JSON text): one line per original,
    forward edge with an end inside (south, west, north, east). Drawn by the map page instead of tiles:
    no tile server, no network. Each edge's Feature is serialised once per graph and process (roads are
    the project's public OSM data, the same for every reader) and kept for the next map that draws it:
    the map data spent most of its time building and encoding ~1,700 road lines per request."""
    import numpy as np

    g = engine.get_default_graph()
    cache = _ROADS.get("graph")
    if cache is None or cache["graph"] is not g:
        edges = np.flatnonzero((g.edge_origin == np.arange(g.n_edges)) & ~g.edge_rev)
        cache = {
            "graph": g,
            "edges": edges,
            "lat_u": g.node_lat[g.edge_u[edges]],
            "lon_u": g.node_lon[g.edge_u[edges]],
            "lat_v": g.node_lat[g.edge_v[edges]],
            "lon_v": g.node_lon[g.edge_v[edges]],
            "text": [None] * len(edges),
        }
        _ROADS["graph"] = cache
    s, w, n, e = bbox
    lat_u, lon_u, lat_v, lon_v = cache["lat_u"], cache["lon_u"], cache["lat_v"], cache["lon_v"]
    inside = ((lat_u >= s) & (lat_u <= n) & (lon_u >= w) & (lon_u <= e)) | (
        (lat_v >= s) & (lat_v <= n) & (lon_v >= w) & (lon_v <= e)
    )
    texts = cache["text"]
    parts = []
    for i in np.flatnonzero(inside)[:limit].tolist():
        text = texts[i]
        if text is None:
            text = texts[i] = json.dumps(_road_feature(g, int(cache["edges"][i])), ensure_ascii=False)
        parts.append(text)
    return '{"type": "FeatureCollection", "features": [' + ", ".join(parts) + "]}"


def _road_feature(g: Any, e: int) -> dict:
    v = g.edge_vertices(e)
    cls = g.classes[int(g.edge_class[e])] if int(g.edge_class[e]) < len(g.classes) else "road"
    return {
        "type": "Feature",
        "properties": {"name": g.street(e), "class": cls},
        "geometry": {
            "type": "LineString",
            "coordinates": [[round(float(g.vert_lon[i]), 6), round(float(g.vert_lat[i]), 6)] for i in v],
        },
    }


def facilities_geojson(bbox: tuple[float, float, float, float]) -> dict:
    s, w, n, e = bbox
    features = [
        {
            "type": "Feature",
            "properties": {"name": f.name, "kind": f.kind},
            "geometry": {"type": "Point", "coordinates": [f.lon, f.lat]},
        }
        for f in router().facilities
        if f.kind in ("hospital", "police") and s <= f.lat <= n and w <= f.lon <= e
    ]
    return {"type": "FeatureCollection", "features": features}
