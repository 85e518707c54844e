"""Turn closures (edges, a polygon, a circle) into a per-request mask over edges.

Closures are resolved on geometry segments, then an edge is closed when any of its segments is: this
catches a long edge that only clips a closure, and closes the restriction-split copies of an edge too.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely

from .graph import SNAP_SAMPLE_SPACING_M, RoadGraph
from .model import ClosedCircle, ClosedEdges, ClosedPolygon, Closure, RoutingError


def _segments_near(graph: RoadGraph, x: float, y: float, radius: float) -> np.ndarray:
    tree, owner = graph._snap_tree
    hits = tree.query_ball_point([x, y], r=radius + SNAP_SAMPLE_SPACING_M)
    return np.unique(owner[np.asarray(hits, dtype=np.int64)])


def _circle_segments(graph: RoadGraph, c: ClosedCircle) -> np.ndarray:
    px, py = (float(v) for v in graph.proj.forward(c.center.lat, c.center.lon))
    segs = _segments_near(graph, px, py, c.radius_m)
    if not len(segs):
        return segs
    x0, y0, x1, y1 = (a[segs] for a in graph._seg_xy)
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((px - x0) * dx + (py - y0) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
    return segs[np.hypot(x0 + t * dx - px, y0 + t * dy - py) <= c.radius_m]


def _polygon_segments(graph: RoadGraph, c: ClosedPolygon) -> np.ndarray:
    lats = np.array([p.lat for p in c.ring])
    lons = np.array([p.lon for p in c.ring])
    x, y = graph.proj.forward(lats, lons)
    poly = shapely.Polygon(np.column_stack([x, y]))
    if not poly.is_valid:
        poly = poly.buffer(0)
    cx, cy = float(x.mean()), float(y.mean())
    segs = _segments_near(graph, cx, cy, float(np.hypot(x - cx, y - cy).max()))
    if not len(segs):
        return segs
    x0, y0, x1, y1 = (a[segs] for a in graph._seg_xy)
    lines = shapely.linestrings(np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1))
    return segs[shapely.intersects(poly, lines)]


def closed_edge_mask(graph: RoadGraph, closures: Iterable[Closure]) -> np.ndarray | None:
    """Boolean mask of closed edges, or None when nothing is closed (the fast path)."""
    closures = tuple(closures)
    if not closures:
        return None
    n_seg = len(graph.seg_fwd)
    seg_closed = np.zeros(n_seg, dtype=bool)
    edge_closed = np.zeros(graph.n_edges, dtype=bool)
    for c in closures:
        if isinstance(c, ClosedEdges):
            ids = np.fromiter(c.edge_ids, dtype=np.int64, count=len(c.edge_ids))
            if len(ids) and (ids.min() < 0 or ids.max() >= graph.n_edges):
                raise RoutingError(f"closure names edge ids outside 0..{graph.n_edges - 1}")
            edge_closed[ids] = True
            for e in ids:
                edge_closed[graph.copies_of.get(int(e), [])] = True
            if c.way_ids:
                edge_closed |= np.isin(graph.edge_way, np.fromiter(c.way_ids, dtype=np.int64))
        elif isinstance(c, ClosedCircle):
            seg_closed[_circle_segments(graph, c)] = True
        elif isinstance(c, ClosedPolygon):
            seg_closed[_polygon_segments(graph, c)] = True
        else:
            raise RoutingError(f"unknown closure type: {type(c).__name__}")
    if seg_closed.any():
        cs = np.concatenate([[0], np.cumsum(seg_closed)])
        edge_closed |= cs[graph.edge_ge] > cs[graph.edge_gs]
    return edge_closed
