import json

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("k01_officer", 200),
        ("th_liaison", 200),
        ("ct_outsider", 404),
        ("k01_low", 404),
        ("k01_commander", 200),
    ],
)
def test_each_persona_gets_the_operation_endpoints_as_its_scope_allows(ops_world, persona, status):
    client = ops_world.client(persona)
    op, plan = ops_world.op, ops_world.plan
    for url in (
        f"/api/operations/operations/{op.pk}",
        f"/api/operations/operations/{op.pk}/tasks",
        f"/api/operations/operations/{op.pk}/routes",
        f"/api/operations/plans/{plan.pk}",
        f"/api/operations/plans/{plan.pk}/content",
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.django_db
def test_the_list_is_scoped_and_anonymous_is_refused(ops_world):
    codes = [
        o["code"] for o in ops_world.client("th_liaison").get("/api/operations/operations").json()["items"]
    ]
    assert codes == ["T-01"]
    assert ops_world.client("ct_outsider").get("/api/operations/operations").json()["items"] == []
    assert ops_world.client("anonymous").get("/api/operations/operations").status_code == 401


@pytest.mark.django_db
def test_a_stale_patch_gets_a_409_with_both_versions(ops_world):
    client, plan = ops_world.client("k01_officer"), ops_world.plan
    url = f"/api/operations/plans/{plan.pk}"
    ok = client.patch(
        url,
        json.dumps({"expected_version": plan.version, "medical": "Xe cứu thương"}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["version"] == plan.version + 1
    stale = client.patch(
        url,
        json.dumps({"expected_version": plan.version, "medical": "Khác"}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["submitted"]["medical"] == "Khác" and body["current"]["medical"] == "Xe cứu thương"
    assert (body["expected_version"], body["current_version"]) == (plan.version, plan.version + 1)
    no_version = client.patch(url, json.dumps({"medical": "Khác"}), content_type="application/json")
    assert no_version.status_code == 422  # expected_version is required: no blind overwrite


@pytest.mark.django_db
def test_a_partner_cannot_move_the_life_cycle_through_the_api(ops_world):
    url = f"/api/operations/operations/{ops_world.op.pk}/transition"
    body = json.dumps({"target": "planning"})
    assert ops_world.client("th_liaison").post(url, body, content_type="application/json").status_code == 403
    ok = ops_world.client("k01_officer").post(url, body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "planning"
    bad = ops_world.client("k01_officer").post(
        url, json.dumps({"target": "closed"}), content_type="application/json"
    )
    assert bad.status_code == 422
