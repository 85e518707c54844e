"""Router: the queries (route, alternatives, nearest facilities, along-route cover, isochrone, choke points).

All queries take closures and a departure time; both only change a weight vector, never the graph.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property

import numpy as np

from . import alternatives as alt
from .closures import closed_edge_mask
from .graph import RoadGraph, Snap
from .isochrone import isochrone_ring
from .kernels import F64, I64
from .model import (
    AlongRouteReport,
    ChokePoint,
    Closure,
    Facility,
    FacilityTimes,
    Isochrone,
    LatLon,
    NoRouteError,
    Route,
    RouteSet,
    RoutingError,
    SegmentCover,
)
from .profiles import Band
from .search import Ends, PathResult, SearchGraph, one_to_one
from .topology import cut_edges

Depart = dt.time | str | None
FACILITY_MAX_SNAP_M = 500.0
# Graphs with fewer nodes than this route with one whole-graph csgraph search instead of the numba
# bidirectional A*; 0 (the default) always uses A*. Kept as the reference path for tests.
BIDIRECTIONAL_MIN_NODES = 0
PREPARE_ALL_BANDS_MAX_NODES = 200_000
ROOTS_CACHE_SIZE = 64  # facility sets whose snapped nodes are kept


class Weighted:
    """One request's weights (band + closures) and the search matrices built on them."""

    def __init__(self, graph: RoadGraph, band: Band, w: np.ndarray) -> None:
        self.graph, self.band, self.w = graph, band, w

    @cached_property
    def fwd(self) -> SearchGraph:
        return SearchGraph(self.graph.indptr, self.graph.fwd_indices, self.w)

    @cached_property
    def rev(self) -> SearchGraph:
        g = self.graph
        return SearchGraph(g.rev_indptr, g.rev_indices, self.w[g.rev_order])


