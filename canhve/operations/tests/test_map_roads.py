"""The map data's roads come pre-encoded per edge (ADR 0108): every line touching the box, once each,
and the same text when the kept fragments answer a second time."""

import json

from canhve.engines import routing as engine
from canhve.operations import routing


def _inside(point, bbox):
    s, w, n, e = bbox
    lon, lat = point
    return s <= lat <= n and w <= lon <= e


def test_roads_json_draws_each_road_with_an_end_in_the_box_once():
    bbox = (21.02, 105.83, 21.04, 105.86)
    first = routing.roads_json(bbox)
    roads = json.loads(first)
    assert roads["type"] == "FeatureCollection"
    assert len(roads["features"]) > 50, "the shipped Hà Nội graph has roads in this box"
    for f in roads["features"]:
        line = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "LineString" and len(line) >= 2
        assert _inside(line[0], bbox) or _inside(line[-1], bbox), f
        assert (
            f["properties"]["class"] in engine.get_default_graph().classes
            or f["properties"]["class"] == "road"
        )
    keys = [json.dumps(f["geometry"]["coordinates"]) for f in roads["features"]]
    assert len(keys) == len(set(keys)), "a two-way street is drawn once, not once per direction"
    assert routing.roads_json(bbox) == first  # again, from the kept fragments

    assert json.loads(routing.roads_json((0.0, 0.0, 0.1, 0.1))) == {
        "type": "FeatureCollection",
        "features": [],
    }
