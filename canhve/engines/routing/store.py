"""Where the shipped data lives, and the prepared-graph cache (an .npz keyed by the source file's hash)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from .facilities import load_geojson_pois, load_overpass_pois, merge_facilities
from .graph import FORMAT_VERSION, RoadGraph
from .model import Facility, GraphLoadError
from .paths import ENV_CACHE, REPO_ROOT, cache_dir  # re-exported: callers import them from here
from .profiles import DEFAULT_PROFILE_PATH, SpeedProfile, load_profile

DEFAULT_GRAPH = "data/roads/hanoi_core_2026-04-11.osm.pbf"
DEFAULT_POIS = (
    "data/pois/hanoi_hospitals_2024-09-27.overpass.json",
    "data/pois/vn5cities_emergency_pois.geojson",
)
ENV_GRAPH = "CANHVE_ROAD_GRAPH"
__all__ = [
    "ENV_CACHE",
    "ENV_GRAPH",
    "REPO_ROOT",
    "cache_dir",
    "default_facilities",
    "default_graph_path",
    "load_prepared",
    "prepared_path",
]


def default_graph_path() -> Path:
    env = os.environ.get(ENV_GRAPH)
    return Path(env) if env else REPO_ROOT / DEFAULT_GRAPH


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def prepared_path(source: Path, profile_path: Path = DEFAULT_PROFILE_PATH) -> Path:
    # road classes come from the profile, so a profile edit must not reuse a graph built with other ones
    key = hashlib.sha256(f"{file_sha256(source)}:{FORMAT_VERSION}:{file_sha256(profile_path)}".encode())
    return cache_dir() / f"{source.name.split('.')[0]}-{key.hexdigest()[:16]}.npz"


def load_prepared(
    source: str | Path, profile: SpeedProfile | None = None, use_cache: bool = True
) -> RoadGraph:
    """Graph for an OSM file: from the prepared cache when present, else built and cached.

    A prepared .npz may also be passed directly.
    """
    src = Path(source)
    if not src.is_file():
        raise GraphLoadError(f"road file not found: {src}")
    if src.suffix == ".npz":
        return RoadGraph.load(src, profile)
    prof = profile or load_profile()
    target = prepared_path(src)
    if use_cache and target.is_file():
        try:
            return RoadGraph.load(target, prof)
        except GraphLoadError:
            pass  # stale or damaged: rebuild below
    graph = RoadGraph.from_osm(src, prof)
    if use_cache:
        with contextlib.suppress(OSError):  # a read-only cache only costs the rebuild next time
            graph.save(target)
    return graph


def default_facilities(root: Path = REPO_ROOT) -> list[Facility]:
    """Hospitals, police and fire stations from the shipped OSM POI files."""
    groups = []
    for rel in DEFAULT_POIS:
        p = root / rel
        if not p.is_file():
            continue
        groups.append(load_overpass_pois(p) if p.suffix == ".json" else load_geojson_pois(p))
    return merge_facilities(*groups)
