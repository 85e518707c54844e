"""ADR 0108: every API list page that discloses a Tối mật or Tuyệt mật body writes one READ audit row per
record, and no list endpoint can paginate without that audit."""

import datetime as dt
import pathlib
import re

import pytest
from django.test import Client
from django.utils import timezone

from canhve.accounts.models import ApiToken, TokenScope
from canhve.core.models import AuditAction, AuditEntry
from canhve.core.secrecy import Secrecy
from canhve.exchange.models import InformationItem
from canhve.operations.models import Operation
from canhve.sites.models import Site

APPS = pathlib.Path(__file__).resolve().parents[2]


def _bearer(user):
    _, raw = ApiToken.issue(user=user, name="t", scope=TokenScope.READ)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _reads(obj):
    return AuditEntry.objects.filter(
        action=AuditAction.READ, object_type=obj._meta.label, object_id=str(obj.pk)
    ).count()


def test_every_paginated_api_list_audits_its_page():
    """A list endpoint paginated by plain PageNumberPagination would return bodies with no audit row."""
    for api in sorted(APPS.glob("*/api.py")):
        source = api.read_text()
        assert "PageNumberPagination" not in source, api
        for decorator in re.findall(r"@paginate\((\w+)", source):
            assert decorator == "AuditedPagination", api


@pytest.mark.django_db
def test_api_lists_write_one_read_row_per_secret_record(world):
    k01 = world.agencies["K01-TM"]
    officer = world.user("k01_officer")
    tz = timezone.get_current_timezone()
    item = InformationItem.objects.create(
        owner_agency=k01,
        title="Tin tối mật",
        kind="notice",
        secrecy=Secrecy.TOI_MAT,
        body="Nội dung.",
        author=officer,
    )
    plain = InformationItem.objects.create(
        owner_agency=k01,
        title="Tin mật",
        kind="notice",
        secrecy=Secrecy.MAT,
        body="Nội dung.",
        author=officer,
    )
    op = Operation.objects.create(
        owner_agency=k01,
        code="OP-RD",
        name="Nhiệm vụ đọc",
        kind="event",
        secrecy=Secrecy.TOI_MAT,
        starts_at=dt.datetime(2030, 1, 1, 8, tzinfo=tz),
        ends_at=dt.datetime(2030, 1, 2, 8, tzinfo=tz),
    )
    site = Site.objects.create(
        name="Địa điểm đọc", kind="venue", lat=21.03, lon=105.85, secrecy=Secrecy.TOI_MAT, owner_agency=k01
    )
    auth = _bearer(officer)
    for url, record in (
        ("/api/exchange/items", item),
        ("/api/operations/operations", op),
        ("/api/sites/sites", site),
    ):
        before = _reads(record)
        response = Client().get(url, **auth)
        assert response.status_code == 200, (url, response.content)
        assert any(row["id"] == record.pk for row in response.json()["items"]), url
        assert _reads(record) == before + 1, url
    assert _reads(plain) == 0  # Mật is below the audited level
