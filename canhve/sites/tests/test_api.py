from canhve.sites.models import Site


def test_api_lists_only_visible_sites_and_points(sites_world):
    ok = sites_world.client("k01_officer").get("/api/sites/sites")
    names = {s["name"] for s in ok.json()["items"]}
    assert {"Nhà khách giả định", "Nơi trú ẩn giả định"} <= names
    liaison = sites_world.client("th_liaison").get("/api/sites/sites").json()["items"]
    assert "Nơi trú ẩn giả định" not in {s["name"] for s in liaison}
    assert sites_world.client("ct_outsider").get("/api/sites/safe-points").json()["items"] == []
    points = sites_world.client("th_liaison").get("/api/sites/safe-points").json()["items"]
    assert {p["name"] for p in points} == {"Điểm A", "Điểm B"}


def test_api_detail_404s_above_clearance(sites_world):
    url = f"/api/sites/sites/{sites_world.secret_site.pk}"
    assert sites_world.client("th_liaison").get(url).status_code == 404
    assert sites_world.client("k01_officer").get(url).status_code == 200
    assert (
        sites_world.client("ct_outsider").get(f"/api/sites/safe-points/{sites_world.point.pk}").status_code
        == 404
    )


def test_api_create_site_locates_it_and_reports_field_errors(sites_world):
    client = sites_world.client("k01_officer")
    body = {
        "owner_agency_code": "K01-TM",
        "name": "Ga giả định",
        "kind": "station",
        "lat": 21.02,
        "lon": 105.84,
    }
    response = client.post("/api/sites/sites", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["province_code"] == "01"
    assert Site.objects.filter(name="Ga giả định").exists()
    bad = client.post(
        "/api/sites/sites", body | {"owner_agency_code": "NOPE"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "owner_agency_code"
    high = client.post("/api/sites/sites", body | {"secrecy": 3}, content_type="application/json")
    assert high.status_code == 422


def test_api_dashboard_rows(sites_world):
    rows = sites_world.client("k01_commander").get("/api/sites/dashboard").json()
    assert {r["code"] for r in rows} == {"01", "38"}
