"""Bad input answers 4xx naming the field, never 500 (docs/decisions/0106-bad-input-never-500.md)."""

from __future__ import annotations

import json

import pytest

from canhve.sites.models import Site

pytestmark = pytest.mark.django_db


def _persona(world) -> str:
    return next(iter(world.users))


def test_nul_in_query_string_is_400_naming_the_field(world):
    response = world.client(_persona(world)).get("/sites/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "q" in response.content.decode()
    assert "NUL" in response.content.decode()


def test_nul_in_api_query_is_json_400(world):
    response = world.client(_persona(world)).get("/api/sites/", {"q": "x\x00"})
    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": "q", "reason": response.json()["errors"][0]["reason"]}]}


def test_nul_in_json_body_is_400_and_writes_nothing(world):
    before = Site.objects.count()
    response = world.client(_persona(world)).post(
        "/api/sites/",
        data=json.dumps({"name": "bad\x00name", "tags": ["ok", "x\x00"]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"name", "tags[1]"}
    assert Site.objects.count() == before


def test_nul_in_form_field_is_400(world):
    before = Site.objects.count()
    response = world.client(_persona(world)).post("/sites/new/", {"name": "a\x00"})
    assert response.status_code == 400
    assert "name" in response.content.decode()
    assert Site.objects.count() == before


def _api_list_paths() -> list[str]:
    from canhve.api import api

    schema = api.get_openapi_schema()
    return [
        path
        for path, ops in schema["paths"].items()
        if "get" in ops
        and "{" not in path
        and any(p["name"] == "page" for p in ops["get"].get("parameters", []))
    ]


def test_every_api_list_answers_bad_page_numbers_without_500(world):
    client = world.client("k01_officer")
    paths = _api_list_paths()
    assert len(paths) > 3
    for path in paths:
        for value in (str(10**30), "-1", "abc"):
            response = client.get(path, {"page": value})
            assert response.status_code < 500, (path, value)
            if response.status_code == 422:
                assert response.json()["errors"][0]["field"] == "page", (path, value)


# ---- text and numbers the databases refuse, in otherwise valid bodies (both databases, via CI) ----------


def _valid_bodies(world) -> dict[str, dict]:
    from canhve.documents.apps import DocumentsConfig

    DocumentsConfig.load_reference(None)  # type: ignore[arg-type]
    return {
        "/api/sites/sites": {
            "owner_agency_code": "K01-TM",
            "name": "Điểm thử",
            "kind": "venue",
            "lat": 21.03,
            "lon": 105.85,
            "address": "Số 1",
            "operator": "Ban quản lý",
            "contact": "069.000",
        },
        "/api/documents/documents": {
            "owner_agency_code": "K01-TM",
            "doc_type": "KH",
            "summary": "Kế hoạch thử",
            "place": "Hà Nội",
            "signing_authority": "",
            "authority_of": "",
            "signer_title": "Trưởng phòng",
            "signer_name": "Nguyễn Văn A",
            "recipients": ["CATH"],
            "body": "# Mục đích",
        },
        "/api/staffing/mobilisations": {
            "owner_agency_code": "K01-TM",
            "partner_agency_code": "CATH",
            "title": "Đề nghị thử",
            "head_count": 2,
            "start_date": "2026-12-07",
            "end_date": "2026-12-08",
        },
        "/api/exchange/items": {
            "owner_agency_code": "K01-TM",
            "title": "Thông báo thử",
            "kind": "notice",
            "body": "Nội dung",
            "secrecy": 0,
            "recipient_agency_codes": ["CATH"],
        },
    }


def _token_client(world):
    from django.test import Client

    from canhve.accounts.models import ApiToken, TokenScope

    _token, raw = ApiToken.issue(user=world.user("k01_officer"), name="fuzz", scope=TokenScope.WRITE)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_valid_bodies_are_accepted(world):
    client = _token_client(world)
    for url, body in _valid_bodies(world).items():
        response = _post(client, url, body)
        assert response.status_code == 201, (url, response.content[:300])


def _fields_named(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_an_over_long_string_in_any_field_is_a_4xx_naming_it(world):
    """Each text field of each body, 5,000 characters long: a `varchar(n)` PostgreSQL refuses (SQLite would
    store it), so it must be refused first, naming the field; a text column may take it."""
    client = _token_client(world)
    for url, body in _valid_bodies(world).items():
        for field, value in body.items():
            if not isinstance(value, str):
                continue
            response = _post(client, url, {**body, field: "x" * 5000})
            assert response.status_code < 500, (url, field, response.content[:300])
            if response.status_code != 201:
                assert field in _fields_named(response), (url, field, response.content[:300])


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("/api/sites/sites", "name", "Điểm\ud800thử"),  # a lone surrogate: no UTF-8 for it
        ("/api/sites/sites", "beds", 2**63),  # past a signed 64-bit integer
        ("/api/sites/sites", "beds", 2**31),  # past PostgreSQL's integer (SQLite's model range is wider)
        ("/api/sites/sites", "lat", 1e400),  # JSON's "infinity"
        ("/api/staffing/mobilisations", "start_date", "2026-02-30"),
        ("/api/staffing/mobilisations", "end_date", "2026-13-01"),
        ("/api/staffing/mobilisations", "head_count", 10**30),
        ("/api/staffing/mobilisations", "operation_id", 2**70),
        ("/api/exchange/items", "secrecy", -(2**64)),
        ("/api/documents/documents", "recipients", ["ok", "\udfff"]),
    ],
)
def test_values_the_databases_cannot_take_are_a_4xx_naming_the_field(world, url, field, value):
    body = _valid_bodies(world)[url]
    response = _post(_token_client(world), url, {**body, field: value})
    if url.endswith("sites") and field == "beds" and value == 2**31 and response.status_code == 201:
        assert response.json()["beds"] == value  # SQLite stores it; PostgreSQL must refuse it below
        return
    assert 400 <= response.status_code < 500, response.content[:300]
    assert any(f and f.split("[")[0] == field for f in _fields_named(response)), response.content[:300]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/sites/sites?q=%FF%FE", "q"),  # bytes that are not UTF-8
        ("/api/staffing/posts?operation_id=99999999999999999999", "operation_id"),
        ("/api/agencies/agencies?parent_id=99999999999999999999", "parent_id"),
        ("/api/protectees/categories/x?on=2026-02-30", "on"),
        ("/api/core/audit?at__gte=2026-13-01", "at__gte"),
    ],
)
def test_query_values_the_databases_cannot_take_are_a_4xx_naming_the_field(world, url, field):
    response = _token_client(world).get(url)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert field in _fields_named(response)


def test_a_form_with_bytes_that_are_not_utf8_is_refused_naming_the_field(world):
    before = Site.objects.count()
    response = world.client("k01_officer").post(
        "/sites/new/", "name=%FFab&kind=venue", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and "name" in response.content.decode()
    assert Site.objects.count() == before
