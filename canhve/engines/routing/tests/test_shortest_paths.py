"""Route times equal networkx Dijkstra on the same weights (random graphs and the Hà Nội graph)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canhve.engines.routing.builder import build_graph_arrays
from canhve.engines.routing.engine import Router
from canhve.engines.routing.graph import RoadGraph
from canhve.engines.routing.model import RoutingError
from canhve.engines.routing.synthetic import grid_network

from .conftest import at_node, speeds, to_networkx


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    side=st.integers(3, 12),
    seed=st.integers(0, 10_000),
    oneway=st.floats(0.0, 0.6),
    bidirectional=st.booleans(),
    data=st.data(),
)
def test_random_graph_routes_match_networkx(side, seed, oneway, bidirectional, data):
    raw = grid_network(side, seed=seed, oneway_share=oneway, drop_share=0.15)
    graph = RoadGraph(build_graph_arrays(raw, speeds()), "synthetic")
    router = Router(graph, bidirectional_min_nodes=0 if bidirectional else 10**9)
    band = graph.profile.band_at("08:00")
    w = graph.weights(band)
    ref = to_networkx(graph, w)
    a = data.draw(st.integers(0, graph.n_nodes - 1))
    b = data.draw(st.integers(0, graph.n_nodes - 1))
    expected = nx.dijkstra_path_length(ref, a, b)  # one strongly connected component: always reachable
    got = router.route(at_node(graph, a), at_node(graph, b), depart_at="08:00")
    assert got.travel_time_s == pytest.approx(expected, rel=1e-9, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_hanoi_routes_match_networkx(router, hanoi, data):
    depart = data.draw(st.sampled_from([None, "07:45", "17:30", "23:00"]))
    w = hanoi.weights(hanoi.profile.band_at(depart))
    ref = _ref(hanoi, depart)
    a = data.draw(st.integers(0, hanoi.n_nodes - 1))
    b = data.draw(st.integers(0, hanoi.n_nodes - 1))
    expected = nx.dijkstra_path_length(ref, a, b)
    got = router.route(at_node(hanoi, a), at_node(hanoi, b), depart_at=depart)
    assert got.travel_time_s == pytest.approx(expected, rel=1e-9, abs=1e-6)
    # the reported time is the sum of the edges driven
    assert got.travel_time_s == pytest.approx(float(w[list(got.edge_ids)].sum()), rel=1e-9, abs=1e-6)


_REFS: dict[object, nx.DiGraph] = {}


def _ref(graph: RoadGraph, depart: str | None) -> nx.DiGraph:
    if depart not in _REFS:
        _REFS[depart] = to_networkx(graph, graph.weights(graph.profile.band_at(depart)))
    return _REFS[depart]


def test_bidirectional_agrees_with_plain_search_mid_edge(hanoi):
    """Points between junctions (partial first/last edges) give the same answer both ways."""
    rng = np.random.default_rng(7)
    plain, bidir = Router(hanoi), Router(hanoi, bidirectional_min_nodes=0)
    for _ in range(25):
        i, j = rng.integers(0, len(hanoi.vert_lat) - 1, 2)
        a = at_vertex(hanoi, i)
        b = at_vertex(hanoi, j)
        try:
            expected = plain.route(a, b).travel_time_s
        except RoutingError:  # vertex of a road cut off from the main network
            continue
        assert bidir.route(a, b).travel_time_s == pytest.approx(expected, rel=1e-9, abs=1e-6)


def at_vertex(graph, i):
    from canhve.engines.routing.model import LatLon

    return LatLon(float(graph.vert_lat[i]) + 1e-5, float(graph.vert_lon[i]) + 1e-5)


def test_peak_hours_are_slower(router):
    from canhve.engines.routing.model import LatLon

    a, b = LatLon(21.0285, 105.8542), LatLon(21.005, 105.84)
    off, peak = router.route(a, b), router.route(a, b, depart_at="17:45")
    assert peak.band == "evening_peak" and off.band == "offpeak"
    assert peak.travel_time_s > off.travel_time_s
