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
