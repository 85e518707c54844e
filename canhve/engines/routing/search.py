"""Shortest-path primitives on top of scipy.sparse.csgraph.dijkstra (compiled, already a dependency).

Snapped points sit part-way along an edge, so each search gets one extra *virtual* node (index n) whose
out-edges carry the partial costs to the snapped edge's ends. The CSR arrays are shared; only the weight
vector and the virtual row are new per request, which is what makes closures free of graph rebuilds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .model import NoRouteError


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


def bidirectional(
    fwd: SearchGraph,
    rev: SearchGraph,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    weights: np.ndarray,
    src: Ends,
    dst: Ends,
    direct: tuple[float, int],
    radius0: float,
) -> PathResult:
    """Two csgraph searches bounded by a radius r, doubled until the best meeting is provably optimal.

    Each search settles every node within r exactly. Any path of cost <= 2r has an edge whose tail is
    within r of the origin and whose head is within r of the destination (or lies wholly inside one
    ball), so once the best meeting costs <= 2r it is optimal. Two balls of radius d/2 cover about half
    the nodes of one ball of radius d, which is what keeps a route on a 10^6-node graph fast.
    """
    n = fwd.n
    r = max(radius0, 1.0)
    while True:
        lim = r if np.isfinite(r) else np.inf
        df, pf = fwd.run(src, limit=lim)
        db, pb = rev.run(dst, limit=lim)
        cands = [best_end(df, dst)[0], best_end(db, src)[0], direct[0]]
        meet_node = df[:n] + db[:n]
        k_node = int(np.argmin(meet_node))
        cands.append(float(meet_node[k_node]))
        meet_edge = df[edge_u] + weights + db[edge_v]
        k_edge = int(np.argmin(meet_edge))
        cands.append(float(meet_edge[k_edge]))
        best = int(np.argmin(cands))
        cost = cands[best]
        if cost <= 2 * r or not np.isfinite(r):
            break
        r = r * 2 if r < 1e7 else np.inf
    if not np.isfinite(cost):
        raise NoRouteError("no route: the destination cannot be reached (one-way streets or closures)")
    if best == 2:
        return PathResult(cost, np.zeros(0, np.int64), -1, -1, direct[1])
    if best == 0:
        _, i = best_end(df, dst)
        nodes = walk_back(pf, int(dst.nodes[i]), n)
    elif best == 1:
        _, i = best_end(db, src)
        nodes = walk_back(pb, int(src.nodes[i]), n)[::-1]
    elif best == 3:
        nodes = walk_back(pf, k_node, n) + walk_back(pb, k_node, n)[::-1][1:]
    else:
        nodes = walk_back(pf, int(edge_u[k_edge]), n) + walk_back(pb, int(edge_v[k_edge]), n)[::-1]
    return PathResult(
        cost, np.array(nodes, dtype=np.int64), edge_at(nodes[0], src), edge_at(nodes[-1], dst), -1
    )
