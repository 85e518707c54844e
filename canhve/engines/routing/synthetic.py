"""Synthetic road networks (grids with random one-ways and classes) for tests and the benchmark."""

from __future__ import annotations

import numpy as np

from .loader import RawNetwork
from .profiles import load_profile

ORIGIN_LAT, ORIGIN_LON = 10.0, 105.5  # somewhere in the Mekong delta, away from real data


def grid_network(
    side: int, seed: int = 0, spacing_m: float = 120.0, oneway_share: float = 0.2, drop_share: float = 0.05
) -> RawNetwork:
    """side x side junctions, each street segment its own two-node way."""
    rng = np.random.default_rng(seed)
    classes = load_profile().classes
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    keep = rng.random(len(a)) >= drop_share
    a, b = a[keep], b[keep]
    n_way = len(a)
    deg_lat = spacing_m / 111_195.0
    deg_lon = deg_lat / np.cos(np.radians(ORIGIN_LAT))
    jitter = rng.uniform(-0.2, 0.2, size=(side * side, 2))
    lat = ORIGIN_LAT + (idx.ravel() // side + jitter[:, 0]) * deg_lat
    lon = ORIGIN_LON + (idx.ravel() % side + jitter[:, 1]) * deg_lon
    verts = np.column_stack([a, b]).ravel()
    oneway = np.where(rng.random(n_way) < oneway_share, rng.choice([1, -1], n_way), 0).astype(np.int8)
    return RawNetwork(
        classes=classes,
        way_id=np.arange(1, n_way + 1, dtype=np.int64),
        way_class=rng.integers(0, 8, n_way).astype(np.int16),
        way_oneway=oneway,
        way_maxspeed=np.full(n_way, np.nan, dtype=np.float32),
        way_lanes=rng.integers(0, 4, n_way).astype(np.int8),
        way_flags=(rng.random(n_way) < 0.01).astype(np.uint8),
        way_name=np.full(n_way, -1, dtype=np.int32),
        names=[],
        way_ptr=np.arange(0, 2 * n_way + 1, 2, dtype=np.int64),
        vert_node=verts.astype(np.int64) + 1,
        vert_lat=lat[verts],
        vert_lon=lon[verts],
        restrictions=[],
    )
