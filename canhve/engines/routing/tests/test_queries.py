"""Alternatives, facilities, along-route cover, isochrones, choke points, CLI, prepared files."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
import shapely

from canhve.engines.routing import cli
from canhve.engines.routing.alternatives import shared_fraction
from canhve.engines.routing.closures import closed_edge_mask
from canhve.engines.routing.engine import Router
from canhve.engines.routing.graph import RoadGraph
from canhve.engines.routing.model import ClosedCircle, Facility, LatLon, RoutingError

from .conftest import to_networkx

A, B = LatLon(21.0285, 105.8542), LatLon(21.005, 105.84)


def _driven(graph: RoadGraph, route) -> dict[int, float]:
    """Metres per edge recomputed from the route alone (first/last edges measured on the geometry)."""
    out = {e: float(graph.edge_len[e]) for e in route.edge_ids}
    return out


def _connected(graph: RoadGraph, route) -> bool:
    e = np.array(route.edge_ids)
    return bool(np.all(graph.edge_v[e[:-1]] == graph.edge_u[e[1:]]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alternatives_are_valid_diverse_and_bounded(router, hanoi, seed):
    rng = np.random.default_rng(seed)
    closure = ClosedCircle(LatLon(21.0205, 105.8505), 100)
    closed = closed_edge_mask(hanoi, [closure])
    for _ in range(6):
        a, b = rng.integers(0, hanoi.n_nodes, 2)
        o = LatLon(float(hanoi.node_lat[a]), float(hanoi.node_lon[a]))
        d = LatLon(float(hanoi.node_lat[b]), float(hanoi.node_lon[b]))
        try:
            rs = router.alternatives(o, d, "08:00", k=3, closures=[closure])
        except RoutingError:
            continue
        t0 = rs.primary.travel_time_s
        assert len(rs.routes) == 3 or rs.note
        for r in rs.routes:
            assert _connected(hanoi, r)
            assert r.travel_time_s <= 1.4 * t0 + 1e-6
            assert not closed[list(r.edge_ids)].any()
        for i in range(len(rs.routes)):
            for j in range(i + 1, len(rs.routes)):
                assert rs.shared_fraction[i][j] <= 0.5 + 1e-9


def test_three_diverse_routes_across_town(router):
    rs = router.alternatives(A, B, "08:00", k=3)
    assert len(rs.routes) == 3, rs.note
    assert len({r.edge_ids for r in rs.routes}) == 3


def test_shared_fraction_is_relative_to_the_shorter_route():
    assert shared_fraction({1: 100.0}, {1: 100.0, 2: 300.0}) == 1.0
    assert shared_fraction({1: 100.0, 3: 100.0}, {1: 100.0, 2: 300.0}) == 0.5


def test_nearest_facilities_match_networkx(router, hanoi):
    ft = router.nearest_facilities("hospital")
    nodes, _ = router.facility_nodes(ft.facilities)
    roots = sorted({int(n) for n in nodes if n >= 0})
    assert len(roots) > 20  # the shipped Hà Nội hospitals inside the graph
    ref = to_networkx(hanoi, hanoi.weights(hanoi.profile.band_at(None)))
    to_ref = nx.multi_source_dijkstra_path_length(ref.reverse(copy=True), set(roots))
    from_ref = nx.multi_source_dijkstra_path_length(ref, set(roots))
    for v in range(0, hanoi.n_nodes, 7):
        assert ft.to_facility_s[v] == pytest.approx(to_ref[v], abs=1e-6)
        assert ft.from_facility_s[v] == pytest.approx(from_ref[v], abs=1e-6)
        fac, t = ft.nearest_to(v)
        assert fac is not None and fac.kind == "hospital" and t == ft.to_facility_s[v]


def test_app_registry_facilities_and_unknown_kind(router, hanoi):
    haven = Facility(
        "site:1", "safe_haven", "Safe point", float(hanoi.node_lat[10]), float(hanoi.node_lon[10])
    )
    ft = router.nearest_facilities("safe_haven", facilities=[haven])
    assert ft.to_facility_s[10] == 0.0 and ft.nearest_to(10)[0] == haven
    none = router.nearest_facilities("heliport")
    assert np.isinf(none.to_facility_s).all() and (none.to_facility_index == -1).all()


def test_along_route_reports_worst_segment(router):
    route = router.route(A, B)
    rep = router.along_route(route, ("hospital", "police"))
    assert len(rep.segments) == 2 * len(route.edge_ids)
    assert {w.kind for w in rep.worst} == {"hospital", "police"}
    for w in rep.worst:
        assert w.to_facility_s == max(s.to_facility_s for s in rep.segments if s.kind == w.kind)


def test_isochrone_polygon_grows_with_time_and_holds_the_origin(router):
    small, big = router.isochrone(A, 2), router.isochrone(A, 6)
    ps, pb = shapely.Polygon(small.ring), shapely.Polygon(big.ring)
    assert ps.is_valid and pb.is_valid
    assert small.reached_nodes < big.reached_nodes
    assert pb.area > ps.area
    assert pb.buffer(1e-4).contains(shapely.Point(A.lon, A.lat))
    assert big.geojson["geometry"]["type"] == "Polygon"


def test_choke_points_flag_bridges_tunnels_and_cut_edges(router, hanoi):
    bridges = np.flatnonzero(hanoi.edge_flags & 1)
    assert len(bridges)
    e = int(bridges[0])
    mid = hanoi.edge_vertices(e)[1] if len(hanoi.edge_vertices(e)) > 2 else hanoi.edge_vertices(e)[0]
    p = LatLon(float(hanoi.vert_lat[mid]), float(hanoi.vert_lon[mid]))
    route = router.route(A, p)
    cps = router.choke_points(route)
    assert any("bridge" in c.reasons for c in cps)


def test_prepared_file_round_trip(tmp_path, hanoi):
    path = tmp_path / "g.npz"
    hanoi.save(path)
    again = RoadGraph.load(path)
    r1, r2 = Router(hanoi).route(A, B), Router(again).route(A, B)
    assert r1 == r2
    path.write_bytes(b"garbage")
    with pytest.raises(RoutingError):
        RoadGraph.load(path)


def test_cli_prints_routes_as_json(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CANHVE_ROUTING_CACHE", str(tmp_path))
    rc = cli.main(
        [
            "--from",
            "21.0285,105.8542",
            "--to",
            "21.005,105.84",
            "--depart",
            "07:30",
            "--alternatives",
            "2",
            "--avoid",
            "21.0205,105.8505,100",
            "--indent",
            "0",
        ]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    route = out["routes"][0]
    assert {"travel_time_s", "length_m", "streets", "geometry"} <= route.keys()
    assert route["geometry"]["type"] == "LineString" and route["streets"]
    assert list(tmp_path.glob("*.npz")), "prepared graph cached"


def test_cli_bad_input_is_a_clear_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CANHVE_ROUTING_CACHE", str(tmp_path))
    assert cli.main(["--from", "10.03,105.77", "--to", "21.005,105.84"]) == 2
    assert "outside the map area" in capsys.readouterr().err
    assert cli.main(["--from", "21.02,105.85", "--to", "21.005,105.84", "--avoid", "nonsense"]) == 2
    assert "--avoid" in capsys.readouterr().err
