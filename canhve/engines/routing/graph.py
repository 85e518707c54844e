"""RoadGraph: the prepared, immutable road network (numpy arrays), its .npz form, and snapping."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from . import kernels
from .builder import build_graph_arrays
from .geo import EARTH_RADIUS_M, LocalProjection
from .loader import FLAG_BRIDGE, FLAG_TUNNEL, read_osm
from .model import GraphLoadError, LatLon, OutsideGraphError
from .profiles import Band, SpeedProfile, load_profile
from .search import FastSearch

FORMAT_VERSION = 3  # bump when the arrays change meaning: stale prepared files are then rebuilt
SNAP_SAMPLE_SPACING_M = 25.0
SNAP_CELL_MIN_M = 50.0
DEFAULT_MAX_SNAP_M = 300.0


@dataclass(frozen=True, slots=True)
class Snap:
    """A point projected onto the nearest road segment."""

    segment: int  # index of the vertex segment (vertex i → i+1)
    frac: float  # position along the edge geometry in vertex order, 0..1
    lat: float
    lon: float
    dist_m: float
    fwd_edge: int  # edge driven in vertex order over this segment, -1 if none
    bwd_edge: int  # edge driven against vertex order, -1 if none


class RoadGraph:
    """Directed road graph. Edge ids are CSR positions: edges are sorted by (tail, head)."""

    def __init__(
        self, arrays: dict[str, np.ndarray], source: str, profile: SpeedProfile | None = None
    ) -> None:
        self.source = source
        self.profile = profile or load_profile()
        a = arrays
        self.node_lat: np.ndarray = a["node_lat"]
        self.node_lon: np.ndarray = a["node_lon"]
        self.node_osm: np.ndarray = a["node_osm"]
        self.node_origin: np.ndarray = a["node_origin"]
        self.indptr: np.ndarray = a["indptr"]
        self.edge_u: np.ndarray = a["edge_u"]
        self.edge_v: np.ndarray = a["edge_v"]
        self.edge_len: np.ndarray = a["edge_len"]
        self.edge_speed: np.ndarray = a["edge_speed"]
        self.edge_class: np.ndarray = a["edge_class"]
        self.edge_name: np.ndarray = a["edge_name"]
        self.edge_flags: np.ndarray = a["edge_flags"]
        self.edge_lanes: np.ndarray = a["edge_lanes"]
        self.edge_oneway: np.ndarray = a["edge_oneway"]
        self.edge_way: np.ndarray = a["edge_way"]
        self.edge_gs: np.ndarray = a["edge_gs"]
        self.edge_ge: np.ndarray = a["edge_ge"]
        self.edge_rev: np.ndarray = a["edge_rev"]
        self.edge_origin: np.ndarray = a["edge_origin"]
        self.vert_lat: np.ndarray = a["vert_lat"]
        self.vert_lon: np.ndarray = a["vert_lon"]
        self.vert_cum: np.ndarray = a["vert_cum"]
        self.classes: tuple[str, ...] = tuple(str(c) for c in a["classes"])
        self.names: tuple[str, ...] = tuple(str(c) for c in a["names"])
        self._arrays = arrays
        self._lock = threading.Lock()
        self._weights: dict[str, np.ndarray] = {}
        if self.classes != self.profile.classes[: len(self.classes)]:
            raise GraphLoadError(f"{source}: prepared with other road classes than the speed profile")
        n, m = self.n_nodes, self.n_edges
        self.edge_key = self.edge_u.astype(np.int64) * n + self.edge_v  # sorted: the CSR order
        # reverse CSR (edges sorted by head) for "to the facility" searches
        self.rev_order = np.lexsort((self.edge_u, self.edge_v))
        self.rev_indptr = np.concatenate([[0], np.cumsum(np.bincount(self.edge_v, minlength=n))])
        self.rev_indices = self.edge_u[self.rev_order].astype(np.int32)
        self.fwd_indices = self.edge_v.astype(np.int32)
        self.edge_geom_len = self.vert_cum[self.edge_ge] - self.vert_cum[self.edge_gs]
        originals = self.edge_origin == np.arange(m)
        n_seg = max(len(self.vert_lat) - 1, 0)
        self.seg_fwd = np.full(n_seg, -1, dtype=np.int64)
        self.seg_bwd = np.full(n_seg, -1, dtype=np.int64)
        for target, sel in (
            (self.seg_fwd, originals & ~self.edge_rev),
            (self.seg_bwd, originals & self.edge_rev),
        ):
            e = np.flatnonzero(sel)
            spans = self.edge_ge[e] - self.edge_gs[e]
            target[np.repeat(self.edge_gs[e], spans) + _ranges(spans)] = np.repeat(e, spans)
        copies = np.flatnonzero(~originals)
        self.copies_of: dict[int, list[int]] = {}
        for c in copies:
            self.copies_of.setdefault(int(self.edge_origin[c]), []).append(int(c))
        self.proj = LocalProjection(float(np.mean(self.node_lat)))

    # ---- construction and the prepared file -----------------------------------------------------------

    @classmethod
    def from_osm(cls, path: str | Path, profile: SpeedProfile | None = None) -> RoadGraph:
        prof = profile or load_profile()
        raw = read_osm(path, prof.classes)
        speeds = np.array([s for _, s in prof.class_speed_kph], dtype=np.float64)
        return cls(build_graph_arrays(raw, speeds), str(path), prof)

    def save(self, path: str | Path) -> None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(p.name + ".tmp.npz")
        payload: dict[str, Any] = {
            "format_version": np.array(FORMAT_VERSION),
            "source": np.array(self.source),
            **self._arrays,
        }
        np.savez(tmp, **payload)
        tmp.replace(p)  # atomic: another process never reads a half-written file

    @classmethod
    def load(cls, path: str | Path, profile: SpeedProfile | None = None) -> RoadGraph:
        try:
            with np.load(path, allow_pickle=False) as z:
                if int(z["format_version"]) != FORMAT_VERSION:
                    raise GraphLoadError(f"{path}: prepared graph has an old format")
                arrays = {k: z[k] for k in z.files if k not in ("format_version", "source")}
                source = str(z["source"])
        except (OSError, KeyError, ValueError) as exc:
            raise GraphLoadError(f"{path}: not a prepared road graph ({exc})") from exc
        return cls(arrays, source, profile)

    # ---- sizes and per-band weights -------------------------------------------------------------------

    @property
    def n_nodes(self) -> int:
        return len(self.node_lat)

    @property
    def n_edges(self) -> int:
        return len(self.edge_u)

    def weights(self, band: Band) -> np.ndarray:
        """Travel time in seconds of every edge in a time-of-day band (read-only, cached)."""
        w = self._weights.get(band.name)
        if w is None:
            factor = self.profile.factor_vector(band)[self.edge_class]
            w = self.edge_len / (self.edge_speed * factor / 3.6)
            w.setflags(write=False)
            with self._lock:
                self._weights[band.name] = w
        return w

    def edge_ids(self, tails: np.ndarray, heads: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.edge_key, tails.astype(np.int64) * self.n_nodes + heads)

    def street(self, edge: int) -> str:
        i = int(self.edge_name[edge])
        return self.names[i] if i >= 0 else ""

    def is_bridge(self, edge: int) -> bool:
        return bool(self.edge_flags[edge] & FLAG_BRIDGE)

    def is_tunnel(self, edge: int) -> bool:
        return bool(self.edge_flags[edge] & FLAG_TUNNEL)

    # ---- geometry -------------------------------------------------------------------------------------

    def edge_vertices(self, edge: int) -> np.ndarray:
        """Vertex indices of an edge in driving order."""
        gs, ge = int(self.edge_gs[edge]), int(self.edge_ge[edge])
        return np.arange(ge, gs - 1, -1) if self.edge_rev[edge] else np.arange(gs, ge + 1)

    def path_vertices(self, edges: np.ndarray) -> np.ndarray:
        """Vertices of consecutive edges in driving order, each edge's last vertex left out."""
        gs, ge = self.edge_gs[edges], self.edge_ge[edges]
        rev = self.edge_rev[edges]
        spans = ge - gs
        start = np.where(rev, ge, gs)
        step = np.where(rev, -1, 1)
        return np.repeat(start, spans) + np.repeat(step, spans) * _ranges(spans)

    def vertex_frac(self, edge: int, vertices: np.ndarray) -> np.ndarray:
        """Position (0..1, in vertex order) of vertices along an edge's geometry."""
        gs = int(self.edge_gs[edge])
        return (self.vert_cum[vertices] - self.vert_cum[gs]) / max(float(self.edge_geom_len[edge]), 1e-9)

    @cached_property
    def _seg_xy(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        x, y = self.proj.forward(self.vert_lat, self.vert_lon)
        return x[:-1], y[:-1], x[1:], y[1:]

    @cached_property
    def _snap_tree(self) -> tuple[cKDTree, np.ndarray]:
        """KD-tree over points sampled every 25 m along every routable segment."""
        x0, y0, x1, y1 = self._seg_xy
        segs = np.flatnonzero((self.seg_fwd >= 0) | (self.seg_bwd >= 0))
        seg_len = np.hypot(x1[segs] - x0[segs], y1[segs] - y0[segs])
        n = np.maximum(np.ceil(seg_len / SNAP_SAMPLE_SPACING_M).astype(np.int64), 1)
        owner = np.repeat(segs, n)
        t = (_ranges(n) + 0.5) / np.repeat(n, n)
        px = x0[owner] + t * (x1[owner] - x0[owner])
        py = y0[owner] + t * (y1[owner] - y0[owner])
        return cKDTree(np.column_stack([px, py])), owner

    @cached_property
    def _node_tree(self) -> cKDTree:
        x, y = self.proj.forward(self.node_lat, self.node_lon)
        return cKDTree(np.column_stack([x, y]))

    @cached_property
    def search(self) -> FastSearch:
        """Compiled point-to-point search on this graph (landmarks computed once, shared by Routers)."""
        with self._lock:
            return FastSearch(self)

    @cached_property
    def _snap_grid(self) -> tuple[object, ...]:
        """Uniform grid over every routable segment (numba kernel arguments, read-only views)."""
        x0, y0, x1, y1 = (kernels.readonly(a, np.float64) for a in self._seg_xy)
        segs = np.flatnonzero((self.seg_fwd >= 0) | (self.seg_bwd >= 0))
        lo_x = float(np.minimum(x0[segs], x1[segs]).min())
        lo_y = float(np.minimum(y0[segs], y1[segs]).min())
        span_x = float(np.maximum(x0[segs], x1[segs]).max()) - lo_x
        span_y = float(np.maximum(y0[segs], y1[segs]).max()) - lo_y
        # about one segment per cell, never finer than SNAP_CELL_MIN_M
        cell = max(SNAP_CELL_MIN_M, math.sqrt(max(span_x * span_y, 1.0) / len(segs)))
        nx, ny = int(span_x / cell) + 1, int(span_y / cell) + 1
        ptr, cells = kernels.build_cells(
            kernels.readonly(segs, np.int64), x0, y0, x1, y1, lo_x, lo_y, cell, nx, ny
        )
        return (
            kernels.readonly(ptr, np.int64),
            kernels.readonly(cells, np.int64),
            x0, y0, x1, y1, lo_x, lo_y, cell, nx, ny,
        )  # fmt: skip

    def snap(self, point: LatLon, max_dist_m: float = DEFAULT_MAX_SNAP_M) -> Snap:
        """Nearest point on any routable road segment: exact, on a uniform grid (numba); runs twice per
        route. Points with no road within reach go through the KD-tree, which measures how far they are."""
        px, py = point.lon * self.proj.kx, point.lat * self.proj.ky
        seg, t, _ = kernels.nearest_segment(*self._snap_grid, px, py, 1.05 * max_dist_m + 1.0)
        if seg >= 0:
            return self._snap_at(point, int(seg), float(t), max_dist_m)
        tree, owner = self._snap_tree
        _, idx = tree.query((px, py), k=min(12, len(owner)))
        cand = owner[np.atleast_1d(idx)]
        x0, y0, x1, y1 = (a[cand] for a in self._seg_xy)
        dx, dy = x1 - x0, y1 - y0
        tt = ((px - x0) * dx + (py - y0) * dy) / np.maximum(dx * dx + dy * dy, 1e-12)
        np.clip(tt, 0.0, 1.0, out=tt)
        d2 = (x0 + tt * dx - px) ** 2 + (y0 + tt * dy - py) ** 2
        best = int(d2.argmin())
        return self._snap_at(point, int(cand[best]), float(tt[best]), max_dist_m)

    def _snap_at(self, point: LatLon, s: int, tt: float, max_dist_m: float) -> Snap:
        lat = float(self.vert_lat[s] + tt * (self.vert_lat[s + 1] - self.vert_lat[s]))
        lon = float(self.vert_lon[s] + tt * (self.vert_lon[s + 1] - self.vert_lon[s]))
        dist = _haversine_scalar(point.lat, point.lon, lat, lon)
        if dist > max_dist_m:
            raise OutsideGraphError(
                f"({point.lat:.6f}, {point.lon:.6f}) is {dist:,.0f} m from the nearest road of the graph "
                f"(limit {max_dist_m:,.0f} m); it is probably outside the map area"
            )
        fe, be = int(self.seg_fwd[s]), int(self.seg_bwd[s])
        e = fe if fe >= 0 else be
        cum = self.vert_cum
        frac = (cum[s] + tt * (cum[s + 1] - cum[s]) - cum[self.edge_gs[e]]) / max(self.edge_geom_len[e], 1e-9)
        return Snap(s, min(max(float(frac), 0.0), 1.0), lat, lon, dist, fe, be)

    def nearest_nodes(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest original (not restriction-split) node and its distance in metres, for many points."""
        x, y = self.proj.forward(lat, lon)
        tree = self._node_tree
        k = min(4, self.n_nodes)
        d, idx = tree.query(np.column_stack([x, y]), k=k)
        d, idx = d.reshape(len(x), k), idx.reshape(len(x), k)
        # split copies share their original's position; pick the original among equals
        orig = self.node_origin[idx[:, 0]]
        return orig, d[:, 0]

    @cached_property
    def undirected_degree(self) -> np.ndarray:
        """Distinct neighbours of each original node, ignoring direction."""
        a, b = self.node_origin[self.edge_u], self.node_origin[self.edge_v]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        pairs = np.unique(lo * self.n_nodes + hi)
        ends = np.concatenate([pairs // self.n_nodes, pairs % self.n_nodes])
        return np.bincount(ends, minlength=self.n_nodes)

    def describe(self) -> dict[str, object]:
        return {
            "source": self.source,
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "oneway_edges": int(self.edge_oneway.sum()),
            "restricted_nodes": int((self.node_origin != np.arange(self.n_nodes)).sum()),
            "bbox": [
                float(self.node_lat.min()),
                float(self.node_lon.min()),
                float(self.node_lat.max()),
                float(self.node_lon.max()),
            ],
        }


def _haversine_scalar(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """Concatenated arange(0, n) for each n in lengths, without a Python loop."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total, dtype=np.int64) - starts
