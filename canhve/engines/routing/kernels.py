"""Compiled search kernels (numba): bidirectional A* that stops at the destination, and bounded trees.

scipy's csgraph Dijkstra cannot stop at a target, so one route used to cost a whole-graph search (city) or
two radius-bounded half searches (10^6 nodes). These kernels run on the same CSR arrays and the same
per-request weight vector (closed edges at +inf are never relaxed), so closures and time-of-day bands work
unchanged. numba compiles them once per machine into the routing cache dir (``cache=True``); every process
still pays a one-off load of that cache (~0.1-0.3 s), which `warm_up()` does when a Router is made, not on a
user's first route.

Search (`bidir_astar`): both directions use the *average* potential p(v) = (h_t(v) - h_s(v)) / 2, where
h_t(v) bounds the time v -> target and h_s(v) the time source -> v from below: the larger of the landmark
(ALT) bounds from the band's landmark table (triangle inequality on exact times to and from each landmark)
and, when inv_vmax > 0, chord(v, x) / v_max (straight 3D chord through the earth, never longer than the
road; v_max the band's top edge speed). Each is a feasible potential, so forward keys d_f(v) + p(v) and
backward keys d_b(v) - p(v) give non-negative reduced edge costs w - p(u) + p(v): this is plain
bidirectional Dijkstra on the reduced graph and stops as soon as top_f + top_b >= mu (best meeting found).
Costs stay true costs (p cancels along any path). No landmarks and inv_vmax = 0: plain bidirectional
Dijkstra.

Workspace arrays are kept between queries and only the nodes a query touched are reset, so a route on a
10^6-node graph does not pay for clearing 10^6-entry arrays.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit
from numba.core import config as numba_config

from .paths import cache_dir

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]

# heap position states
UNSEEN = -1
SETTLED = -2
# shrink the heuristic a hair so rounding can never make a reduced cost negative
HEURISTIC_SLACK = 1.0 - 1e-9


@contextlib.contextmanager
def _numba_cache_dir() -> Iterator[None]:
    """numba picks a function's cache directory when it is decorated: point it at our cache dir, then
    restore the process-wide setting (an unwritable dir makes numba fall back to __pycache__)."""
    cfg: Any = numba_config  # its settings are made at run time from NUMBA_* variables: untyped
    old = cfg.CACHE_DIR
    cfg.CACHE_DIR = str(cache_dir() / "numba")
    try:
        yield
    finally:
        cfg.CACHE_DIR = old


with _numba_cache_dir():

    @njit(cache=True, nogil=True, inline="always")
    def _push(hk, hn, pos, side, size, v, key):  # type: ignore[no-untyped-def]
        """Insert v, or lower its key (v already in the heap). Returns the new heap size."""
        i = pos[side, v]
        if i < 0:
            i = size
            size += 1
        while i > 0:
            p = (i - 1) >> 1
            if hk[side, p] <= key:
                break
            hk[side, i] = hk[side, p]
            hn[side, i] = hn[side, p]
            pos[side, hn[side, i]] = i
            i = p
        hk[side, i] = key
        hn[side, i] = v
        pos[side, v] = i
        return size

    @njit(cache=True, nogil=True, inline="always")
    def _pop(hk, hn, pos, side, size):  # type: ignore[no-untyped-def]
        """Remove the minimum; returns (node, new size). The node is marked settled."""
        v = hn[side, 0]
        pos[side, v] = SETTLED
        size -= 1
        if size > 0:
            lk = hk[side, size]
            ln = hn[side, size]
            i = 0
            while True:
                c = 2 * i + 1
                if c >= size:
                    break
                if c + 1 < size and hk[side, c + 1] < hk[side, c]:
                    c += 1
                if hk[side, c] >= lk:
                    break
                hk[side, i] = hk[side, c]
                hn[side, i] = hn[side, c]
                pos[side, hn[side, i]] = i
                i = c
            hk[side, i] = lk
            hn[side, i] = ln
            pos[side, ln] = i
        return v, size

    @njit(cache=True, nogil=True, inline="always")
    def _touch(v, pot, touched, nt, xyz, st, inv_vmax, lm, anc):  # type: ignore[no-untyped-def]
        """First sight of v in this query: compute its potential and remember to reset it.

        h_t(v) <= time v -> target and h_s(v) <= time source -> v are the larger of the straight-line bound
        (when inv_vmax > 0) and the landmark (ALT) bounds; the potential is their half difference. lm[v]
        holds (time landmark k -> v, time v -> landmark k) for each k; anc[0] is lm of the source's anchor
        node, anc[1] of the target's."""
        if pot[v] != pot[v]:  # NaN: not touched yet
            ht = 0.0
            hs = 0.0
            if inv_vmax > 0.0:
                x0, x1, x2 = xyz[v, 0], xyz[v, 1], xyz[v, 2]
                ht = np.sqrt((x0 - st[3]) ** 2 + (x1 - st[4]) ** 2 + (x2 - st[5]) ** 2) * inv_vmax
                hs = np.sqrt((x0 - st[0]) ** 2 + (x1 - st[1]) ** 2 + (x2 - st[2]) ** 2) * inv_vmax
            for k in range(0, lm.shape[1], 2):
                f = lm[v, k]
                t = lm[v, k + 1]
                ht = max(ht, t - anc[1, k + 1], anc[1, k] - f)
                hs = max(hs, f - anc[0, k], anc[0, k + 1] - t)
            pot[v] = 0.5 * (ht - hs) * HEURISTIC_SLACK
            touched[nt] = v
            nt += 1
        return nt

    @njit(cache=True, nogil=True)
    def _bidir_astar(  # type: ignore[no-untyped-def]
        indptr,
        heads,
        rindptr,
        rtails,
        rorder,
        w,
        xyz,
        st,
        inv_vmax,
        lm,
        anc,
        src_nodes,
        src_cost,
        dst_nodes,
        dst_cost,
        mu0,
        dist,
        pred,
        pos,
        hk,
        hn,
        pot,
        touched,
    ):
        """Fastest path from any src node (reached at src_cost) to any dst node (left at dst_cost).

        Returns (cost, nodes, settled): nodes from a src node to a dst node, empty when mu0 (a route that
        needs no graph node, e.g. along one edge) is at least as good; cost is inf when nothing connects.
        The workspace (dist, pred, pos, hk, hn: 2 x n; pot, touched: n) is left clean for the next query.
        """
        inf = np.inf
        nt = 0
        size_f = 0
        size_b = 0
        mu = mu0
        meet = -1
        for k in range(len(src_nodes)):
            v = src_nodes[k]
            nt = _touch(v, pot, touched, nt, xyz, st, inv_vmax, lm, anc)
            c = src_cost[k]
            if c < dist[0, v]:
                dist[0, v] = c
                pred[0, v] = -1
                size_f = _push(hk, hn, pos, 0, size_f, v, c + pot[v])
        for k in range(len(dst_nodes)):
            v = dst_nodes[k]
            nt = _touch(v, pot, touched, nt, xyz, st, inv_vmax, lm, anc)
            c = dst_cost[k]
            if c < dist[1, v]:
                dist[1, v] = c
                pred[1, v] = -1
                size_b = _push(hk, hn, pos, 1, size_b, v, c - pot[v])
        for k in range(nt):
            v = touched[k]
            if dist[0, v] + dist[1, v] < mu:
                mu = dist[0, v] + dist[1, v]
                meet = v
        settled = 0
        while size_f > 0 and size_b > 0:
            if hk[0, 0] + hk[1, 0] >= mu:
                break
            settled += 1
            if hk[0, 0] <= hk[1, 0]:
                u, size_f = _pop(hk, hn, pos, 0, size_f)
                du = dist[0, u]
                for j in range(indptr[u], indptr[u + 1]):
                    c = w[j]
                    if not c < inf:
                        continue
                    v = heads[j]
                    if pos[0, v] == SETTLED:
                        continue
                    nd = du + c
                    nt = _touch(v, pot, touched, nt, xyz, st, inv_vmax, lm, anc)
                    if nd < dist[0, v]:
                        dist[0, v] = nd
                        pred[0, v] = u
                        size_f = _push(hk, hn, pos, 0, size_f, v, nd + pot[v])
                        if nd + dist[1, v] < mu:
                            mu = nd + dist[1, v]
                            meet = v
            else:
                u, size_b = _pop(hk, hn, pos, 1, size_b)
                du = dist[1, u]
                for j in range(rindptr[u], rindptr[u + 1]):
                    c = w[rorder[j]]
                    if not c < inf:
                        continue
                    v = rtails[j]
                    if pos[1, v] == SETTLED:
                        continue
                    nd = du + c
                    nt = _touch(v, pot, touched, nt, xyz, st, inv_vmax, lm, anc)
                    if nd < dist[1, v]:
                        dist[1, v] = nd
                        pred[1, v] = u
                        size_b = _push(hk, hn, pos, 1, size_b, v, nd - pot[v])
                        if nd + dist[0, v] < mu:
                            mu = nd + dist[0, v]
                            meet = v
        # the path: forward tree back from the meeting node, then the backward tree on to a dst node
        if meet >= 0:
            n_f = 0
            x = meet
            while x >= 0:
                n_f += 1
                x = pred[0, x]
            n_b = 0
            x = pred[1, meet]
            while x >= 0:
                n_b += 1
                x = pred[1, x]
            nodes = np.empty(n_f + n_b, dtype=np.int64)
            x = meet
            for i in range(n_f - 1, -1, -1):
                nodes[i] = x
                x = pred[0, x]
            x = pred[1, meet]
            for i in range(n_f, n_f + n_b):
                nodes[i] = x
                x = pred[1, x]
        else:
            nodes = np.empty(0, dtype=np.int64)
        for k in range(nt):
            v = touched[k]
            dist[0, v] = inf
            dist[1, v] = inf
            pred[0, v] = -1
            pred[1, v] = -1
            pos[0, v] = UNSEEN
            pos[1, v] = UNSEEN
            pot[v] = np.nan
        return mu, nodes, settled

    @njit(cache=True, nogil=True)
    def _tree(indptr, ends, order, w, seeds, seed_cost, limit):  # type: ignore[no-untyped-def]
        """Dijkstra from seeds over the CSR (indptr, ends) with weights w[order[j]], up to `limit`.

        Returns dist (inf past the limit) and pred (-1 at a seed or unreached), n entries each. Used with
        the forward CSR for isochrones and with the reverse CSR for "to the destination" trees."""
        n = len(indptr) - 1
        inf = np.inf
        dist = np.full(n, inf)
        pred = np.full(n, -1, dtype=np.int64)
        pos = np.full((1, n), UNSEEN, dtype=np.int32)
        hk = np.empty((1, n), dtype=np.float64)
        hn = np.empty((1, n), dtype=np.int32)
        size = 0
        for k in range(len(seeds)):
            v = seeds[k]
            c = seed_cost[k]
            if c < dist[v] and c <= limit:
                dist[v] = c
                pred[v] = -1
                size = _push(hk, hn, pos, 0, size, v, c)
        while size > 0:
            u, size = _pop(hk, hn, pos, 0, size)
            du = dist[u]
            for j in range(indptr[u], indptr[u + 1]):
                c = w[order[j]]
                if not c < inf:
                    continue
                v = ends[j]
                nd = du + c
                if nd < dist[v] and nd <= limit and pos[0, v] != SETTLED:
                    dist[v] = nd
                    pred[v] = u
                    size = _push(hk, hn, pos, 0, size, v, nd)
        return dist, pred

    @njit(cache=True, nogil=True)
    def _build_cells(segs, x0, y0, x1, y1, gx, gy, cell, nx, ny):  # type: ignore[no-untyped-def]
        """Grid index of segments: cell c holds segs[ptr[c]:ptr[c+1]] (each segment in every cell of
        its bounding box)."""
        counts = np.zeros(nx * ny + 1, dtype=np.int64)
        for k in range(len(segs)):
            s = segs[k]
            cx0 = int((min(x0[s], x1[s]) - gx) / cell)
            cx1 = int((max(x0[s], x1[s]) - gx) / cell)
            cy0 = int((min(y0[s], y1[s]) - gy) / cell)
            cy1 = int((max(y0[s], y1[s]) - gy) / cell)
            for cy in range(cy0, cy1 + 1):
                for cx in range(cx0, cx1 + 1):
                    counts[cy * nx + cx + 1] += 1
        ptr = np.cumsum(counts)
        fill = ptr[:-1].copy()
        out = np.empty(ptr[-1], dtype=np.int64)
        for k in range(len(segs)):
            s = segs[k]
            cx0 = int((min(x0[s], x1[s]) - gx) / cell)
            cx1 = int((max(x0[s], x1[s]) - gx) / cell)
            cy0 = int((min(y0[s], y1[s]) - gy) / cell)
            cy1 = int((max(y0[s], y1[s]) - gy) / cell)
            for cy in range(cy0, cy1 + 1):
                for cx in range(cx0, cx1 + 1):
                    c = cy * nx + cx
                    out[fill[c]] = s
                    fill[c] += 1
        return ptr, out

    @njit(cache=True, nogil=True)
    def _nearest_segment(ptr, cell_segs, x0, y0, x1, y1, gx, gy, cell, nx, ny, px, py, max_d):  # type: ignore[no-untyped-def]
        """Exact nearest indexed segment to (px, py) within max_d: (segment, t along it, distance), or
        (-1, 0, inf). Rings of cells are searched outwards until the best found is closer than any
        segment outside the searched square can be."""
        best = np.inf
        bs = -1
        bt = 0.0
        cx = int(np.floor((px - gx) / cell))
        cy = int(np.floor((py - gy) / cell))
        rmax = int(np.ceil(max_d / cell)) + 1
        for r in range(rmax + 1):
            for yy in range(cy - r, cy + r + 1):
                if yy < 0 or yy >= ny:
                    continue
                edge_row = yy == cy - r or yy == cy + r
                step = 1 if edge_row else 2 * r
                for xx in range(cx - r, cx + r + 1, max(step, 1)):
                    if xx < 0 or xx >= nx:
                        continue
                    c = yy * nx + xx
                    for k in range(ptr[c], ptr[c + 1]):
                        s = cell_segs[k]
                        dx = x1[s] - x0[s]
                        dy = y1[s] - y0[s]
                        t = ((px - x0[s]) * dx + (py - y0[s]) * dy) / max(dx * dx + dy * dy, 1e-12)
                        t = min(max(t, 0.0), 1.0)
                        ex = x0[s] + t * dx - px
                        ey = y0[s] + t * dy - py
                        d2 = ex * ex + ey * ey
                        if d2 < best:
                            best = d2
                            bs = s
                            bt = t
            if bs >= 0 and best <= (r * cell) ** 2:
                break
        if bs < 0 or best > max_d * max_d:
            return -1, 0.0, np.inf
        return bs, bt, np.sqrt(best)


