from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from canhve.engines.routing.engine import Router
from canhve.engines.routing.graph import RoadGraph
from canhve.engines.routing.model import LatLon
from canhve.engines.routing.profiles import load_profile
from canhve.engines.routing.store import REPO_ROOT, default_facilities

SHARED = Path("/work/shared/data")


def data_file(rel: str) -> Path:
    """Prefer the product's own data/, fall back to the shared data folder."""
    own = REPO_ROOT / "data" / rel
    return own if own.is_file() else SHARED / rel


@pytest.fixture(scope="session")
def hanoi() -> RoadGraph:
    return RoadGraph.from_osm(data_file("roads/hanoi_core_2026-04-11.osm.pbf"))


@pytest.fixture(scope="session")
def router(hanoi: RoadGraph) -> Router:
    return Router(hanoi, default_facilities())


def speeds() -> np.ndarray:
    return np.array([s for _, s in load_profile().class_speed_kph])


def to_networkx(graph: RoadGraph, w: np.ndarray) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    for u, v, x in zip(graph.edge_u.tolist(), graph.edge_v.tolist(), w.tolist(), strict=True):
        if np.isfinite(x):
            g.add_edge(u, v, weight=x)
    return g


def at_node(graph: RoadGraph, i: int) -> LatLon:
    return LatLon(float(graph.node_lat[i]), float(graph.node_lon[i]))