class Router:
    def __init__(
        self,
        graph: RoadGraph,
        facilities: Sequence[Facility] = (),
        bidirectional_min_nodes: int = BIDIRECTIONAL_MIN_NODES,
    ) -> None:
        self.graph = graph
        self.facilities = tuple(facilities)
        self.bidirectional_min_nodes = bidirectional_min_nodes
        self._open_roads: dict[str, Weighted] = {}  # per band, when nothing is closed: reused
        self._lock = threading.Lock()
        self._roots_cache: dict[tuple[Facility, ...], tuple[I64, I64, I64, I64]] = {}
        # numba kernels (loaded or compiled once per process) and, on city-sized graphs, every band's
        # landmark tables (once per graph): made here so no user's first route waits for them. Larger
        # graphs make a band's table on its first route (seconds at 10^6 nodes), or call prepare().
        self._fast = graph.search
        if graph.n_nodes <= PREPARE_ALL_BANDS_MAX_NODES:
            self.prepare()

    def prepare(self, bands: Iterable[Band] | None = None) -> None:
        """Make the landmark tables of these bands (default: all) now rather than on their first route."""
        for band in self.graph.profile.bands if bands is None else bands:
            self._fast.prepare(band)

    # ---- shared plumbing ------------------------------------------------------------------------------

    def band(self, depart_at: Depart) -> Band:
        return self.graph.profile.band_at(depart_at)

    def weighted(self, band: Band, closures: Iterable[Closure] = ()) -> Weighted:
        w = self.graph.weights(band)
        mask = closed_edge_mask(self.graph, closures)
        if mask is None:
            with self._lock:
                return self._open_roads.setdefault(band.name, Weighted(self.graph, band, w))
        w = w.copy()
        w[mask] = np.inf
        return Weighted(self.graph, band, w)

    def weights(self, band: Band, closures: Iterable[Closure] = ()) -> np.ndarray:
        """Edge travel times (s) for a band with closed edges at infinity."""
        return self.weighted(band, closures).w

    def _node_at(self, s: Snap) -> int:
        """The junction the snapped point sits on (an end of its edge), else -1."""
        g = self.graph
        e = s.fwd_edge if s.fwd_edge >= 0 else s.bwd_edge
        start, end = (
            (int(g.edge_u[e]), int(g.edge_v[e]))
            if not g.edge_rev[e]
            else (int(g.edge_v[e]), int(g.edge_u[e]))
        )
        if s.frac <= 1e-9:
            return int(g.node_origin[start])
        if s.frac >= 1 - 1e-9:
            return int(g.node_origin[end])
        return -1

    def _origin_ends(self, s: Snap, w: np.ndarray) -> Ends:
        """Heads of the snapped edge(s) and the time to drive there from the snapped point."""
        g = self.graph
        nodes: list[int] = []
        cost: list[float] = []
        edges: list[int] = []
        at = self._node_at(s)
        if at >= 0:  # standing on a junction: every exit is open, no partial edge is driven
            nodes.append(at)
            cost.append(0.0)
            edges.append(-1)
        for e, remaining in ((s.fwd_edge, 1.0 - s.frac), (s.bwd_edge, s.frac)):
            if e >= 0 and np.isfinite(w[e]):
                nodes.append(int(g.edge_v[e]))
                cost.append(remaining * float(w[e]))
                edges.append(e)
        if not nodes:
            raise NoRouteError("no route: the origin lies on a closed road")
        return Ends(np.array(nodes), np.array(cost), np.array(edges))

    def _dest_ends(self, s: Snap, w: np.ndarray) -> Ends:
        """Tails of the snapped edge(s) (and their restriction-split copies) and the time from there."""
        g = self.graph
        nodes: list[int] = []
        cost: list[float] = []
        edges: list[int] = []
        at = self._node_at(s)
        if at >= 0:  # arriving at the junction by any way in (or any restriction-split copy of it)
            copies = np.flatnonzero(g.node_origin == at) if g.copies_of else [at]
            nodes.extend(int(c) for c in copies)
            cost.extend(0.0 for _ in copies)
            edges.extend(-1 for _ in copies)
        for e0, done in ((s.fwd_edge, s.frac), (s.bwd_edge, 1.0 - s.frac)):
            if e0 < 0:
                continue
            for e in [e0, *g.copies_of.get(e0, [])]:
                if np.isfinite(w[e]):
                    nodes.append(int(g.edge_u[e]))
                    cost.append(done * float(w[e]))
                    edges.append(e)
        if not nodes:
            raise NoRouteError("no route: the destination lies on a closed road")
        return Ends(np.array(nodes), np.array(cost), np.array(edges))

    def _direct(self, so: Snap, sd: Snap, w: np.ndarray) -> tuple[float, int]:
        """Origin and destination on one edge, destination ahead: drive straight there."""
        best = (np.inf, -1)
        for e, ahead in ((so.fwd_edge, sd.frac - so.frac), (so.bwd_edge, so.frac - sd.frac)):
            same = e >= 0 and e in (sd.fwd_edge, sd.bwd_edge)
            if same and ahead >= 0 and np.isfinite(w[e]) and ahead * w[e] < best[0]:
                best = (ahead * float(w[e]), e)
        return best

    def _shortest(self, so: Snap, sd: Snap, ww: Weighted, w: F64 | None = None) -> PathResult:
        """Fastest path under ww's weights, or under w (ww's weights made slower, e.g. penalised)."""
        w = ww.w if w is None else w
        src, dst = self._origin_ends(so, w), self._dest_ends(sd, w)
        direct = self._direct(so, sd, w)
        if self.graph.n_nodes < self.bidirectional_min_nodes:  # the csgraph reference search
            return one_to_one(Weighted(self.graph, ww.band, w).fwd, src, dst, direct)
        return self._fast.route(w, ww.band, src, dst, direct, (so.lat, so.lon), (sd.lat, sd.lon))

    def _assemble(self, res: PathResult, so: Snap, sd: Snap, w: np.ndarray, band: Band, depart: str) -> Route:
        g = self.graph
        if res.direct_edge >= 0:
            e = res.direct_edge
            lo, hi = sorted((so.frac, sd.frac))
            verts = g.edge_vertices(e)
            fr = g.vertex_frac(e, verts)
            inner = verts[(fr > lo) & (fr < hi)]  # already in driving order
            coords = (
                (so.lon, so.lat),
                *zip(g.vert_lon[inner].tolist(), g.vert_lat[inner].tolist(), strict=True),
                (sd.lon, sd.lat),
            )
            length = (hi - lo) * float(g.edge_len[e])
            time = (hi - lo) * float(w[e])
            edges = [int(e)] if hi > lo else []
        else:
            mids = g.edge_ids(res.nodes[:-1], res.nodes[1:]) if len(res.nodes) > 1 else np.zeros(0, np.int64)
            e0, e1 = res.first_edge, res.last_edge  # -1: the route starts / ends on a junction
            # driven share of the first and last edge
            f0 = 0.0 if e0 < 0 else (1 - so.frac if not g.edge_rev[e0] else so.frac)
            f1 = 0.0 if e1 < 0 else (sd.frac if not g.edge_rev[e1] else 1 - sd.frac)
            length = float(g.edge_len[mids].sum())
            # timed with the real weights: alternatives search with penalised ones
            time = float(w[mids].sum())
            parts = []
            if e0 >= 0:
                length += f0 * float(g.edge_len[e0])
                time += f0 * float(w[e0])
                v0 = g.edge_vertices(e0)
                fr0 = g.vertex_frac(e0, v0)
                parts.append((v0[fr0 > so.frac] if not g.edge_rev[e0] else v0[fr0 < so.frac])[:-1])
            parts.append(g.path_vertices(mids))
            if e1 >= 0:
                length += f1 * float(g.edge_len[e1])
                time += f1 * float(w[e1])
                v1 = g.edge_vertices(e1)
                fr1 = g.vertex_frac(e1, v1)
                parts.append(v1[fr1 < sd.frac] if not g.edge_rev[e1] else v1[fr1 > sd.frac])
            elif len(res.nodes):
                parts.append(np.zeros(0, np.int64))
            idx = np.concatenate(parts)
            coords = (
                (so.lon, so.lat),
                *zip(g.vert_lon[idx].tolist(), g.vert_lat[idx].tolist(), strict=True),
                (sd.lon, sd.lat),
            )
            edges = [x for x in (e0, *mids.tolist(), e1) if x >= 0]
        nm = g.edge_name[np.array(edges, dtype=np.int64)]
        nm = nm[nm >= 0]
        nm = nm[np.concatenate([[True], nm[1:] != nm[:-1]])] if len(nm) else nm
        streets = [g.names[i] for i in nm.tolist()]
        return Route(
            travel_time_s=time,
            length_m=float(length),
            streets=tuple(streets),
            coordinates=coords,
            edge_ids=tuple(edges),
            depart_at=depart,
            band=band.name,
        )

    @staticmethod
    def _depart_label(depart_at: Depart) -> str:
        if depart_at is None:
            return ""
        return depart_at if isinstance(depart_at, str) else depart_at.strftime("%H:%M")

    # ---- queries ---------------------------------------------------------------------------------------

    def route(
        self, origin: LatLon, destination: LatLon, depart_at: Depart = None, closures: Iterable[Closure] = ()
    ) -> Route:
        band = self.band(depart_at)
        ww = self.weighted(band, closures)
        so, sd = self.graph.snap(origin), self.graph.snap(destination)
        res = self._shortest(so, sd, ww)
        return self._assemble(res, so, sd, ww.w, band, self._depart_label(depart_at))

    def alternatives(
        self,
        origin: LatLon,
        destination: LatLon,
        depart_at: Depart = None,
        k: int = 3,
        closures: Iterable[Closure] = (),
        max_shared: float = alt.MAX_SHARED,
        max_stretch: float = alt.MAX_STRETCH,
    ) -> RouteSet:
        """Primary route plus up to k-1 alternates, each sharing <= max_shared of its length with every
        other and taking <= max_stretch x the primary's time (see alternatives.py for the method)."""
        if not 1 <= k <= 8:
            raise RoutingError("k must be between 1 and 8")
        band = self.band(depart_at)
        ww = self.weighted(band, closures)
        so, sd = self.graph.snap(origin), self.graph.snap(destination)

        def solve(weights: np.ndarray | None) -> PathResult:
            return self._shortest(so, sd, ww, weights)

        def build(res: PathResult) -> Route:
            return self._assemble(res, so, sd, ww.w, band, self._depart_label(depart_at))

        return alt.diverse_routes(self, so, sd, ww, k, solve, build, max_shared, max_stretch)

    def facility_nodes(self, facilities: Sequence[Facility]) -> tuple[np.ndarray, np.ndarray]:
        """Graph node of each facility (-1 when farther than 500 m from any road) and its snap distance."""
        if not facilities:
            return np.zeros(0, np.int64), np.zeros(0)
        lat = np.array([f.lat for f in facilities])
        lon = np.array([f.lon for f in facilities])
        node, dist = self.graph.nearest_nodes(lat, lon)
        return np.where(dist <= FACILITY_MAX_SNAP_M, node, -1), dist

    def nearest_facilities(
        self,
        kind: str,
        depart_at: Depart = None,
        closures: Iterable[Closure] = (),
        facilities: Sequence[Facility] | None = None,
    ) -> FacilityTimes:
        """For every node, time to the nearest facility of `kind` and from it, and which one it is."""
        ww = self.weighted(self.band(depart_at), closures)
        return self._facility_times(kind, ww, facilities)

    def _facility_roots(self, pool: tuple[Facility, ...]) -> tuple[I64, I64, I64, I64]:
        """Search roots of a facility set (snapped once per set and kept: snapping cost more than the
        two searches): nodes, nodes with their restriction-split copies, facility index per node."""
        got = self._roots_cache.get(pool)
        if got is not None:
            return got
        g = self.graph
        n = g.n_nodes
        node, _ = self.facility_nodes(pool)
        ok = np.flatnonzero(node >= 0)
        fac_of_node = np.full(n, -1, dtype=np.int64)
        fac_of_node[node[ok][::-1]] = ok[::-1]  # two facilities on one node: the first listed wins
        roots = np.unique(node[ok])
        # "to the facility" ends at the node or any restriction-split copy of it
        roots_in = np.flatnonzero(np.isin(g.node_origin, roots))
        fac_of_any = np.full(n, -1, dtype=np.int64)
        fac_of_any[roots_in] = fac_of_node[g.node_origin[roots_in]]
        got = (roots, roots_in, fac_of_node, fac_of_any)
        with self._lock:
            if len(self._roots_cache) >= ROOTS_CACHE_SIZE:
                self._roots_cache.clear()
            self._roots_cache[pool] = got
        return got

    def _facility_times(
        self, kind: str, ww: Weighted, facilities: Sequence[Facility] | None
    ) -> FacilityTimes:
        band = ww.band
        pool = tuple(f for f in (self.facilities if facilities is None else facilities) if f.kind == kind)
        roots, roots_in, fac_of_node, fac_of_any = self._facility_roots(pool)
        if not len(roots):
            n = self.graph.n_nodes
            inf, none = np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
            return FacilityTimes(kind, band.name, pool, inf, none, inf.copy(), none.copy())
        d_to, s_to = ww.rev.plain(roots_in)
        d_from, s_from = ww.fwd.plain(roots)
        to_idx = np.where(s_to >= 0, fac_of_any[np.maximum(s_to, 0)], -1)
        from_idx = np.where(s_from >= 0, fac_of_node[np.maximum(s_from, 0)], -1)
        for a in (d_to, d_from, to_idx, from_idx):
            a.setflags(write=False)
        return FacilityTimes(kind, band.name, pool, d_to, to_idx, d_from, from_idx)

    def along_route(
        self,
        route: Route,
        kinds: Iterable[str] = ("hospital", "police", "safe_haven"),
        closures: Iterable[Closure] = (),
        facilities: Sequence[Facility] | None = None,
    ) -> AlongRouteReport:
        """Per route edge and kind: the nearest facility, judged at the worse of the edge's two ends."""
        g = self.graph
        ww = self.weighted(g.profile.band_named(route.band), closures)
        edges = np.array(route.edge_ids, dtype=np.int64)
        u, v = g.edge_u[edges], g.edge_v[edges]
        segments: list[SegmentCover] = []
        worst: list[SegmentCover] = []
        for kind in kinds:
            ft = self._facility_times(kind, ww, facilities)
            covers = []
            for i, e in enumerate(edges.tolist()):
                a, b = int(u[i]), int(v[i])
                to_n = a if ft.to_facility_s[a] >= ft.to_facility_s[b] else b
                from_n = a if ft.from_facility_s[a] >= ft.from_facility_s[b] else b
                to_f, to_s = ft.nearest_to(to_n)
                from_f, from_s = ft.nearest_from(from_n)
                covers.append(SegmentCover(e, g.street(e), kind, to_s, to_f, from_s, from_f))
            segments.extend(covers)
            if covers:
                worst.append(max(covers, key=lambda c: (c.to_facility_s, c.from_facility_s)))
        return AlongRouteReport(tuple(segments), tuple(worst))

    def isochrone(
        self, origin: LatLon, minutes: float, depart_at: Depart = None, closures: Iterable[Closure] = ()
    ) -> Isochrone:
        if not (0 < minutes <= 24 * 60):
            raise RoutingError("minutes must be between 0 and 1440")
        g = self.graph
        band = self.band(depart_at)
        ww = self.weighted(band, closures)
        so = g.snap(origin)
        limit = minutes * 60.0
        dist, _ = self._fast.tree_from(ww.w, self._origin_ends(so, ww.w), limit=limit)
        ring, method, reached = isochrone_ring(g, dist, ww.w, limit, (so.lon, so.lat))
        return Isochrone(origin, float(minutes), band.name, method, reached, ring)

    def choke_points(self, route: Route) -> tuple[ChokePoint, ...]:
        """Route edges that are bridges, tunnels, single-lane, without a junction to leave by, or whose
        loss would cut the network in two (graph cut edges)."""
        g = self.graph
        cut = cut_edges(g)
        deg = g.undirected_degree
        out = []
        for e in route.edge_ids:
            reasons = []
            if g.is_bridge(e):
                reasons.append("bridge")
            if g.is_tunnel(e):
                reasons.append("tunnel")
            if g.edge_lanes[e] == 1:
                reasons.append("single_lane")
            a, b = g.node_origin[g.edge_u[e]], g.node_origin[g.edge_v[e]]
            if max(deg[a], deg[b]) <= 2:
                reasons.append("low_degree")
            if cut[e]:
                reasons.append("cut_edge")
            if reasons:
                mid = g.edge_vertices(e)
                m = int(mid[len(mid) // 2])
                out.append(
                    ChokePoint(
                        e,
                        g.street(e),
                        tuple(reasons),
                        float(g.vert_lat[m]),
                        float(g.vert_lon[m]),
                        float(g.edge_len[e]),
                    )
                )
        return tuple(out)
