"""The map's roads come pre-encoded per edge (ADR 0108): every line touching the box, once each, and the
same text when the kept fragments answer a second time; they are fetched apart from the map data, from a
box rounded to the road grid, and a bad box is refused naming it."""

import json

import pytest
from django.urls import reverse

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


@pytest.mark.django_db
def test_the_map_data_names_its_roads_box_and_the_roads_answer_alone(ops_world):
    client = ops_world.client("k01_officer")
    data = client.get(reverse("operations-map-data", args=[ops_world.op.pk])).json()
    assert isinstance(data["roads"], str), "the roads are fetched, not carried"
    box = tuple(float(v) for v in data["roads"].split("bbox=")[1].split(","))
    assert box == routing.road_box(tuple(data["bbox"]))
    assert all(round(v * 100, 6) == round(v * 100) for v in box), "rounded to the 0.01° grid"
    answer = client.get(data["roads"])
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert json.loads(answer.content) == json.loads(routing.roads_json(box))
    assert client.get(data["roads"]).content == answer.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bbox", ["", "21,105", "a,b,c,d", "21.1,105.8,21.0,105.9", "95,105,96,106", "20,105,21.5,105.5"]
)
def test_a_bad_roads_box_is_refused_naming_it(ops_world, bbox):
    answer = ops_world.client("k01_officer").get(reverse("operations-map-roads"), {"bbox": bbox})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "bbox"
