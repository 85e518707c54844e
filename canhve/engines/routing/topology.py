"""Graph-structure facts used by choke-point analysis."""

from __future__ import annotations

import numpy as np

from .graph import RoadGraph

_CACHE_ATTR = "_cut_edges_cache"


def cut_edges(graph: RoadGraph) -> np.ndarray:
    """Per directed edge: True when its street (both directions) is a bridge of the undirected graph,
    i.e. closing it splits the network. Iterative Tarjan, computed once per graph."""
    cached = getattr(graph, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    n = graph.n_nodes
    a = graph.node_origin[graph.edge_u]
    b = graph.node_origin[graph.edge_v]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pairs = np.unique(lo * n + hi)
    pu, pv = pairs // n, pairs % n
    pu, pv = pu[pu != pv], pv[pu != pv]
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for i, (x, y) in enumerate(zip(pu.tolist(), pv.tolist(), strict=True)):
        adj[x].append((y, i))
        adj[y].append((x, i))
    disc = [-1] * n
    low = [0] * n
    is_cut = np.zeros(len(pu), dtype=bool)
    timer = 0
    for root in range(n):
        if disc[root] >= 0:
            continue
        disc[root] = low[root] = timer
        timer += 1
        stack = [(root, -1, 0)]  # node, pair id used to enter it, next neighbour position
        while stack:
            node, via, pos = stack[-1]
            if pos < len(adj[node]):
                stack[-1] = (node, via, pos + 1)
                nxt, pid = adj[node][pos]
                if pid == via:
                    continue
                if disc[nxt] < 0:
                    disc[nxt] = low[nxt] = timer
                    timer += 1
                    stack.append((nxt, pid, 0))
                else:
                    low[node] = min(low[node], disc[nxt])
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > disc[parent]:
                        is_cut[via] = True
    cut_pairs = pairs[np.isin(pairs, (pu * n + pv)[is_cut])]
    result = np.isin(lo * n + hi, cut_pairs)
    setattr(graph, _CACHE_ATTR, result)
    return result
