"""Schemathesis against the app's own OpenAPI schema, in process (WSGI), as a planner with a write token:
no operation answers 5xx, and every answer, errors included, is the one the schema documents
(docs/decisions/0106-bad-input-never-500.md). Bounded: a few examples per operation."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from canhve.accounts.models import ApiToken, TokenScope
from canhve.core.tests.test_api_fuzz import _post, _token_client, _valid_bodies

pytestmark = pytest.mark.django_db

EXAMPLES = 12
# No 5xx; the status is one the operation documents; the body matches the schema of that status.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@contextmanager
def in_test_transaction():
    """Django's test client keeps the test's connection open across requests; a bare WSGI handler would
    close it at the end of each request (inside the test's transaction), so do what the client does.
    (Not around the test client itself: it reconnects the handler after each of its requests.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _records(world) -> dict[str, object]:
    """A record of each kind the API creates, so the explicit examples reach past the 404."""
    import datetime as dt

    from django.utils import timezone

    from canhve.core.context import acting_as
    from canhve.core.secrecy import Secrecy
    from canhve.operations.models import Operation
    from canhve.staffing import services as staffing
    from canhve.staffing.tests.conftest import make_person

    client = _token_client(world)
    made = {url: _post(client, url, body).json()["id"] for url, body in _valid_bodies(world).items()}
    officer, unit = world.user("k01_officer"), world.agencies["K01-TM"]
    tz = timezone.get_current_timezone()
    operation = Operation.objects.create(
        owner_agency=unit,
        code="NV-ST-1",
        name="Nhiệm vụ thử",
        kind="event",
        secrecy=Secrecy.MAT,
        starts_at=dt.datetime(2026, 12, 7, 6, tzinfo=tz),
        ends_at=dt.datetime(2026, 12, 8, 6, tzinfo=tz),
    )
    with acting_as(officer):
        person = make_person(unit, "ST-1")
        post = staffing.create_post(acting_user=officer, owner_agency=unit, name="Cổng", head_count=1)
        roster = staffing.create_roster(
            acting_user=officer,
            owner_agency=unit,
            name="Lịch thử",
            start_date=dt.date(2026, 12, 7),
            days=1,
            pattern="3x8",
            posts=[post],
            time_limit=1,
        )
    return {
        "op_id": operation.pk,
        "roster_id": roster.pk,
        "post_id": post.pk,
        "personnel_id": person.pk,
        "site_id": made["/api/sites/sites"],
        "doc_id": made["/api/documents/documents"],
        "request_id": made["/api/staffing/mobilisations"],
        "item_id": made["/api/exchange/items"],
        "code": "K01-TM",
        "kind": "docx",
    }


def _with_examples(schema: dict, values: dict[str, object]) -> dict:
    """Path parameters get a real record as their example (Phase.explicit tries it first)."""
    for operations in schema["paths"].values():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                if param["in"] == "path" and param["name"] in values:
                    param["schema"]["examples"] = [values[param["name"]]]
    return schema


def test_every_operation_answers_what_its_schema_says(world):
    from canhve.api import api

    schema = schemathesis.openapi.from_dict(_with_examples(api.get_openapi_schema(), _records(world)))
    app = WSGIHandler()
    _token, raw = ApiToken.issue(user=world.user("k01_officer"), name="schemathesis", scope=TokenScope.WRITE)
    headers = {"Authorization": f"Bearer {raw}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(app=app, headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            with in_test_transaction():
                check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
