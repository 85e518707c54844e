"""Small geodesy helpers: haversine lengths and a local metric projection for snapping and closures."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class LocalProjection:
    """Equirectangular projection about the graph's mean latitude, in metres.

    Good to well under 1 % across a province. For a country-sized graph it only picks candidates:
    final snap distances are re-measured with haversine.
    """

    def __init__(self, lat0: float) -> None:
        self.lat0 = float(lat0)
        self.kx = np.radians(1.0) * EARTH_RADIUS_M * np.cos(np.radians(self.lat0))
        self.ky = np.radians(1.0) * EARTH_RADIUS_M

    def forward(self, lat: np.ndarray | float, lon: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(lon, dtype=np.float64) * self.kx, np.asarray(lat, dtype=np.float64) * self.ky

    def inverse(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return y / self.ky, x / self.kx
