"""Shortest-path primitives: numba kernels for point-to-point and bounded trees, scipy csgraph for
multi-source one-to-all (nearest facility for every node), where it is already the fastest.

Snapped points sit part-way along an edge, so a search starts from several entry nodes, each with the
partial cost of driving there (`Ends`), and ends at several exit nodes. For csgraph those become one extra
*virtual* node (index n) whose few out-edges are rewritten per request; the numba kernels take the entry
and exit lists directly. The CSR arrays are shared; only the weight vector is new per request, which is
what makes closures (edges at +inf) and time-of-day bands free of graph rebuilds.
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from . import kernels
from .geo import EARTH_RADIUS_M
from .kernels import F64, I64
from .model import NoRouteError

if TYPE_CHECKING:
    from .graph import RoadGraph
    from .profiles import Band

LANDMARKS = 8


@dataclass(frozen=True, slots=True)
class Ends:
    """Where a snapped point joins the graph: node k is reached (origin) or left (destination) at cost[k]."""

    nodes: np.ndarray
    cost: np.ndarray
    edges: np.ndarray  # the partly driven edge behind each entry


@dataclass(frozen=True, slots=True)
class PathResult:
    cost: float
    nodes: np.ndarray  # real nodes from the origin edge's head to the destination edge's tail (may be empty)
    first_edge: int  # partly driven origin edge (-1 when origin and destination share one edge)
    last_edge: int
    direct_edge: int  # the shared edge when the route stays on it, else -1


class SearchGraph:
    """A CSR matrix with one extra virtual row whose few slots are rewritten for each query.

    Building a csr_matrix per query costs as much as the Dijkstra on a city graph, so the matrix is made
    once per weight vector and queries take turns (a lock) to write the virtual row and search.
    """

    SLOTS = 16  # origin/destination entry points: 2 per snapped point, plus rare restriction copies

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> None:
        n, m = len(indptr) - 1, len(indices)
        self.n, self.m = n, m
        self.mat = csr_matrix(
            (
                np.concatenate([data, np.full(self.SLOTS, np.inf)]),
                np.concatenate([indices, np.zeros(self.SLOTS, dtype=indices.dtype)]),
                np.concatenate([indptr, [m + self.SLOTS]]),
            ),
            shape=(n + 1, n + 1),
        )
        self.lock = threading.Lock()

    def run(self, src: Ends, limit: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
        """Distances and predecessors from the virtual source; n+1 entries, the last is the source."""
        k = len(src.nodes)
        if k > self.SLOTS:  # more entry points than slots (many restriction copies): spread over searches
            raise NoRouteError("too many entry points for one virtual row")
        m = self.m
        with self.lock:
            data, idx = self.mat.data, self.mat.indices
            data[m : m + k] = src.cost
            data[m + k :] = np.inf  # spare slots: csgraph never relaxes an infinite edge
            idx[m : m + k] = src.nodes
            idx[m + k :] = 0
            dist, pred = dijkstra(
                self.mat, directed=True, indices=self.n, return_predecessors=True, limit=limit
            )
        return dist, pred

    def plain(self, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Multi-source distances (min over sources) and the source reached from, real nodes only."""
        with self.lock:
            self.mat.data[self.m :] = np.inf
            dist, _, origin = dijkstra(
                self.mat, directed=True, indices=sources, min_only=True, return_predecessors=True
            )
        return dist[: self.n], origin[: self.n]


