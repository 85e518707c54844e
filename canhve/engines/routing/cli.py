"""`canhve route`: routes, alternates and closures from the command line, printed as JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo

from .engine import Router
from .model import ClosedCircle, ClosedEdges, ClosedPolygon, Closure, LatLon, RoutingError
from .store import ENV_GRAPH, default_facilities, default_graph_path, load_prepared

EPILOG = f"""
--avoid takes one closure per use, any number of times:
  LAT,LON,RADIUS_M            close every road within RADIUS_M metres of a point
  poly:LAT,LON;LAT,LON;...    close every road touching the polygon (3+ points)
  way:OSM_WAY_ID              close an OSM way (all its edges)
  edge:EDGE_ID                close one engine edge (ids as in the graph)

Output: JSON with, per route, travel_time_s, length_m, streets and a GeoJSON LineString geometry.
--alternatives K returns up to K routes that share at most 50 % of their length with each other and take
at most 1.4x the fastest one's time; "note" says when fewer exist. --depart defaults to now (Hà Nội time);
speeds then follow the time-of-day band (night, morning/evening peak, off-peak) in profiles.json.
Road graph: ${ENV_GRAPH} or {default_graph_path()}. Exit codes: 0 ok, 2 bad input or no route.
Map data © OpenStreetMap contributors (ODbL).
"""


def parse_avoid(text: str) -> Closure:
    t = text.strip()
    try:
        if t.startswith("poly:"):
            ring = tuple(LatLon.parse(p) for p in t[5:].split(";") if p.strip())
            return ClosedPolygon(ring)
        if t.startswith("way:"):
            return ClosedEdges(way_ids=frozenset({int(t[4:])}))
        if t.startswith("edge:"):
            return ClosedEdges(edge_ids=frozenset({int(t[5:])}))
        lat, lon, radius = (float(x) for x in t.split(","))
        return ClosedCircle(LatLon(lat, lon), radius)
    except ValueError as exc:
        if isinstance(exc, RoutingError):
            raise
        raise RoutingError(f"cannot read --avoid {text!r} (see --help for the forms)") from exc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="canhve route",
        description="Offline road routing on the shipped OpenStreetMap graph.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--from", dest="origin", required=True, metavar="LAT,LON", help="start point")
    p.add_argument("--to", dest="destination", required=True, metavar="LAT,LON", help="end point")
    p.add_argument("--depart", metavar="HH:MM", help="departure time (local); default now")
    p.add_argument("--alternatives", type=int, default=1, metavar="K", help="routes wanted, 1-8 (default 1)")
    p.add_argument("--avoid", action="append", default=[], metavar="CLOSURE", help="a closure (see below)")
    p.add_argument(
        "--graph", metavar="FILE", help="road file (.osm.pbf, .osm, Overpass .json, prepared .npz)"
    )
    p.add_argument("--choke-points", action="store_true", help="also list bridges, tunnels, single lanes …")
    p.add_argument("--indent", type=int, default=2, help="JSON indent (0 for one line)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        origin, destination = LatLon.parse(args.origin), LatLon.parse(args.destination)
        closures = [parse_avoid(a) for a in args.avoid]
        depart = args.depart or dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%H:%M")
        graph = load_prepared(args.graph or default_graph_path())
        router = Router(graph, default_facilities())
        routes = router.alternatives(origin, destination, depart, k=args.alternatives, closures=closures)
        out = routes.to_dict()
        if args.choke_points:
            for rd, r in zip(out["routes"], routes.routes, strict=True):
                rd["choke_points"] = [
                    {"street": c.street, "reasons": list(c.reasons), "lat": c.lat, "lon": c.lon}
                    for c in router.choke_points(r)
                ]
        out["attribution"] = "© OpenStreetMap contributors"
    except RoutingError as exc:
        print(json.dumps({"error": str(exc)}, ensure_ascii=False), file=sys.stderr)
        return 2
    print(json.dumps(out, ensure_ascii=False, indent=args.indent or None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
