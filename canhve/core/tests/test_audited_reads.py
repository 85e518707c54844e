"""ADR 0108: every list that discloses a Tối mật or Tuyệt mật record writes one READ audit row per such
record shown — API list pages, HTML list pages and their searches, the lists of other records a detail page
shows, the admin — and no list can paginate without that audit."""

import ast
import datetime as dt
import pathlib
import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from canhve.accounts.models import ApiToken, Membership, Role, TokenScope, User
from canhve.core.admin import SecuredAdmin
from canhve.core.models import AuditAction, AuditEntry, Secured
from canhve.core.secrecy import Secrecy
from canhve.core.testing import login
from canhve.documents.apps import DocumentsConfig
from canhve.documents.models import DocumentType
from canhve.documents.tests.conftest import make_draft
from canhve.exchange.models import InformationItem
from canhve.geo import lookup
from canhve.geo.models import Province
from canhve.operations.models import Operation
from canhve.sites.models import BasicSurvey, SafePoint, SafePointStatus, Site
from canhve.sites.tests.conftest import square
from canhve.staffing.models import Assignment, MobilisationRequest, Personnel, Post, Roster, Shift

APPS = pathlib.Path(__file__).resolve().parents[2]
TM, MAT = Secrecy.TOI_MAT, Secrecy.MAT


def _reads(obj, path=""):
    rows = AuditEntry.objects.filter(
        action=AuditAction.READ, object_type=obj._meta.label, object_id=str(obj.pk)
    )
    return rows.filter(note__contains=path).count() if path else rows.count()


@pytest.fixture
def secrets(world):
    """One K01-TM record of each listed kind at Tối mật (`w.<name>`), and Mật records whose pages list a
    Tối mật one beside them (`w.plain_<name>`). The reader is k01_officer (Tối mật, K01-TM planner)."""
    tm, cath = world.agencies["K01-TM"], world.agencies["CATH"]
    officer = world.user("k01_officer")
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    w = SimpleNamespace(world=world)
    own = {"owner_agency": tm}

    def operation(code, secrecy):
        return Operation.objects.create(
            **own,
            code=code,
            name=f"Nhiệm vụ {code}",
            kind="event",
            secrecy=secrecy,
            starts_at=dt.datetime(2030, 1, 1, 8, tzinfo=tz),
            ends_at=dt.datetime(2030, 1, 2, 8, tzinfo=tz),
        )

    hn = square(105.3, 20.5, 106.1, 21.4)
    province = Province.objects.create(
        code="01", name="Hà Nội", full_name="Thành phố Hà Nội", geometry=hn, geometry_simplified=hn
    )
    lookup.reset()
    w.operation, w.plain_operation = operation("OP-TM", TM), operation("OP-M", MAT)
    w.site = Site.objects.create(
        **own, name="Địa điểm tối mật", kind="venue", lat=21.0, lon=105.8, secrecy=TM
    )
    assert w.site.province_id == province.pk
    w.plain_site = Site.objects.create(
        **own, name="Địa điểm mật", kind="venue", lat=21.0, lon=105.8, secrecy=MAT
    )
    w.safepoint = SafePoint.objects.create(
        **own,
        site=w.plain_site,
        secrecy=TM,
        status=SafePointStatus.APPROVED,
        resurvey_due_on=today + dt.timedelta(days=5),
    )
    w.item = InformationItem.objects.create(
        **own, title="Tin tối mật", kind="notice", secrecy=TM, body="x", author=officer
    )
    w.plain_item = InformationItem.objects.create(
        **own, title="Tin mật", kind="notice", secrecy=MAT, body="x", author=officer
    )
    DocumentsConfig.load_reference(None)  # type: ignore[arg-type]
    types = {t.code: t for t in DocumentType.objects.all()}
    w.plain_document = make_draft(world, types, secrecy=MAT, summary="Văn bản mật")
    w.document = make_draft(world, types, secrecy=TM, summary="Văn bản tối mật")
    w.document.corrects = w.plain_document
    w.document.save()
    w.person = Personnel.objects.create(
        **own, full_name="Cán bộ tối mật", service_number="TM-1", clearance=TM, secrecy=TM
    )
    w.plain_person = Personnel.objects.create(
        **own, full_name="Cán bộ mật", service_number="M-1", clearance=TM, secrecy=MAT
    )
    w.plain_post = Post.objects.create(
        **own, name="Vị trí mật", secrecy=MAT, head_count=1, operation=w.plain_operation
    )
    w.post = Post.objects.create(
        **own, name="Vị trí tối mật", secrecy=TM, head_count=1, operation=w.plain_operation
    )

    def roster(name, secrecy, post, person):
        r = Roster.objects.create(**own, name=name, start_date=today, days=1, pattern="3x8", secrecy=secrecy)
        r.posts.add(post)
        start = dt.datetime.combine(today, dt.time(6), tzinfo=tz)
        shift = Shift.objects.create(roster=r, start=start, end=start + dt.timedelta(hours=8), label="Ca 1")
        Assignment.objects.create(roster=r, shift=shift, post=post, personnel=person)
        return r

    w.roster = roster(
        "Lịch tối mật", TM, w.plain_post, w.plain_person
    )  # on the Mật post's and person's pages
    w.plain_roster = roster("Lịch mật", MAT, w.plain_post, w.person)  # its grid shows the Tối mật officer
    w.request = MobilisationRequest.objects.create(
        **own,
        partner_agency=cath,
        title="Đề nghị tối mật",
        head_count=1,
        start_date=today,
        end_date=today,
        secrecy=TM,
        requested_by=officer,
    )
    w.basic = BasicSurvey.objects.create(
        **own, province=province, title="Điều tra tối mật", effective_from=dt.date(2025, 1, 1), secrecy=TM
    )
    w.basic.effective_to = dt.date(2025, 6, 30)
    w.basic.save()
    w.plain_basic = BasicSurvey.objects.create(
        **own, province=province, title="Điều tra mật", effective_from=dt.date(2025, 7, 1), secrecy=MAT
    )
    yield w
    lookup.reset()