def sssp(sg: SearchGraph, src: Ends, limit: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    return sg.run(src, limit)


def walk_back(pred: np.ndarray, node: int, stop: int) -> list[int]:
    """Nodes from the search root's first real node to `node`, following predecessors."""
    out = [node]
    p = int(pred[node])
    while p != stop and p >= 0:
        out.append(p)
        p = int(pred[p])
    out.reverse()
    return out


def best_end(dist: np.ndarray, dst: Ends) -> tuple[float, int]:
    total = dist[dst.nodes] + dst.cost
    i = int(np.argmin(total)) if len(total) else -1
    return (float(total[i]), i) if i >= 0 else (np.inf, -1)


def edge_at(node: int, ends: Ends) -> int:
    """The partly driven edge joining `node`: a shortest path always uses the cheapest such entry."""
    hits = np.flatnonzero(ends.nodes == node)
    return int(ends.edges[hits[np.argmin(ends.cost[hits])]])


def one_to_one(fwd: SearchGraph, src: Ends, dst: Ends, direct: tuple[float, int]) -> PathResult:
    """Plain forward search over the whole graph: the fastest choice below ~10^5 nodes."""
    n = fwd.n
    dist, pred = fwd.run(src)
    cost, i = best_end(dist, dst)
    if direct[0] <= cost:
        if not np.isfinite(direct[0]):
            raise NoRouteError("no route: the destination cannot be reached (one-way streets or closures)")
        return PathResult(direct[0], np.zeros(0, np.int64), -1, -1, direct[1])
    if not np.isfinite(cost):
        raise NoRouteError("no route: the destination cannot be reached (one-way streets or closures)")
    nodes = walk_back(pred, int(dst.nodes[i]), n)
    return PathResult(cost, np.array(nodes, dtype=np.int64), edge_at(nodes[0], src), int(dst.edges[i]), -1)


class FastSearch:
    """The numba kernels bound to one graph: its CSR arrays (read-only views, so one compiled variant),
    node positions for the straight-line bound and, per time band, landmark tables for the ALT bound.

    Landmarks: `landmarks` nodes on the graph's rim (the farthest node from the centre in each angular
    sector). For each band, a table holds the time from each landmark to every node and back under that
    band's open-road weights; closures and penalties only slow edges down, so the bounds stay valid for
    every request of the band. A band's table is made on its first route (or by `prepare`): ~10 ms on the
    Hà Nội graph, a few seconds at 10^6 nodes; it takes 2 x landmarks x 8 bytes per node (128 MB for
    10^6 nodes at 8 landmarks)."""

    def __init__(self, graph: RoadGraph, landmarks: int = LANDMARKS) -> None:
        kernels.warm_up()  # loads (or compiles) the kernels once per process
        g = graph
        self.graph = g
        self.n = n = g.n_nodes
        self.indptr = kernels.readonly(g.indptr, np.int64)
        self.heads = kernels.readonly(g.fwd_indices, np.int32)
        self.rev_indptr = kernels.readonly(g.rev_indptr, np.int64)
        self.rev_tails = kernels.readonly(g.rev_indices, np.int32)
        self.rev_order = kernels.readonly(g.rev_order, np.int64)
        self.fwd_order = kernels.readonly(np.arange(g.n_edges), np.int64)
        self.xyz = kernels.unit_xyz_m(g.node_lat, g.node_lon, EARTH_RADIUS_M)
        self.pool = kernels.WorkspacePool(n)
        self.landmarks = _rim_nodes(g.node_lat, g.node_lon, g.node_origin == np.arange(n), landmarks)
        self._tables: dict[str, tuple[F64, float]] = {}
        self._tables_lock = threading.Lock()

    def prepare(self, band: Band) -> tuple[F64, float]:
        """The band's landmark table and 1 / its top speed (s/m), made on first use."""
        got = self._tables.get(band.name)
        if got is not None:
            return got
        with self._tables_lock:
            got = self._tables.get(band.name)
            if got is None:
                w = self.graph.weights(band)
                ok = np.isfinite(w) & (w > 0)
                inv_vmax = float(np.min(w[ok] / self.graph.edge_len[ok])) if ok.any() else 0.0
                got = (self._landmark_table(kernels.readonly(w, np.float64)), inv_vmax)
                self._tables[band.name] = got
        return got

    def _landmark_table(self, w: F64) -> F64:
        k, n = len(self.landmarks), self.n
        lm = np.empty((n, 2 * k))  # per node: (from landmark 0, to landmark 0, from landmark 1, ...)
        zero = kernels.readonly(np.zeros(1), np.float64)
        fwd = (self.indptr, self.heads, self.fwd_order)
        rev = (self.rev_indptr, self.rev_tails, self.rev_order)

        def run(i: int) -> None:
            seed = kernels.readonly(self.landmarks[i // 2 : i // 2 + 1], np.int64)
            lm[:, i] = kernels.tree(*(rev if i % 2 else fwd), w, seed, zero, np.inf)[0]

        if k:  # the kernels release the GIL: the trees run in parallel threads
            with ThreadPoolExecutor(max_workers=min(2 * k, os.cpu_count() or 1)) as ex:
                list(ex.map(run, range(2 * k)))
        # A node that cannot reach (or be reached from) a landmark gets one common value above every
        # real one: each landmark term then stays a feasible potential, it just says nothing there.
        finite = np.isfinite(lm)
        lm[~finite] = 2.0 * float(lm[finite].max()) + 1.0 if finite.any() else 0.0
        return kernels.readonly(lm, np.float64)

    @staticmethod
    def _point_xyz(lat: float, lon: float) -> tuple[float, float, float]:
        p, lm = math.radians(lat), math.radians(lon)
        r = EARTH_RADIUS_M
        return r * math.cos(p) * math.cos(lm), r * math.cos(p) * math.sin(lm), r * math.sin(p)

    def route(
        self,
        w: F64,
        band: Band,
        src: Ends,
        dst: Ends,
        direct: tuple[float, int],
        start: tuple[float, float],
        target: tuple[float, float],
    ) -> PathResult:
        """Bidirectional A* from src to dst (or the direct drive along one edge when that is quicker).

        w may hold +inf (closed) and may be any weights no faster than the band's open-road ones (e.g.
        penalised): the bounds then still never overestimate."""
        lm, inv_vmax = self.prepare(band)
        st = np.array([*self._point_xyz(*start), *self._point_xyz(*target)])
        a = int(src.nodes[int(np.argmin(src.cost))])
        b = int(dst.nodes[int(np.argmin(dst.cost))])
        anc = lm[[a, b]]
        ro = kernels.readonly
        with self.pool.get() as ws:
            cost, nodes, _ = kernels.bidir_astar(
                self.indptr, self.heads, self.rev_indptr, self.rev_tails, self.rev_order,
                ro(w, np.float64), self.xyz, ro(st, np.float64), float(inv_vmax), lm, ro(anc, np.float64),
                ro(src.nodes, np.int64), ro(src.cost, np.float64),
                ro(dst.nodes, np.int64), ro(dst.cost, np.float64),
                float(direct[0]), ws.dist, ws.pred, ws.pos, ws.hk, ws.hn, ws.pot, ws.touched,
            )  # fmt: skip
        if not np.isfinite(cost):
            raise NoRouteError("no route: the destination cannot be reached (one-way streets or closures)")
        if not len(nodes):
            return PathResult(float(cost), nodes, -1, -1, direct[1])
        return PathResult(float(cost), nodes, edge_at(int(nodes[0]), src), edge_at(int(nodes[-1]), dst), -1)

    def tree_from(self, w: F64, src: Ends, limit: float = np.inf) -> tuple[F64, I64]:
        """Times from the origin's entry nodes to every node (inf past `limit`) and the predecessors."""
        dist, pred = kernels.tree(
            self.indptr, self.heads, self.fwd_order, kernels.readonly(w, np.float64),
            kernels.readonly(src.nodes, np.int64), kernels.readonly(src.cost, np.float64), float(limit),
        )  # fmt: skip
        return dist, pred

    def tree_to(self, w: F64, dst: Ends, limit: float = np.inf) -> tuple[F64, I64]:
        """Times from every node to the destination's exit nodes; pred is the next node on the way."""
        dist, pred = kernels.tree(
            self.rev_indptr, self.rev_tails, self.rev_order, kernels.readonly(w, np.float64),
            kernels.readonly(dst.nodes, np.int64), kernels.readonly(dst.cost, np.float64), float(limit),
        )  # fmt: skip
        return dist, pred


def _rim_nodes(lat: F64, lon: F64, eligible: npt.NDArray[np.bool_], k: int) -> I64:
    """In each of k equal angular sectors around the centre, the eligible node farthest from it."""
    idx = np.flatnonzero(eligible)
    if not k or not len(idx):
        return np.zeros(0, dtype=np.int64)
    y = lat[idx] - lat[idx].mean()
    x = (lon[idx] - lon[idx].mean()) * math.cos(math.radians(float(lat[idx].mean())))
    sector = np.minimum(((np.arctan2(y, x) + math.pi) / (2 * math.pi) * k).astype(np.int64), k - 1)
    r2 = x * x + y * y
    order = np.lexsort((-r2, sector))  # by sector, farthest first
    first = np.concatenate([[True], sector[order][1:] != sector[order][:-1]])
    return idx[order[first]].astype(np.int64)
