"""Diverse alternates: penalty method first, then via-node ("plateau"/choice-routing) candidates.

Yen's k-shortest paths returns near-copies of the primary (84–99 % shared on the Hà Nội core), so it
does not serve a motorcade that needs a genuinely separate fallback. Instead:
1. penalty: after each route found, multiply the time of its edges by PENALTY and search again; every
   search is one bidirectional A* (kernels.py, tens of microseconds on Hà Nội), and candidates are
   judged on their real, unpenalised time;
2. via-node: if that falls short, one forward and one backward tree give, for every node x, the best
   route through x; the cheapest such routes whose via nodes lie off every route seen so far are
   exactly the "plateaus" that choice routing exploits, and catch alternatives the penalties miss.
A candidate is kept when it shares at most MAX_SHARED of its length with each route already kept (and
they with it) and takes at most MAX_STRETCH x the primary's time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .graph import Snap
from .model import Route, RouteSet
from .search import PathResult, edge_at, walk_back

if TYPE_CHECKING:
    from .engine import Router, Weighted

MAX_SHARED = 0.5
MAX_STRETCH = 1.4
PENALTY = 1.5
PENALTY_ROUNDS = 8
VIA_CANDIDATES = 40


def traversed(router: Router, res: PathResult, so: Snap, sd: Snap) -> dict[int, float]:
    """Metres driven on each edge (partial for the first and last edge)."""
    g = router.graph
    if res.direct_edge >= 0:
        return {res.direct_edge: abs(sd.frac - so.frac) * float(g.edge_len[res.direct_edge])}
    mids = g.edge_ids(res.nodes[:-1], res.nodes[1:]) if len(res.nodes) > 1 else np.zeros(0, np.int64)
    out = dict(zip(mids.tolist(), g.edge_len[mids].tolist(), strict=True))
    e0, e1 = res.first_edge, res.last_edge
    if e0 >= 0:
        f0 = so.frac if g.edge_rev[e0] else 1 - so.frac
        out[e0] = out.get(e0, 0.0) + f0 * float(g.edge_len[e0])
    if e1 >= 0:
        f1 = 1 - sd.frac if g.edge_rev[e1] else sd.frac
        out[e1] = out.get(e1, 0.0) + f1 * float(g.edge_len[e1])
    return {e: m for e, m in out.items() if m > 0}


def real_time(router: Router, res: PathResult, so: Snap, sd: Snap, w: np.ndarray) -> float:
    g = router.graph
    return sum(
        length / float(g.edge_len[e]) * float(w[e]) for e, length in traversed(router, res, so, sd).items()
    )


def shared_fraction(a: dict[int, float], b: dict[int, float]) -> float:
    """Length driven by both, as a share of the shorter route (so the bound holds for each of the two)."""
    common = sum(min(a[e], b[e]) for e in a.keys() & b.keys())
    return common / max(min(sum(a.values()), sum(b.values())), 1e-9)


def diverse_routes(
    router: Router,
    so: Snap,
    sd: Snap,
    ww: Weighted,
    k: int,
    solve: Callable[[np.ndarray | None], PathResult],
    build: Callable[[PathResult], Route],
    max_shared: float = MAX_SHARED,
    max_stretch: float = MAX_STRETCH,
) -> RouteSet:
    w = ww.w
    primary = solve(None)
    kept: list[tuple[PathResult, dict[int, float]]] = [(primary, traversed(router, primary, so, sd))]
    t0 = real_time(router, primary, so, sd, w)
    seen: set[tuple[int, ...]] = {tuple(kept[0][1])}

    def consider(res: PathResult) -> bool:
        prof = traversed(router, res, so, sd)
        key = tuple(prof)
        if key in seen:
            return False
        seen.add(key)
        if real_time(router, res, so, sd, w) > max_stretch * t0 + 1e-9:
            return False
        if any(shared_fraction(prof, p) > max_shared for _, p in kept):
            return False
        kept.append((res, prof))
        return True

    if k > 1:
        pen = w.copy()
        for e in kept[0][1]:
            pen[e] *= PENALTY
        for _ in range(PENALTY_ROUNDS):
            if len(kept) >= k:
                break
            res = solve(pen)
            consider(res)
            used = np.array(list(traversed(router, res, so, sd)), dtype=np.int64)
            pen[used] *= PENALTY
    if len(kept) < k:
        _via_node_candidates(router, so, sd, ww, k, kept, consider, max_stretch * t0)

    routes = tuple(build(r) for r, _ in kept)
    profs = [p for _, p in kept]
    matrix = tuple(
        tuple(1.0 if i == j else shared_fraction(profs[i], profs[j]) for j in range(len(profs)))
        for i in range(len(profs))
    )
    note = None
    if len(routes) < k:
        note = (
            f"only {len(routes)} of {k} requested routes exist that share at most {max_shared:.0%} of their "
            f"length with each other and take at most {max_stretch:g}x the fastest route's time"
        )
    return RouteSet(routes, k, max_shared, max_stretch, matrix, note)


def _via_node_candidates(
    router: Router,
    so: Snap,
    sd: Snap,
    ww: Weighted,
    k: int,
    kept: list[tuple[PathResult, dict[int, float]]],
    consider: Callable[[PathResult], bool],
    budget: float,
) -> None:
    g = router.graph
    n = g.n_nodes
    src, dst = router._origin_ends(so, ww.w), router._dest_ends(sd, ww.w)
    df, pf = router._fast.tree_from(ww.w, src)
    db, pb = router._fast.tree_to(ww.w, dst)
    via = df[:n] + db[:n]
    order = np.argsort(via)
    order = order[via[order] <= budget]
    covered = np.zeros(n, dtype=bool)
    for res, _ in kept:
        covered[res.nodes] = True
    tried = 0
    for x in order.tolist():
        if len(kept) >= k or tried >= VIA_CANDIDATES:
            break
        if covered[x]:
            continue
        tried += 1
        nodes = walk_back(pf, x, n) + walk_back(pb, x, n)[::-1][1:]
        covered[nodes] = True  # other via nodes on this path give the same route
        if len(set(nodes)) != len(nodes):
            continue  # the two half-routes cross: not a simple path
        res = PathResult(
            float(via[x]),
            np.array(nodes, dtype=np.int64),
            edge_at(nodes[0], src),
            edge_at(nodes[-1], dst),
            -1,
        )
        consider(res)
