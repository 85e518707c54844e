"""Routing engine benchmark: canhve vs networkx and igraph on the same graph, weights and queries.

Run: .venv/bin/python benchmarks/routing.py [--quick]
Prints a Markdown table (medians) with the ratio to each baseline, measured in this one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from canhve.engines.routing import ClosedCircle, LatLon, Router, RoutingError, default_facilities
from canhve.engines.routing.builder import build_graph_arrays
from canhve.engines.routing.graph import RoadGraph
from canhve.engines.routing.store import REPO_ROOT
from canhve.engines.routing.synthetic import grid_network


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def per_query_ms(fns: list[Callable[[], object]], rounds: int = 3) -> float:
    """Median over queries of the best of `rounds` runs each (the machine is shared and noisy)."""
    return statistics.median(min(median_ms(f, 1) for _ in range(rounds)) for f in fns)


def baselines(graph: RoadGraph, w: np.ndarray) -> tuple[nx.DiGraph, ig.Graph]:
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    g.add_weighted_edges_from(zip(graph.edge_u.tolist(), graph.edge_v.tolist(), w.tolist(), strict=True))
    h = ig.Graph(
        n=graph.n_nodes,
        edges=list(zip(graph.edge_u.tolist(), graph.edge_v.tolist(), strict=True)),
        directed=True,
    )
    h.es["w"] = w.tolist()
    return g, h


def row(task: str, ours: float, nx_ms: float | None, ig_ms: float | None, target: str) -> str:
    def ratio(x: float | None) -> str:
        return f"{x:.2f} ms ({x / ours:.1f}×)" if x is not None else "—"

    return f"| {task} | **{ours:.3f} ms** | {ratio(nx_ms)} | {ratio(ig_ms)} | {target} |"


def hanoi_section(n_pairs: int) -> list[str]:
    t = time.perf_counter()
    graph = RoadGraph.from_osm(REPO_ROOT / "data/roads/hanoi_core_2026-04-11.osm.pbf")
    build_s = time.perf_counter() - t
    tmp = Path("/tmp/canhve_bench_hanoi.npz")
    graph.save(tmp)
    t = time.perf_counter()
    graph = RoadGraph.load(tmp)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    router = Router(graph, default_facilities())  # loads the numba kernels, makes every band's landmarks
    init_s = time.perf_counter() - t
    band = graph.profile.band_at("08:00")
    w = graph.weights(band)
    g_nx, g_ig = baselines(graph, w)
    rng = np.random.default_rng(42)
    pairs = rng.integers(0, graph.n_nodes, (n_pairs, 2))

    def at(i: int) -> LatLon:
        return LatLon(float(graph.node_lat[i]), float(graph.node_lon[i]))

    qs = [(at(a), at(b)) for a, b in pairs]
    router.route(*qs[0], depart_at="08:00")  # warm caches (KD-tree, search matrix)
    ours = per_query_ms([lambda a=a, b=b: router.route(a, b, depart_at="08:00") for a, b in qs])
    nxm = per_query_ms(
        [lambda a=a, b=b: nx.bidirectional_dijkstra(g_nx, int(a), int(b)) for a, b in pairs[:60]]
    )
    igm = per_query_ms(
        [lambda a=a, b=b: g_ig.get_shortest_path(int(a), int(b), weights="w") for a, b in pairs[:60]]
    )
    lines = [row("one route (snap, search, geometry, streets)", ours, nxm, igm, "≤ 0.5 ms")]

    ft = router.nearest_facilities("hospital", "08:00")
    hosp_nodes = np.unique(router.facility_nodes([f for f in ft.facilities])[0])
    hosp_nodes = hosp_nodes[hosp_nodes >= 0]
    ours = median_ms(lambda: router.nearest_facilities("hospital", "08:00"), 50)
    rev_nx = g_nx.reverse(copy=True)
    nxm = median_ms(lambda: nx.multi_source_dijkstra(rev_nx, set(hosp_nodes.tolist())), 10)
    igm = median_ms(lambda: np.min(g_ig.distances(hosp_nodes.tolist(), weights="w", mode="in"), axis=0), 10)
    lines.append(
        row(f"nearest of {len(hosp_nodes)} hospitals, every node, both directions", ours, nxm, igm, "≤ 2 ms")
    )

    found = []

    def alts(a: LatLon, b: LatLon) -> None:
        found.append(len(router.alternatives(a, b, "08:00", k=3).routes))

    ours = per_query_ms([lambda a=a, b=b: alts(a, b) for a, b in qs[:60]], rounds=1)

    def yen_nx(a: int, b: int) -> None:
        it = nx.shortest_simple_paths(g_nx, a, b, weight="weight")
        for _ in range(3):
            next(it, None)

    far = [(a, b) for a, b in pairs[:60]]
    nxm = per_query_ms([lambda a=a, b=b: yen_nx(int(a), int(b)) for a, b in far[:10]], rounds=1)
    igm = per_query_ms(
        [lambda a=a, b=b: g_ig.get_k_shortest_paths(int(a), int(b), k=3, weights="w") for a, b in far[:20]],
        rounds=1,
    )
    lines.append(
        row(
            "primary + 2 diverse alternates (penalty + via-node; baselines: Yen k=3)",
            ours,
            nxm,
            igm,
            "≤ 5 ms",
        )
    )
    full = sum(1 for f in found if f == 3) / len(found)

    centre = LatLon(21.0285, 105.8542)
    ours = median_ms(lambda: router.isochrone(centre, 5, "08:00"), 50)
    src = int(router.graph.nearest_nodes(np.array([centre.lat]), np.array([centre.lon]))[0][0])
    nxm = median_ms(lambda: nx.single_source_dijkstra_path_length(g_nx, src, cutoff=300), 20)
    igm = median_ms(lambda: g_ig.distances(src, weights="w"), 20)
    lines.append(row("5-minute isochrone polygon (baselines: reach only)", ours, nxm, igm, "≤ 2 ms"))

    closure = ClosedCircle(LatLon(21.0205, 105.8505), 150)

    def reroute(a: LatLon, b: LatLon) -> None:
        # an end inside the closure gives a clear error, and is still a timed query
        with contextlib.suppress(RoutingError):
            router.route(a, b, "08:00", closures=[closure])

    ours = per_query_ms([lambda a=a, b=b: reroute(a, b) for a, b in qs[:100]])
    lines.append(row("re-route around a 150 m closure", ours, None, None, "≤ 2 ms"))
    head = [
        f"Hà Nội core (`data/roads/hanoi_core_2026-04-11.osm.pbf`): **{graph.n_nodes:,} junctions, "
        f"{graph.n_edges:,} directed edges**; build from PBF {build_s * 1e3:.0f} ms, prepared .npz load "
        f"{load_s * 1e3:.1f} ms; Router made (numba kernels loaded from their cache, 4 bands' landmark "
        f"tables) in {init_s * 1e3:.0f} ms. Morning-peak weights. {len(qs)} random node pairs.",
        "",
        "| task | canhve | networkx (ratio) | igraph (ratio) | target |",
        "|---|---|---|---|---|",
    ]
    return [
        *head,
        *lines,
        "",
        f"3 diverse routes found for {full:.0%} of the pairs tried (the rest: see `note`).",
    ]


def _rss_gb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024**2
    return float("nan")


def _grid_graph(side: int) -> RoadGraph:
    from canhve.engines.routing.profiles import load_profile

    raw = grid_network(side, seed=1)
    speeds = np.array([s for _, s in load_profile().class_speed_kph])
    return RoadGraph(build_graph_arrays(raw, speeds), "synthetic grid")


def _pairs(graph: RoadGraph, n_pairs: int) -> np.ndarray:
    return np.random.default_rng(3).integers(0, graph.n_nodes, (n_pairs, 2))


def synthetic_engine(side: int, n_pairs: int) -> dict[str, object]:
    """The engine alone in this (fresh) process: build, prepare, facilities, routes; its own peak RSS."""
    from canhve.engines.routing.model import Facility

    t = time.perf_counter()
    graph = _grid_graph(side)
    build_s = time.perf_counter() - t
    rss_graph = _rss_gb()
    t = time.perf_counter()
    router = Router(graph)
    init_s = time.perf_counter() - t
    band = graph.profile.band_at("08:00")
    t = time.perf_counter()
    router.prepare([band])
    prep_s = time.perf_counter() - t
    rng = np.random.default_rng(7)
    fac_nodes = rng.integers(0, graph.n_nodes, 500)
    facilities = [
        Facility(f"h{i}", "hospital", f"H{i}", float(graph.node_lat[n]), float(graph.node_lon[n]))
        for i, n in enumerate(fac_nodes)
    ]
    router.nearest_facilities("hospital", "08:00", facilities=facilities)
    fac_ms = median_ms(lambda: router.nearest_facilities("hospital", "08:00", facilities=facilities), 3)
    pairs = _pairs(graph, n_pairs)
    at = [
        (
            LatLon(float(graph.node_lat[a]), float(graph.node_lon[a])),
            LatLon(float(graph.node_lat[b]), float(graph.node_lon[b])),
        )
        for a, b in pairs
    ]
    router.route(*at[0], depart_at="08:00")  # snap grid, workspace
    times = [median_ms(lambda a=a, b=b: router.route(a, b, "08:00"), 1) for a, b in at]
    return {
        "nodes": graph.n_nodes,
        "edges": graph.n_edges,
        "build_s": build_s,
        "init_s": init_s,
        "prepare_band_s": prep_s,
        "fac_ms": fac_ms,
        "route_ms": statistics.median(times),
        "route_p90_ms": float(np.percentile(times, 90)),
        "route_max_ms": max(times),
        "rss_graph_gb": rss_graph,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
    }


def synthetic_igraph(side: int, n_pairs: int) -> dict[str, object]:
    graph = _grid_graph(side)
    w = graph.weights(graph.profile.band_at("08:00"))
    g_ig = ig.Graph(n=graph.n_nodes, edges=np.column_stack([graph.edge_u, graph.edge_v]), directed=True)
    g_ig.es["w"] = w
    pairs = _pairs(graph, n_pairs)[:5]
    ms = statistics.median(
        median_ms(lambda a=a, b=b: g_ig.get_shortest_path(int(a), int(b), weights="w"), 1) for a, b in pairs
    )
    return {"route_ms": ms}


def _in_subprocess(part: str, side: int, n_pairs: int) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--part", part, "--side", str(side), "--pairs", str(n_pairs)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def synthetic_section(side: int, n_pairs: int) -> list[str]:
    eng = _in_subprocess("engine", side, n_pairs)
    base = _in_subprocess("igraph", side, n_pairs)
    r, igm = float(eng["route_ms"]), float(base["route_ms"])  # type: ignore[arg-type]
    return [
        f"Synthetic grid ({side}×{side}, random one-ways and classes): **{eng['nodes']:,} nodes, "
        f"{eng['edges']:,} edges**, built in {eng['build_s']:.1f} s; Router made in {eng['init_s']:.1f} s, "
        f"the morning band's landmark table in {eng['prepare_band_s']:.1f} s. Engine process alone "
        f"(build + router + landmarks + queries; igraph runs in its own process): peak RSS "
        f"**{eng['peak_gb']:.2f} GB** (graph alone {eng['rss_graph_gb']:.2f} GB; target ≤ 2 GB).",
        "",
        "| task | canhve | igraph (ratio) | target |",
        "|---|---|---|---|",
        f"| nearest of 500 facilities, every node, both directions | **{eng['fac_ms']:,.0f} ms** | — "
        "| ≤ 2,000 ms |",
        f"| one route, random pair (bidirectional A*, landmarks), median of {n_pairs} | **{r:.1f} ms** "
        f"(p90 {eng['route_p90_ms']:.0f}, max {eng['route_max_ms']:.0f}) | {igm:,.0f} ms ({igm / r:.0f}×) "
        "| ≤ 200 ms |",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller synthetic graph, fewer pairs")
    ap.add_argument("--part", choices=["engine", "igraph"], help=argparse.SUPPRESS)
    ap.add_argument("--side", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--pairs", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.part:
        part = synthetic_engine if args.part == "engine" else synthetic_igraph
        print(json.dumps(part(args.side, args.pairs)))
        return
    out = hanoi_section(100 if args.quick else 300)
    out += ["", *synthetic_section(300 if args.quick else 1001, 15 if args.quick else 41)]
    print("\n".join(out))


if __name__ == "__main__":
    main()
