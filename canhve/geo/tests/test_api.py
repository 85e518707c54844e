import pytest

pytestmark = pytest.mark.django_db


def test_locate_by_coordinate(world, reference):
    response = world.client("th_liaison").get("/api/geo/locate", {"lat": "21.0368", "lon": "105.8342"})
    assert response.status_code == 200
    body = response.json()
    assert body["province"]["code"] == "01" and body["ward"]["code"] == "00004"


def test_locate_rejects_malformed_coordinates_with_a_reason(world, reference):
    response = world.client("th_liaison").get("/api/geo/locate", {"lat": "north", "lon": "105.8"})
    assert response.status_code == 422
    assert "Tọa độ" in response.json()["errors"][0]["reason"]


def test_lookup_by_code_and_legacy_mapping(world, reference):
    client = world.client("ct_outsider")
    assert client.get("/api/geo/provinces/92").json()["name"] == "Cần Thơ"
    assert client.get("/api/geo/wards/00004").json()["full_name"] == "Phường Ba Đình"
    legacy = client.get("/api/geo/legacy/district/001").json()
    assert legacy["name"] == "Quận Ba Đình" and legacy["successor_province"]["code"] == "01"
    assert client.get("/api/geo/provinces/99").status_code == 404


def test_units_need_authentication(client, db, reference):
    assert client.get("/api/geo/provinces").status_code == 401
