from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from canhve.accounts.models import ApiToken, TokenScope
from canhve.core.models import AuditAction, AuditEntry
from canhve.core.secrecy import Secrecy
from canhve.core.testing import login
from canhve.exchange.models import InformationItem


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def tokens(world):
    officer = world.user("k01_officer")
    _, read = ApiToken.issue(user=officer, name="read", scope=TokenScope.READ)
    _, write = ApiToken.issue(user=officer, name="write", scope=TokenScope.WRITE)
    return {"read": read, "write": write}


def test_the_openapi_schema_is_served_to_signed_in_users_only(client, world):
    assert client.get("/api/openapi.json").status_code == 302
    assert client.get("/api/docs").status_code == 302
    response = world.client("k01_low").get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/agencies/agencies" in paths and "/api/accounts/me" in paths and "/api/core/audit" in paths


def test_me_with_a_token(world, tokens):
    body = Client().get("/api/accounts/me", **bearer(tokens["read"])).json()
    assert body["username"] == "k01_officer" and body["clearance"] == Secrecy.TOI_MAT
    assert body["memberships"][0]["agency_code"] == "K01-TM"


def test_unknown_expired_and_revoked_tokens_are_refused(world, tokens):
    assert Client().get("/api/accounts/me", **bearer("cv_nonsense")).status_code == 401
    token = ApiToken.objects.get(name="read")
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert Client().get("/api/accounts/me", **bearer(tokens["read"])).status_code == 401
    ApiToken.objects.get(name="write").revoke()
    assert Client().get("/api/accounts/me", **bearer(tokens["write"])).status_code == 401


def test_only_the_hash_of_a_token_is_stored(world, tokens):
    assert not ApiToken.objects.filter(key_hash=tokens["read"]).exists()


def test_a_read_token_cannot_write(world, tokens):
    payload = {"owner_agency_code": "K01-TM", "title": "Qua API", "body": "x", "secrecy": 1}
    response = Client().post(
        "/api/exchange/items", payload, content_type="application/json", **bearer(tokens["read"])
    )
    assert response.status_code == 403
    assert not InformationItem.objects.filter(title="Qua API").exists()


def test_a_write_token_writes_and_the_audit_names_the_user_and_channel(world, tokens):
    payload = {
        "owner_agency_code": "K01-TM",
        "title": "Qua API",
        "body": "x",
        "secrecy": 1,
        "recipient_agency_codes": ["CATH"],
    }
    response = Client().post(
        "/api/exchange/items",
        payload,
        content_type="application/json",
        REMOTE_ADDR="198.51.100.4",
        **bearer(tokens["write"]),
    )
    assert response.status_code == 201, response.content
    item = InformationItem.objects.get(title="Qua API")
    entry = AuditEntry.objects.get(
        object_type="exchange.InformationItem", object_id=str(item.pk), action="create"
    )
    assert (entry.actor, entry.via, entry.ip) == (world.user("k01_officer"), "api", "198.51.100.4")


def test_bad_input_names_the_field_and_changes_nothing(world, tokens):
    before = (InformationItem.objects.count(), AuditEntry.objects.count())
    client = Client()
    missing = client.post(
        "/api/exchange/items",
        {"owner_agency_code": "K01-TM", "secrecy": 1},
        content_type="application/json",
        **bearer(tokens["write"]),
    )
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} >= {"title", "body"}
    unknown = client.post(
        "/api/exchange/items",
        {"owner_agency_code": "NOPE", "title": "abc", "body": "x", "secrecy": 1},
        content_type="application/json",
        **bearer(tokens["write"]),
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "owner_agency_code"
    assert "NOPE" in unknown.json()["errors"][0]["reason"]
    above = client.post(
        "/api/exchange/items",
        {"owner_agency_code": "K01-TM", "title": "abc", "body": "x", "secrecy": 3},
        content_type="application/json",
        **bearer(tokens["write"]),
    )
    assert above.status_code == 422 and above.json()["errors"][0]["field"] == "secrecy"
    assert (InformationItem.objects.count(), AuditEntry.objects.count()) == before


def test_api_lists_are_scoped_and_paginated(world, tokens):
    for i in range(55):
        InformationItem.objects.create(
            owner_agency=world.agencies["CACT"],
            title=f"ct {i}",
            body="b",
            secrecy=Secrecy.NONE,
            author=world.user("ct_outsider"),
        )
    body = Client().get("/api/exchange/items", **bearer(tokens["read"])).json()
    assert body["count"] == 0
    client = world.client("ct_outsider")
    page = client.get("/api/exchange/items").json()
    assert page["count"] == 55 and len(page["items"]) == 50


def test_an_invisible_record_is_404_through_the_api(world, tokens):
    item = InformationItem.objects.create(
        owner_agency=world.agencies["K01"],
        title="tm",
        body="b",
        secrecy=Secrecy.TUYET_MAT,
        author=world.user("k01_commander"),
    )
    assert Client().get(f"/api/exchange/items/{item.pk}", **bearer(tokens["read"])).status_code == 404
    assert world.client("k01_commander").get(f"/api/exchange/items/{item.pk}").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(item.pk)).count() == 1


def test_audit_endpoint_is_for_auditors(world):
    assert world.client("k01_officer").get("/api/core/audit").status_code == 403
    assert world.client("auditor").get("/api/core/audit").status_code == 200


def test_session_writes_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    login(client, world.user("k01_officer"))
    response = client.post(
        "/api/exchange/items",
        {"owner_agency_code": "K01-TM", "title": "abc", "body": "x", "secrecy": 1},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not InformationItem.objects.filter(title="abc").exists()


def test_no_two_schemas_share_a_name():
    """The OpenAPI components are named after the schema classes: two of one name overwrite each other."""
    from collections import defaultdict

    from ninja import Schema

    import canhve.api  # noqa: F401 - mounts every app's router, so every schema class is defined

    modules = defaultdict(set)
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("canhve."):
            modules[cls.__name__].add(cls.__module__)
    assert {name: mods for name, mods in modules.items() if len(mods) > 1} == {}