# Typed entry points (mypy sees numba dispatchers as taking a fixed few arguments).
bidir_astar: Callable[..., Any] = _bidir_astar
tree: Callable[..., Any] = _tree
build_cells: Callable[..., Any] = _build_cells
nearest_segment: Callable[..., Any] = _nearest_segment


class Workspace:
    """Per-query scratch arrays of one graph size; kept clean by the kernel between queries."""

    def __init__(self, n: int) -> None:
        self.dist: F64 = np.full((2, n), np.inf)
        self.pred: I64 = np.full((2, n), -1, dtype=np.int64)
        self.pos: I32 = np.full((2, n), UNSEEN, dtype=np.int32)
        self.hk: F64 = np.empty((2, n), dtype=np.float64)
        self.hn: I32 = np.empty((2, n), dtype=np.int32)
        self.pot: F64 = np.full(n, np.nan)
        self.touched: I32 = np.empty(n, dtype=np.int32)


class WorkspacePool:
    """One workspace per concurrent query (threads), created on demand and reused."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._free: list[Workspace] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def get(self) -> Iterator[Workspace]:
        with self._lock:
            ws = self._free.pop() if self._free else None
        if ws is None:
            ws = Workspace(self.n)
        try:
            yield ws
        finally:
            with self._lock:
                self._free.append(ws)


def readonly(a: np.ndarray, dtype: type) -> np.ndarray:
    """A read-only, C-contiguous view of the right dtype: every call then hits one compiled variant."""
    out: np.ndarray = np.ascontiguousarray(a, dtype=dtype).view()
    out.setflags(write=False)
    return out


def unit_xyz_m(lat: F64, lon: F64, radius_m: float) -> F64:
    """Points on a sphere of radius_m (metres): straight-line distances between them are chords."""
    p, lm = np.radians(lat), np.radians(lon)
    xyz = np.column_stack([np.cos(p) * np.cos(lm), np.cos(p) * np.sin(lm), np.sin(p)]) * radius_m
    return readonly(xyz, np.float64)


_warm_lock = threading.Lock()
_warm = False


def warm_up() -> None:
    """Load (or, on a new machine, compile and store) the kernels for the dtypes the engine passes.

    Done once per process when a Router is made, so no user's first route pays for it."""
    global _warm
    with _warm_lock:
        if _warm:
            return
        indptr = readonly(np.array([0, 1, 2]), np.int64)
        heads = readonly(np.array([1, 0]), np.int32)
        order = readonly(np.array([0, 1]), np.int64)
        w = readonly(np.array([1.0, 1.0]), np.float64)
        xyz = readonly(np.zeros((2, 3)), np.float64)
        st = readonly(np.zeros(6), np.float64)
        one = readonly(np.array([0]), np.int64)
        other = readonly(np.array([1]), np.int64)
        zero = readonly(np.array([0.0]), np.float64)
        ws = Workspace(2)
        lm = readonly(np.zeros((2, 2)), np.float64)
        bidir_astar(
            indptr, heads, indptr, heads, order, w, xyz, st, 0.0, lm, lm, one, zero, other, zero,
            np.inf, ws.dist, ws.pred, ws.pos, ws.hk, ws.hn, ws.pot, ws.touched,
        )  # fmt: skip
        tree(indptr, heads, order, w, one, zero, np.inf)
        xs = readonly(np.array([0.0, 1.0]), np.float64)
        ptr, cells = build_cells(one, xs, xs, xs, xs, 0.0, 0.0, 1.0, 2, 2)
        grid = (readonly(ptr, np.int64), readonly(cells, np.int64), xs, xs, xs, xs, 0.0, 0.0, 1.0, 2, 2)
        nearest_segment(*grid, 0.5, 0.5, 1.0)
        _warm = True
