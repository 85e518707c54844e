"""The numba kernels (bidirectional A* with landmarks, bounded trees, grid snapping) against references:
networkx Dijkstra on random graphs with and without closures, scipy csgraph, brute-force snapping."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from canhve.engines.routing import kernels
from canhve.engines.routing.builder import build_graph_arrays
from canhve.engines.routing.engine import Router
from canhve.engines.routing.graph import RoadGraph
from canhve.engines.routing.model import ClosedEdges, LatLon, NoRouteError, RoutingError
from canhve.engines.routing.search import Ends, FastSearch
from canhve.engines.routing.synthetic import grid_network

from .conftest import at_node, speeds, to_networkx

SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _graph(side: int, seed: int, oneway: float) -> RoadGraph:
    return RoadGraph(build_graph_arrays(grid_network(side, seed=seed, oneway_share=oneway), speeds()), "t")


@SLOW
@given(
    side=st.integers(3, 14),
    seed=st.integers(0, 10_000),
    oneway=st.floats(0.0, 0.7),
    closed_share=st.sampled_from([0.0, 0.05, 0.2, 0.4]),
    depart=st.sampled_from([None, "07:45", "17:30", "23:00"]),
    data=st.data(),
)
def test_numba_route_equals_networkx_with_and_without_closures(
    side, seed, oneway, closed_share, depart, data
):
    graph = _graph(side, seed, oneway)
    router = Router(graph)
    rng = np.random.default_rng(seed)
    closed = frozenset(np.flatnonzero(rng.random(graph.n_edges) < closed_share).tolist())
    closures = [ClosedEdges(edge_ids=closed)] if closed else []
    w = router.weights(graph.profile.band_at(depart), closures)
    ref = to_networkx(graph, w)  # closed edges (inf) left out
    a = data.draw(st.integers(0, graph.n_nodes - 1))
    b = data.draw(st.integers(0, graph.n_nodes - 1))
    if not nx.has_path(ref, a, b):
        with pytest.raises(NoRouteError):
            router.route(at_node(graph, a), at_node(graph, b), depart_at=depart, closures=closures)
        return
    expected = nx.dijkstra_path_length(ref, a, b)
    got = router.route(at_node(graph, a), at_node(graph, b), depart_at=depart, closures=closures)
    assert got.travel_time_s == pytest.approx(expected, rel=1e-9, abs=1e-6)
    e = np.array(got.edge_ids, dtype=np.int64)
    # a connected walk along directed edges (one-way streets only driven their way), none of them closed
    assert np.all(graph.edge_v[e[:-1]] == graph.edge_u[e[1:]])
    assert not closed & set(got.edge_ids)
    assert got.travel_time_s == pytest.approx(float(w[e].sum()), rel=1e-9, abs=1e-6)


@SLOW
@given(side=st.integers(3, 12), seed=st.integers(0, 10_000), oneway=st.floats(0.0, 0.7), data=st.data())
def test_kernel_variants_agree_on_costs(side, seed, oneway, data):
    """Landmarks only, straight line only, both, neither: the same optimal cost, multi-entry ends too."""
    graph = _graph(side, seed, oneway)
    band = graph.profile.band_at("08:00")
    w = graph.weights(band)
    ref = to_networkx(graph, w)
    n = graph.n_nodes
    src_nodes = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3)), dtype=np.int64)
    dst_nodes = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3)), dtype=np.int64)
    src_cost = np.array([data.draw(st.floats(0, 50)) for _ in src_nodes])
    dst_cost = np.array([data.draw(st.floats(0, 50)) for _ in dst_nodes])
    expected = min(
        c0 + nx.dijkstra_path_length(ref, int(u), int(v)) + c1
        for u, c0 in zip(src_nodes, src_cost, strict=True)
        for v, c1 in zip(dst_nodes, dst_cost, strict=True)
    )
    src = Ends(src_nodes, src_cost, np.full(len(src_nodes), -1))
    dst = Ends(dst_nodes, dst_cost, np.full(len(dst_nodes), -1))
    pts = ((float(graph.node_lat[src_nodes[0]]), float(graph.node_lon[src_nodes[0]])),
           (float(graph.node_lat[dst_nodes[0]]), float(graph.node_lon[dst_nodes[0]])))  # fmt: skip
    for landmarks in (0, 4):
        fs = FastSearch(graph, landmarks=landmarks)
        res = fs.route(w, band, src, dst, (np.inf, -1), *pts)
        assert res.cost == pytest.approx(expected, rel=1e-9, abs=1e-6)
        # the path is real: its edges exist and their times plus the end costs give the cost
        mids = graph.edge_ids(res.nodes[:-1], res.nodes[1:])
        assert np.all(graph.edge_u[mids] == res.nodes[:-1]) and np.all(graph.edge_v[mids] == res.nodes[1:])
        i = int(np.flatnonzero(src_nodes == res.nodes[0])[np.argmin(src_cost[src_nodes == res.nodes[0]])])
        j = int(np.flatnonzero(dst_nodes == res.nodes[-1])[np.argmin(dst_cost[dst_nodes == res.nodes[-1]])])
        total = src_cost[i] + float(w[mids].sum()) + dst_cost[j]
        assert total == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_numba_bidirectional_equals_csgraph_on_hanoi_mid_edge(hanoi):
    """Points between junctions: the A* route and the reference whole-graph csgraph search agree."""
    rng = np.random.default_rng(11)
    fast, ref = Router(hanoi), Router(hanoi, bidirectional_min_nodes=10**9)
    closure = [ClosedEdges(edge_ids=frozenset(rng.integers(0, hanoi.n_edges, 60).tolist()))]
    checked = 0
    for _ in range(60):
        i, j = rng.integers(0, len(hanoi.vert_lat) - 1, 2)
        a = LatLon(float(hanoi.vert_lat[i]) + 2e-5, float(hanoi.vert_lon[i]) - 1e-5)
        b = LatLon(float(hanoi.vert_lat[j]) - 1e-5, float(hanoi.vert_lon[j]) + 2e-5)
        for depart, closures in (("08:00", []), ("17:45", closure)):
            try:
                expected = ref.route(a, b, depart, closures=closures)
            except RoutingError as exc:  # closed, or a vertex of a road cut off from the network
                with pytest.raises(type(exc)):
                    fast.route(a, b, depart, closures=closures)
                continue
            got = fast.route(a, b, depart, closures=closures)
            assert got.travel_time_s == pytest.approx(expected.travel_time_s, rel=1e-9, abs=1e-6)
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("limit", [60.0, 300.0, np.inf])
def test_bounded_tree_equals_csgraph(hanoi, limit):
    w = hanoi.weights(hanoi.profile.band_at("08:00")).copy()
    w[::17] = np.inf  # closed
    fs = hanoi.search
    seeds = np.array([5, 900], dtype=np.int64)
    dist, pred = fs.tree_from(w, Ends(seeds, np.array([0.0, 12.5]), np.array([-1, -1])), limit=limit)
    ok = np.isfinite(w)
    mat = csr_matrix((w[ok], (hanoi.edge_u[ok], hanoi.edge_v[ok])), shape=(hanoi.n_nodes,) * 2)
    ref = np.minimum(
        dijkstra(mat, indices=5, limit=limit), dijkstra(mat, indices=900, limit=limit - 12.5) + 12.5
    )
    np.testing.assert_allclose(dist, ref, rtol=1e-12)
    # predecessors give the distances back
    reached = np.flatnonzero(np.isfinite(dist) & (pred >= 0))
    edges = hanoi.edge_ids(pred[reached], reached)
    np.testing.assert_allclose(dist[pred[reached]] + w[edges], dist[reached], rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(fx=st.floats(-0.02, 1.02), fy=st.floats(-0.02, 1.02))
def test_grid_snap_is_the_exact_nearest_segment(hanoi, fx, fy):
    lat = float(hanoi.node_lat.min() + fy * np.ptp(hanoi.node_lat))
    lon = float(hanoi.node_lon.min() + fx * np.ptp(hanoi.node_lon))
    x0, y0, x1, y1 = hanoi._seg_xy
    segs = np.flatnonzero((hanoi.seg_fwd >= 0) | (hanoi.seg_bwd >= 0))
    px, py = lon * hanoi.proj.kx, lat * hanoi.proj.ky
    dx, dy = x1[segs] - x0[segs], y1[segs] - y0[segs]
    t = np.clip(((px - x0[segs]) * dx + (py - y0[segs]) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
    d = np.hypot(x0[segs] + t * dx - px, y0[segs] + t * dy - py)
    seg, _, dist = kernels.nearest_segment(*hanoi._snap_grid, px, py, 1e9)
    assert dist == pytest.approx(float(d.min()), abs=1e-6)
    assert seg in set(segs[d <= d.min() + 1e-6].tolist())
