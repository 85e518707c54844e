from django.test import Client

from canhve.accounts.models import ApiToken, TokenScope
from canhve.core.jobs import run_pending
from canhve.core.testing import login

from .conftest import START


def bearer(user, scope=TokenScope.WRITE):
    _, raw = ApiToken.issue(user=user, name="t", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_lists_show_each_persona_only_what_it_may_see(staffing_world):
    w = staffing_world
    officer, liaison, outsider = (Client() for _ in range(3))
    login(officer, w.users["k01_officer"])
    login(liaison, w.users["th_liaison"])
    login(outsider, w.users["ct_outsider"])
    assert {w.post.pk, w.secret_post.pk} <= _ids(officer.get("/api/staffing/posts"))
    assert _ids(liaison.get("/api/staffing/posts")) == {w.post.pk}
    assert _ids(outsider.get("/api/staffing/posts")) == set()
    assert w.person.pk in _ids(officer.get("/api/staffing/personnel"))
    assert w.person.pk not in _ids(liaison.get("/api/staffing/personnel"))
    assert _ids(liaison.get("/api/staffing/rosters")) == {w.roster.pk}
    assert outsider.get(f"/api/staffing/rosters/{w.roster.pk}").status_code == 404
    assert liaison.get(f"/api/staffing/posts/{w.secret_post.pk}").status_code == 404
    assert outsider.get(f"/api/staffing/rosters/{w.roster.pk}/assignments").status_code == 404


def test_a_planner_solves_and_reads_the_roster_through_the_api(staffing_world):
    w = staffing_world
    headers = bearer(w.users["k01_officer"])
    response = Client().post(f"/api/staffing/rosters/{w.roster.pk}/solve", **headers)
    assert response.status_code == 202 and response.json()["status"] == "queued"
    run_pending()
    job = Client().get(f"/api/staffing/rosters/{w.roster.pk}/job", **headers).json()
    assert job["status"] == "done" and job["progress"] == 100
    roster = Client().get(f"/api/staffing/rosters/{w.roster.pk}", **headers).json()
    assert roster["status"] == "solved" and roster["result"]["complete"] is True
    rows = Client().get(f"/api/staffing/rosters/{w.roster.pk}/assignments", **headers).json()["items"]
    assert len(rows) == 6
    pinned = Client().post(
        f"/api/staffing/assignments/{rows[0]['id']}/pin",
        {"pinned": True},
        content_type="application/json",
        **headers,
    )
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True


def test_the_partner_cannot_solve_and_a_read_token_cannot_write(staffing_world):
    w = staffing_world
    response = Client().post(f"/api/staffing/rosters/{w.roster.pk}/solve", **bearer(w.users["th_liaison"]))
    assert response.status_code == 403
    response = Client().post(
        f"/api/staffing/rosters/{w.roster.pk}/solve", **bearer(w.users["k01_officer"], TokenScope.READ)
    )
    assert response.status_code == 403


def test_mobilisation_through_the_api(staffing_world):
    w = staffing_world
    planner, liaison = bearer(w.users["k01_officer"]), bearer(w.users["th_liaison"])
    payload = {
        "owner_agency_code": "K01-TM",
        "partner_agency_code": "CATH",
        "title": "Cử 2 cán bộ canh gác",
        "skill_code": "guard",
        "head_count": 2,
        "start_date": str(START),
        "end_date": str(START),
        "operation_id": w.operation.pk,
    }
    created = Client().post(
        "/api/staffing/mobilisations", payload, content_type="application/json", **planner
    )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    bad = Client().post(
        "/api/staffing/mobilisations",
        {**payload, "end_date": "2026-01-01"},
        content_type="application/json",
        **planner,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end_date"
    answer = {"personnel_ids": [p.pk for p in w.cath_people[:2]], "note": "Cử đủ"}
    refused = Client().post(
        f"/api/staffing/mobilisations/{request_id}/respond",
        answer,
        content_type="application/json",
        **planner,
    )
    assert refused.status_code == 403
    done = Client().post(
        f"/api/staffing/mobilisations/{request_id}/respond",
        answer,
        content_type="application/json",
        **liaison,
    )
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    assert set(done.json()["provided_ids"]) == {p.pk for p in w.cath_people[:2]}
    visible = _ids(Client().get("/api/staffing/personnel?skill=guard", **planner))
    assert {p.pk for p in w.cath_people[:2]} <= visible
