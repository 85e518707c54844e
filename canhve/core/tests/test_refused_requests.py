"""A refused request changes nothing (ADR 0106, canhve/core/transactions.py): whatever a view wrote before
it answered 4xx/5xx is rolled back, audit rows included, unless the view or request opted out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from canhve.accounts.models import ApiToken, TokenScope
from canhve.core.models import Job
from canhve.core.testing import changed_tables, database_rows
from canhve.core.tests import inventory

pytestmark = pytest.mark.django_db


# ---- the mechanism, on views made for it ---------------------------------------------------------------


@pytest.mark.urls("canhve.core.tests.refusal_urls")
@pytest.mark.parametrize(
    ("url", "status", "kept"),
    [
        ("/_t/answers/200/", 200, True),
        ("/_t/answers/201/", 201, True),
        ("/_t/answers/302/", 302, True),
        ("/_t/answers/400/", 400, False),
        ("/_t/answers/403/", 403, False),
        ("/_t/answers/404/", 404, False),
        ("/_t/answers/409/", 409, False),
        ("/_t/answers/422/", 422, False),
        ("/_t/answers/500/", 500, False),
        ("/_t/raises/", 403, False),
        ("/_t/kept-by-decorator/", 400, True),
        ("/_t/kept-by-request/", 429, True),
        ("/_t/not-atomic/", 400, True),
    ],
)
def test_what_a_view_wrote_survives_only_a_success_or_an_opt_out(url, status, kept):
    response = Client().post(url)
    assert response.status_code == status
    assert Job.objects.filter(kind=f"test:{url}").exists() is kept


# ---- every API write operation, with a body that fails validation --------------------------------------


def _schema() -> dict[str, Any]:
    from canhve.api import api

    return api.get_openapi_schema()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


WRONG = {"string": 12345, "integer": "không phải số", "number": "x", "boolean": "có lẽ", "array": 7}


def _wrong_body(schema: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Every property of the body with a value of the wrong type."""
    props = _resolve(schema, body).get("properties", {})
    out = {}
    for name, prop in props.items():
        prop = _resolve(schema, prop)
        kind = prop.get("type") or next((p.get("type") for p in prop.get("anyOf", []) if p.get("type")), "")
        out[name] = WRONG.get(kind, {"x": []})
    return out


def test_every_api_write_with_an_invalid_body_is_refused_and_changes_nothing(world):
    schema = _schema()
    _token, raw = ApiToken.issue(user=world.user("k01_officer"), name="fuzz", scope=TokenScope.WRITE)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    tried = 0
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            if method not in ("post", "patch", "put", "delete"):
                continue
            url = path
            for param in op.get("parameters", []):
                if param["in"] == "path":
                    url = url.replace("{" + param["name"] + "}", "1")
            content = op.get("requestBody", {}).get("content", {})
            bodies: list[tuple[str, Any]] = []
            if "application/json" in content:
                body = content["application/json"]["schema"]
                wrong = json.dumps(_wrong_body(schema, body))
                bodies = [("[]", "application/json"), (wrong, "application/json")]
            elif "multipart/form-data" in content:
                bodies = [({}, "multipart/form-data")]
            for data, content_type in bodies:
                before = database_rows()
                if content_type == "multipart/form-data":
                    response = getattr(client, method)(url, data)
                else:
                    response = getattr(client, method)(url, data=data, content_type=content_type)
                assert 400 <= response.status_code < 500, (method, url, data, response.content[:300])
                assert response.json()["errors"], (method, url)
                # The token's last-use stamp, written before the body was read, is rolled back too.
                assert changed_tables(before, database_rows()) == [], (method, url, data)
                tried += 1
    assert tried >= 20  # every write operation of the API, twice for JSON bodies


# ---- every page, posted a body it cannot use -------------------------------------------------------------

# A POST there succeeds whatever the body: it signs out, or sets the language cookie.
SKIP_PAGES = {"logout", "set_language"}


def _parameterless_pages(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
    pages = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api"):
                continue
            pages += _parameterless_pages(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and "<" not in str(pattern.pattern):
            pages.append((prefix + str(pattern.pattern), pattern.name or ""))
    return pages


GARBAGE = {"không-có": "x", "secrecy": "99", "lat": "north", "expected_version": "-1", "status": "\u2603"}
# Redirects that may store nothing: choosing the route already chosen; the sign-in and second-factor
# pages, which send a signed-in, verified session on.
NO_OP_SUCCESS = {"operations-route-choose", "login", "otp-verify", "otp-enrol"}


def _post_garbage(client: Client, urls: list[tuple[str, str]]) -> list[str]:
    """Post GARBAGE to each URL and return the names that refused it. A refusal (4xx) must leave every
    table as it was, and a redirect (the answer to a success) must have stored something: a form that
    refuses by redirecting with a message answers a script, a proxy log or a test as a success would."""
    refused = []
    for url, name in urls:
        before = database_rows()
        response = client.post(url, GARBAGE)
        assert response.status_code < 500, (name, response.status_code)
        changed = changed_tables(before, database_rows())
        if response.status_code >= 400:
            assert changed == [], (name, response.status_code)
            refused.append(name)
        elif response.status_code in (301, 302, 303) and name not in NO_OP_SUCCESS:
            assert changed, f"{name}: {response.status_code} to garbage, and nothing stored"
        # (A page that ignores the body answers 200 as to a GET: that is no refusal.)
    return refused


def test_every_form_page_posted_garbage_is_refused_and_changes_nothing(world):
    client = world.client("k01_officer")
    pages = [
        ("/" + url, name) for url, name in _parameterless_pages(get_resolver()) if name not in SKIP_PAGES
    ]
    assert len(_post_garbage(client, pages)) >= 8


def test_every_page_of_a_record_posted_garbage_is_refused_and_changes_nothing(world, built):
    """The pages that name a record (`inventory.PAGE_ARGS`: its actions, forms and details), as the
    commander, who may write to each of them."""
    args = inventory.PAGE_ARGS
    pages = [
        (reverse(name, kwargs=args[name](built)), name) for name in sorted(args) if name not in SKIP_PAGES
    ]
    refused = _post_garbage(world.client("k01_commander"), pages)
    forms = {"documents-edit", "operations-plan", "operations-stop-add", "operations-closure-toggle"}
    assert set(refused) >= forms | {
        "sites-safepoint-survey",
        "staffing-assignment-pin",
        "staffing-absence-add",
    }
    assert len(refused) >= 30, sorted(set(args) - set(refused))