# (url name, kwargs from the fixture, query, the Tối mật record the page must audit)
LIST_PAGES = [
    ("operations-list", None, {}, "operation"),
    ("operations-list", None, {"status": "requested"}, "operation"),
    ("sites-list", None, {}, "site"),
    ("sites-list", None, {"q": "tối mật"}, "site"),
    ("sites-safepoint-list", None, {"status": "approved"}, "safepoint"),
    ("exchange-list", None, {}, "item"),
    ("documents-list", None, {}, "document"),
    ("documents-list", None, {"q": "tối mật"}, "document"),
    ("staffing-personnel-list", None, {"q": "tối mật"}, "person"),
    ("staffing-post-list", None, {}, "post"),
    ("staffing-roster-list", None, {}, "roster"),
    ("staffing-mobilisation-list", None, {}, "request"),
    ("sites-dashboard", None, {}, "basic"),
    ("sites-dashboard", None, {}, "safepoint"),  # the re-surveys due
]
# Pages of a Mật record that list other records beside it, a Tối mật one among them.
RELATED_LISTS = [
    ("sites-detail", "plain_site", "safepoint"),
    ("staffing-post-detail", "plain_post", "roster"),
    ("staffing-personnel-detail", "plain_person", "roster"),
    ("staffing-roster-detail", "plain_roster", "person"),
    ("staffing-operation", "plain_operation", "post"),
    ("documents-detail", "plain_document", "document"),
    ("sites-basic-detail", "plain_basic", "basic"),
    ("sites-basic-detail", "plain_basic", "site"),
]


def _get(secrets, name, kwargs=None, query=None):
    url = reverse(name, kwargs=kwargs)
    response = secrets.world.client("k01_officer").get(url, query or {})
    assert response.status_code == 200, (url, response.status_code)
    return url, response


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "query", "record"), LIST_PAGES)
def test_a_list_page_or_search_audits_each_secret_record_it_shows(secrets, name, kwargs, query, record):
    target = getattr(secrets, record)
    before = _reads(target)
    url, response = _get(secrets, name, kwargs, query)
    assert f"/{target.pk}/" in response.content.decode()  # it is on the page
    assert _reads(target, url) == 1 and _reads(target) == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "owner", "record"), RELATED_LISTS)
def test_a_page_audits_the_secret_records_it_lists_beside_its_own(secrets, name, owner, record):
    page_record, target = getattr(secrets, owner), getattr(secrets, record)
    assert page_record.secrecy < target.secrecy  # the page's own read row does not cover it
    key = "operation_id" if name == "staffing-operation" else "pk"
    url, response = _get(secrets, name, {key: page_record.pk})
    assert str(target.pk) in response.content.decode()
    assert _reads(target, url) == 1
    assert _reads(page_record) == 0  # Mật is below the audited level


@pytest.mark.django_db
def test_mat_records_on_a_list_write_no_read_row(secrets):
    _get(secrets, "exchange-list")
    assert _reads(secrets.item) == 1 and _reads(secrets.plain_item) == 0


def _bearer(user):
    _, raw = ApiToken.issue(user=user, name="t", scope=TokenScope.READ)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "record"),
    [
        ("/api/exchange/items", "item"),
        ("/api/operations/operations", "operation"),
        ("/api/sites/sites", "site"),
    ],
)
def test_an_api_list_writes_one_read_row_per_secret_record(secrets, url, record):
    target = getattr(secrets, record)
    response = Client().get(url, **_bearer(secrets.world.user("k01_officer")))
    assert response.status_code == 200, response.content
    assert any(row["id"] == target.pk for row in response.json()["items"])
    assert _reads(target, url) == 1


@pytest.mark.django_db
def test_the_admin_audits_the_secret_rows_of_its_lists_and_the_record_it_opens(secrets):
    staff = User.objects.create_user(
        username="staff", password="x-test-pass-1234", clearance=TM, is_staff=True, is_superuser=True
    )
    Membership.objects.create(user=staff, agency=secrets.world.agencies["K01-TM"], role=Role.ADMINISTRATOR)
    client = login(Client(), staff)
    op = secrets.operation
    changelist = reverse("admin:operations_operation_changelist")
    assert client.get(changelist).status_code == 200
    assert _reads(op, "admin") == 1
    assert client.get(reverse("admin:operations_operation_change", args=[op.pk])).status_code == 200
    assert _reads(op, "admin") == 2


def test_every_admin_of_a_secured_model_scopes_and_audits():
    for model, model_admin in admin.site._registry.items():
        if issubclass(model, Secured):
            assert isinstance(model_admin, SecuredAdmin), model._meta.label


def test_every_paginated_api_list_audits_its_page():
    """A list endpoint paginated by plain PageNumberPagination would return bodies with no audit row."""
    for api in sorted(APPS.glob("*/api.py")):
        source = api.read_text()
        assert "PageNumberPagination" not in source, api
        for decorator in re.findall(r"@paginate\((\w+)", source):
            assert decorator == "AuditedPagination", api


def test_no_page_paginates_without_the_audit():
    """Pages paginate through `core.access.audited_page` only: a bare Paginator would show a page of
    secret rows and write none."""
    for path in sorted(APPS.glob("**/*.py")):
        if "tests" in path.parts or path == APPS / "core" / "access.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert "Paginator" not in names, path
