"""Where the routing cache lives (prepared graphs, compiled kernels): a leaf module, imported by both."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
ENV_CACHE = "CANHVE_ROUTING_CACHE"


def cache_dir() -> Path:
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env)
    var = REPO_ROOT / "var"  # git-ignored; falls back to the temp dir on a read-only install
    if os.access(REPO_ROOT, os.W_OK):
        return var / "cache" / "routing"
    return Path(tempfile.gettempdir()) / "canhve-routing"
