"""One-way streets, closures, unreachable points, turn restrictions, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from canhve.engines.routing.closures import closed_edge_mask
from canhve.engines.routing.engine import Router
from canhve.engines.routing.graph import RoadGraph
from canhve.engines.routing.loader import read_osm
from canhve.engines.routing.model import (
    ClosedCircle,
    ClosedEdges,
    ClosedPolygon,
    GraphLoadError,
    LatLon,
    NoRouteError,
    OutsideGraphError,
    RoutingError,
)
from canhve.engines.routing.profiles import load_profile

from .conftest import data_file

A, B = LatLon(21.0285, 105.8542), LatLon(21.005, 105.84)


def _pairs(graph: RoadGraph, n: int, seed: int) -> list[tuple[LatLon, LatLon]]:
    rng = np.random.default_rng(seed)
    i = rng.integers(0, graph.n_nodes, (n, 2))
    return [
        (
            LatLon(float(graph.node_lat[a]) + 2e-4, float(graph.node_lon[a])),
            LatLon(float(graph.node_lat[b]) - 2e-4, float(graph.node_lon[b])),
        )
        for a, b in i
    ]


def test_one_way_streets_are_never_driven_backwards(router, hanoi):
    raw = read_osm(data_file("roads/hanoi_core_2026-04-11.osm.pbf"), load_profile().classes)
    oneway = dict(zip(raw.way_id.tolist(), raw.way_oneway.tolist(), strict=True))
    assert sum(1 for v in oneway.values() if v) > 100  # the fixture really has one-way streets
    for a, b in _pairs(hanoi, 40, 1):
        try:
            r = router.route(a, b)
        except RoutingError:
            continue
        for e in r.edge_ids:
            ow = oneway[int(hanoi.edge_way[e])]
            assert not (ow == 1 and hanoi.edge_rev[e]), "drove a one-way street against its direction"
            assert not (ow == -1 and not hanoi.edge_rev[e])


@pytest.mark.parametrize(
    "closure",
    [
        ClosedCircle(LatLon(21.0205, 105.8505), 120),
        ClosedPolygon(
            (
                LatLon(21.018, 105.848),
                LatLon(21.018, 105.853),
                LatLon(21.022, 105.853),
                LatLon(21.022, 105.848),
            )
        ),
    ],
)
def test_closures_are_never_crossed(router, hanoi, closure):
    closed = closed_edge_mask(hanoi, [closure])
    assert closed is not None and closed.sum() > 0
    primary = router.route(A, B)
    detour = router.route(A, B, closures=[closure])
    assert not closed[list(detour.edge_ids)].any()
    assert detour.travel_time_s >= primary.travel_time_s - 1e-9
    # the graph itself is untouched: the next request without closures gets the original route
    assert router.route(A, B).travel_time_s == pytest.approx(primary.travel_time_s)


def test_closing_the_primary_route_edges_forces_another(router):
    primary = router.route(A, B)
    middle = frozenset(primary.edge_ids[len(primary.edge_ids) // 3 : 2 * len(primary.edge_ids) // 3])
    detour = router.route(A, B, closures=[ClosedEdges(edge_ids=middle)])
    assert not set(detour.edge_ids) & middle


def test_unreachable_destination_is_a_clear_error(router):
    with pytest.raises(NoRouteError, match="no route"):
        router.route(A, B, closures=[ClosedCircle(B, 400)])


def test_coordinates_outside_the_graph(router):
    with pytest.raises(OutsideGraphError, match="outside the map area"):
        router.route(LatLon(10.03, 105.77), B)  # Cần Thơ: no roads loaded there
    with pytest.raises(RoutingError):
        LatLon(123.0, 105.0)
    with pytest.raises(RoutingError):
        LatLon.parse("21.0;105.8")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.osm.pbf", b"this is not a pbf"),
        ("broken.osm", b"<osm><node id='1' lat='x'"),
        ("broken.json", b"{not json"),
        ("empty.json", json.dumps({"elements": []}).encode()),
        ("no_roads.osm", b"<?xml version='1.0'?><osm version='0.6'><node id='1' lat='21' lon='105'/></osm>"),
        ("roads.txt", b"hello"),
    ],
)
def test_malformed_or_empty_files(tmp_path, name, content):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(GraphLoadError):
        RoadGraph.from_osm(p)


def test_missing_file():
    with pytest.raises(GraphLoadError, match="not found"):
        RoadGraph.from_osm("/nonexistent/roads.osm.pbf")


def test_pbf_and_overpass_json_give_the_same_graph(hanoi):
    from .conftest import SHARED

    js = SHARED / "roads/hanoi_core_2026-04-11.overpass.json"
    if not js.is_file():
        pytest.skip("raw Overpass snapshot not available")
    other = RoadGraph.from_osm(js)
    assert other.n_nodes == hanoi.n_nodes and other.n_edges == hanoi.n_edges
    assert np.array_equal(other.edge_way, hanoi.edge_way)


def test_turn_restrictions_from_osm_xml():
    path = data_file("roads/hanoi_vanmieu_2023-12.osm")
    raw = read_osm(path, load_profile().classes)
    graph = RoadGraph.from_osm(path)
    assert raw.restrictions, "the Văn Miếu fixture has via-node restrictions"
    split = graph.node_origin != np.arange(graph.n_nodes)
    assert split.any(), "restricted junctions were split"
    checked = 0
    for r in raw.restrictions:
        if r.only or r.from_way == r.to_way:
            continue
        via = np.flatnonzero(graph.node_osm == r.via_node)
        for e_in in np.flatnonzero((graph.edge_way == r.from_way) & np.isin(graph.edge_v, via)):
            x = graph.edge_v[e_in]
            exits = graph.edge_way[graph.edge_u == x]
            to_exits = (graph.edge_way[np.isin(graph.edge_u, via)] == r.to_way).sum()
            if to_exits == 1:  # the to-way leaves in one direction only: that exit must be gone
                assert r.to_way not in exits.tolist()
                checked += 1
    assert checked > 0


def test_router_respects_restrictions_against_networkx():
    """On the restricted graph, routes still equal a plain Dijkstra: restrictions live in the topology."""
    import networkx as nx

    from .conftest import at_node, to_networkx

    graph = RoadGraph.from_osm(data_file("roads/hanoi_vanmieu_2023-12.osm"))
    router = Router(graph)
    w = graph.weights(graph.profile.band_at(None))
    ref = to_networkx(graph, w)
    originals = np.flatnonzero(graph.node_origin == np.arange(graph.n_nodes))
    rng = np.random.default_rng(3)
    for a, b in rng.choice(originals, (30, 2)):
        targets = np.flatnonzero(graph.node_origin == b)
        dist = nx.single_source_dijkstra_path_length(ref, int(a))
        expected = min(dist.get(int(t), np.inf) for t in targets)
        got = router.route(at_node(graph, a), at_node(graph, b)).travel_time_s
        assert got == pytest.approx(expected, abs=1e-6)
