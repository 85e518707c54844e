"""Offline road routing engine (plain Python: numpy/scipy, no Django).

Typical use in the app:

    from canhve.engines.routing import get_default_router, LatLon
    router = get_default_router()          # loads the prepared Hà Nội graph once per process
    r = router.route(LatLon(21.03, 105.85), LatLon(21.01, 105.84), depart_at="07:30")
"""

from __future__ import annotations

import threading

from .engine import Router
from .facilities import load_geojson_pois, load_overpass_pois, merge_facilities
from .graph import RoadGraph
from .model import (
    AlongRouteReport,
    ChokePoint,
    ClosedCircle,
    ClosedEdges,
    ClosedPolygon,
    Closure,
    Facility,
    FacilityTimes,
    GraphLoadError,
    Isochrone,
    LatLon,
    NoRouteError,
    OutsideGraphError,
    Route,
    RouteSet,
    RoutingError,
    SegmentCover,
)
from .store import default_facilities, default_graph_path, load_prepared

__all__ = [
    "AlongRouteReport",
    "ChokePoint",
    "ClosedCircle",
    "ClosedEdges",
    "ClosedPolygon",
    "Closure",
    "Facility",
    "FacilityTimes",
    "GraphLoadError",
    "Isochrone",
    "LatLon",
    "NoRouteError",
    "OutsideGraphError",
    "RoadGraph",
    "Route",
    "RouteSet",
    "Router",
    "RoutingError",
    "SegmentCover",
    "default_facilities",
    "default_graph_path",
    "get_default_graph",
    "get_default_router",
    "load_geojson_pois",
    "load_overpass_pois",
    "load_prepared",
    "merge_facilities",
]

_lock = threading.Lock()
_graph: RoadGraph | None = None
_router: Router | None = None


def get_default_graph() -> RoadGraph:
    """The shipped (or CANHVE_ROAD_GRAPH) road graph, prepared once and kept for the process."""
    global _graph
    with _lock:
        if _graph is None:
            _graph = load_prepared(default_graph_path())
        return _graph


def get_default_router() -> Router:
    """A Router on the default graph with the shipped hospitals, police and fire stations."""
    global _router
    graph = get_default_graph()
    with _lock:
        if _router is None:
            _router = Router(graph, default_facilities())
        return _router
