"""Turn the flat ways of loader.RawNetwork into a compact directed road graph (plain numpy arrays).

Nodes are junctions and way ends only: the vertices between them become edge geometry, which keeps the
graph small (Hà Nội core: ~1.7k nodes instead of ~14k) and Dijkstra fast. Every step is vectorised, so a
province or country extract builds in seconds.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .geo import LocalProjection, haversine_m
from .loader import RawNetwork, Restriction
from .model import GraphLoadError

MIN_EDGE_LENGTH_M = 0.1  # csgraph treats a stored 0 as an edge, but keep weights strictly positive anyway


def _edge_table(raw: RawNetwork) -> dict[str, np.ndarray]:
    n_vert = len(raw.vert_node)
    way_len = np.diff(raw.way_ptr)
    vert_way = np.repeat(np.arange(len(raw.way_id)), way_len)
    uniq, inv, counts = np.unique(raw.vert_node, return_inverse=True, return_counts=True)
    is_end = np.zeros(n_vert, dtype=bool)
    is_end[raw.way_ptr[:-1]] = True
    is_end[raw.way_ptr[1:] - 1] = True
    keep_node = counts >= 2  # shared by two ways, or visited twice by one
    via = np.array([r.via_node for r in raw.restrictions], dtype=np.int64)
    if len(via):
        pos = np.searchsorted(uniq, via)
        ok = (pos < len(uniq)) & (uniq[np.minimum(pos, len(uniq) - 1)] == via)
        keep_node[pos[ok]] = True
    kept_vert = keep_node[inv] | is_end
    keep_node[inv[kept_vert]] = True
    dense = np.cumsum(keep_node) - 1

    p = np.flatnonzero(kept_vert)
    same_way = vert_way[p[:-1]] == vert_way[p[1:]]
    gs, ge = p[:-1][same_way], p[1:][same_way]
    w = vert_way[gs]

    seg_len = haversine_m(raw.vert_lat[:-1], raw.vert_lon[:-1], raw.vert_lat[1:], raw.vert_lon[1:])
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    length = np.maximum(cum[ge] - cum[gs], MIN_EDGE_LENGTH_M)
    a, b = dense[inv[gs]], dense[inv[ge]]

    ow = raw.way_oneway[w]
    fwd, bwd = ow >= 0, ow <= 0
    cat = np.concatenate
    table = {
        "u": cat([a[fwd], b[bwd]]),
        "v": cat([b[fwd], a[bwd]]),
        "way": cat([w[fwd], w[bwd]]),
        "gs": cat([gs[fwd], gs[bwd]]),
        "ge": cat([ge[fwd], ge[bwd]]),
        "rev": cat([np.zeros(fwd.sum(), bool), np.ones(bwd.sum(), bool)]),
        "length": cat([length[fwd], length[bwd]]),
    }
    table["node_osm"] = uniq[keep_node]
    node_first_vert = np.zeros(len(uniq), dtype=np.int64)
    node_first_vert[inv[::-1]] = np.arange(n_vert)[::-1]
    nv = node_first_vert[keep_node]
    table["node_lat"], table["node_lon"] = raw.vert_lat[nv], raw.vert_lon[nv]
    table["vert_cum"] = cum
    return table


def _take(t: dict[str, np.ndarray], idx: np.ndarray) -> None:
    for k in ("u", "v", "way", "gs", "ge", "rev", "length", "origin"):
        t[k] = t[k][idx]


def _turn_sides(t: dict[str, np.ndarray], raw: RawNetwork, e_in: int, outs: np.ndarray) -> np.ndarray:
    """+1 for a left turn, -1 for a right turn from edge e_in into each of outs (cross product sign)."""
    proj = LocalProjection(float(raw.vert_lat.mean()))

    def vec(e: int, at_end: bool) -> np.ndarray:
        a, b = int(t["gs"][e]), int(t["ge"][e])
        if t["rev"][e]:
            a, b = b, a
        step = -1 if b < a else 1
        i, j = (b - step, b) if at_end else (a, a + step)
        x, y = proj.forward(raw.vert_lat[[i, j]], raw.vert_lon[[i, j]])
        return np.array([x[1] - x[0], y[1] - y[0]])

    d_in = vec(e_in, True)
    sides = [np.sign(d_in[0] * vec(int(o), False)[1] - d_in[1] * vec(int(o), False)[0]) for o in outs]
    return np.array(sides)


def _apply_restrictions(t: dict[str, np.ndarray], raw: RawNetwork, restrictions: list[Restriction]) -> None:
    """Node splitting: a restricted in-edge gets its own copy of the via node with only the allowed exits.

    This is exact for via-node restrictions and touches only the nodes that have them, so the graph stays
    node-based and the fast csgraph Dijkstra still applies.
    """
    if not restrictions:
        return
    osm_to_node = {int(o): i for i, o in enumerate(t["node_osm"])}
    way_ids = raw.way_id[t["way"]]
    forbidden: dict[int, set[int]] = defaultdict(set)
    for r in restrictions:
        x = osm_to_node.get(r.via_node)
        if x is None:
            continue
        ins = np.flatnonzero((t["v"] == x) & (way_ids == r.from_way))
        outs = np.flatnonzero(t["u"] == x)
        for e_in in ins:
            on_to = outs[way_ids[outs] == r.to_way]
            if r.from_way == r.to_way:  # a u-turn on one way: only the reversal is meant
                on_to = on_to[t["v"][on_to] == t["u"][e_in]]
            elif len(on_to) > 1:  # the to-way passes through: keep the exits on the named side
                side = 1 if "left" in r.kind else -1 if "right" in r.kind else 0
                if side:
                    on_to = on_to[_turn_sides(t, raw, int(e_in), on_to) == side]
            banned = set(outs.tolist()) - set(on_to.tolist()) if r.only else set(on_to.tolist())
            forbidden[int(e_in)] |= banned
    if not forbidden:
        return
    n_nodes = len(t["node_osm"])
    new_node_of: dict[int, int] = {}
    via_of: dict[int, int] = {}
    for edge_in in forbidden:
        via_of[edge_in] = int(t["v"][edge_in])
        new_node_of[edge_in] = n_nodes + len(new_node_of)
    for edge_in, nn in new_node_of.items():  # redirect first, so copied exits keep later redirections
        t["v"][edge_in] = nn
    copies: list[tuple[int, int]] = []
    for edge_in, banned in forbidden.items():
        outs = np.flatnonzero(t["u"] == via_of[edge_in])
        copies.extend((new_node_of[edge_in], int(o)) for o in outs if int(o) not in banned)
    src = np.array([o for _, o in copies], dtype=np.int64)
    for k in ("u", "v", "way", "gs", "ge", "rev", "length", "origin"):
        t[k] = np.concatenate([t[k], t[k][src]])
    if copies:
        t["u"][-len(copies) :] = [n for n, _ in copies]
    split_from = np.array([via_of[e] for e in new_node_of], dtype=np.int64)
    t["node_origin"] = np.concatenate([np.arange(n_nodes), split_from])
    for k in ("node_osm", "node_lat", "node_lon"):
        t[k] = np.concatenate([t[k], t[k][split_from]])


def build_graph_arrays(raw: RawNetwork, speed_kph: np.ndarray) -> dict[str, np.ndarray]:
    """All arrays of a RoadGraph; edges sorted by (tail, head) so the edge id is the CSR data index."""
    t = _edge_table(raw)
    t["node_origin"] = np.arange(len(t["node_osm"]))
    t["origin"] = np.arange(len(t["u"]))

    _take(t, np.flatnonzero(t["u"] != t["v"]))  # a loop way closed on one junction is never a shortcut
    way_speed = np.where(np.isnan(raw.way_maxspeed), speed_kph[raw.way_class], raw.way_maxspeed)
    base_time = t["length"] / way_speed[t["way"]]
    # parallel edges: keep the quickest, so (tail, head) identifies an edge
    order = np.lexsort((base_time, t["v"], t["u"]))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (t["u"][order][1:] != t["u"][order][:-1]) | (t["v"][order][1:] != t["v"][order][:-1])
    _take(t, order[first])
    t["origin"] = np.arange(len(t["u"]))

    _apply_restrictions(t, raw, raw.restrictions)

    n = len(t["node_osm"])
    adj = csr_matrix((np.ones(len(t["u"])), (t["u"], t["v"])), shape=(n, n))
    _, labels = connected_components(adj, directed=True, connection="strong")
    # split copies have one way in, so judge each original node by its label and keep copies alongside
    big = np.bincount(labels[t["node_origin"]]).argmax()
    keep_node = labels[t["node_origin"]] == big
    if not keep_node.any():
        raise GraphLoadError("the road network has no connected part")
    remap = np.cumsum(keep_node) - 1
    n_before = len(t["u"])
    keep_edge = keep_node[t["u"]] & keep_node[t["v"]]
    old_ids = np.flatnonzero(keep_edge)
    _take(t, old_ids)
    t["u"], t["v"] = remap[t["u"]], remap[t["v"]]
    for k in ("node_osm", "node_lat", "node_lon"):
        t[k] = t[k][keep_node]
    t["node_origin"] = remap[t["node_origin"][keep_node]]

    order = np.lexsort((t["v"], t["u"]))
    _take(t, order)
    pos_of_old = np.full(n_before, -1)
    pos_of_old[old_ids[order]] = np.arange(len(order))
    origin = pos_of_old[t["origin"]]
    t["origin"] = np.where(origin >= 0, origin, np.arange(len(order)))

    n = len(t["node_osm"])
    w = t["way"]
    out = {
        "node_lat": t["node_lat"],
        "node_lon": t["node_lon"],
        "node_osm": t["node_osm"],
        "node_origin": t["node_origin"].astype(np.int64),
        "indptr": np.concatenate([[0], np.cumsum(np.bincount(t["u"], minlength=n))]).astype(np.int64),
        "edge_u": t["u"].astype(np.int32),
        "edge_v": t["v"].astype(np.int32),
        "edge_len": t["length"].astype(np.float64),
        "edge_speed": way_speed[w].astype(np.float64),
        "edge_class": raw.way_class[w].astype(np.int16),
        "edge_name": raw.way_name[w].astype(np.int32),
        "edge_flags": raw.way_flags[w].astype(np.uint8),
        "edge_lanes": raw.way_lanes[w].astype(np.int8),
        "edge_oneway": (raw.way_oneway[w] != 0),
        "edge_way": raw.way_id[w].astype(np.int64),
        "edge_gs": t["gs"].astype(np.int64),
        "edge_ge": t["ge"].astype(np.int64),
        "edge_rev": t["rev"].astype(bool),
        "edge_origin": t["origin"].astype(np.int64),
        "vert_lat": raw.vert_lat,
        "vert_lon": raw.vert_lon,
        "vert_cum": t["vert_cum"],
        "classes": np.array(raw.classes),
        "names": np.array(raw.names if raw.names else [""]),
    }
    return out
