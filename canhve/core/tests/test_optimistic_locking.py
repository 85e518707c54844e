"""ADR 0105: every edit path of a record two people can edit at once — page, one-button action, admin
change form and API — answers a stale save with 409, stores nothing of it, and shows both versions.
And the enumerations that make a new edit path without the check fail here."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, models
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.generic.edit import UpdateView

from canhve.accounts.models import ApiToken, User
from canhve.agencies.models import ContactPoint
from canhve.core.locking import VersionedAdmin, VersionedFormMixin, claim_version
from canhve.core.secrecy import Secrecy
from canhve.core.testing import form_data, login
from canhve.documents import services as documents
from canhve.documents.apps import DocumentsConfig
from canhve.documents.models import CredentialKind, DocumentType, SigningCredential, TrustRoot
from canhve.exchange.models import InformationItem
from canhve.operations.models import Closure, Operation, PlanVersion, Task
from canhve.sites.models import Site
from canhve.staffing.models import Assignment, Personnel, Post, Roster, Shift

START = dt.datetime(2030, 5, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def records(world: Any) -> Any:
    """One record of each edited kind, owned by K01-TM (where `k01_officer` plans), made directly."""
    k01 = world.agencies["K01-TM"]
    officer = world.user("k01_officer")
    User.objects.filter(pk=officer.pk).update(is_staff=True, is_superuser=True)  # for the admin path
    op = Operation.objects.create(
        owner_agency=k01, code="L-01", name="Khóa lạc quan", kind="visit", starts_at=START, ends_at=START
    )
    world.task = Task.objects.create(operation=op, title="Kiểm tra", agency=k01, due_at=START)
    world.closure = Closure.objects.create(
        operation=op, name="Khu cấm", ring=[[21, 105], [21, 106], [22, 105]]
    )
    world.plan = PlanVersion.objects.create(operation=op, number=1, objectives="Ban đầu")
    world.site = Site.objects.create(name="Nhà khách", kind="venue", lat=21.03, lon=105.85, owner_agency=k01)
    roster = Roster.objects.create(owner_agency=k01, name="Lịch thử", start_date=START.date(), days=1)
    world.assignment = Assignment.objects.create(
        roster=roster,
        shift=Shift.objects.create(roster=roster, start=START, end=START + dt.timedelta(hours=8), label="A"),
        post=Post.objects.create(owner_agency=k01, name="Cổng"),
        personnel=Personnel.objects.create(owner_agency=k01, full_name="Cán bộ Thử", service_number="T-1"),
    )
    world.item = InformationItem.objects.create(
        owner_agency=k01, title="Ban đầu", body="Nội dung", secrecy=Secrecy.MAT, author=officer
    )
    DocumentsConfig.load_reference(None)  # type: ignore[arg-type]
    world.token, _ = ApiToken.issue(user=officer, name="Máy trạm")
    world.trust_root = TrustRoot.objects.create(name="Gốc", pem="-----BEGIN CERTIFICATE-----")
    world.credential = SigningCredential.objects.create(
        kind=CredentialKind.SEAL,
        agency=k01,
        common_name="Dấu thử",
        encrypted_pkcs12=b"-",
        encrypted_passphrase=b"-",
    )
    world.doc = documents.create_document(
        acting_user=officer,
        owner_agency=k01,
        doc_type=DocumentType.objects.get(code="KH"),
        secrecy=Secrecy.MAT,
        summary="Bản ban đầu của dự thảo",
        signer_title="Phó Tư lệnh",
        signer_name="Trần Văn Thử",
        signing_authority="KT.",
        authority_of="Tư lệnh",
        recipients="Phòng Tham mưu",
        archive_line="Lưu: VT.",
        content=[{"type": "paragraph", "text": "Nội dung."}],
    )
    return world


def _form_payload(client: Client, url: str, field: str, value: str, version: int) -> dict[str, Any]:
    """What the browser sends: every field of the page's form as loaded, one changed."""
    data = form_data(client, url)
    data.update({field: value, "expected_version": version, "_save": "1"})
    return data


@dataclass(frozen=True)
class EditPath:
    id: str
    record: Callable[[Any], models.Model]
    url: Callable[[models.Model], str]
    field: str
    first: str  # what the first editor sends
    second: str  # what the second, stale editor sends
    stored: Any  # the field's value after the first save
    shown: tuple[str, ...]  # in the 409 answer: the stored and the submitted value
    kind: str = "form"  # "form" (an edit page), "button" (fixed fields), "api" (JSON PATCH)


EDIT_PATHS = [
    EditPath(
        "documents page",
        lambda w: w.doc,
        lambda r: reverse("documents-edit", args=[r.pk]),
        "summary",
        "Bản của người thứ nhất",
        "Bản của người thứ hai",
        "Bản của người thứ nhất",
        ("Bản của người thứ nhất", "Bản của người thứ hai"),
    ),
    EditPath(
        "documents api",
        lambda w: w.doc,
        lambda r: f"/api/documents/documents/{r.pk}",
        "summary",
        "API thứ nhất",
        "API thứ hai",
        "API thứ nhất",
        ("API thứ nhất", "API thứ hai"),
        kind="api",
    ),
    EditPath(
        "plan page",
        lambda w: w.plan,
        lambda r: reverse("operations-plan", args=[r.pk]),
        "objectives",
        "Mục tiêu thứ nhất",
        "Mục tiêu thứ hai",
        "Mục tiêu thứ nhất",
        ("Mục tiêu thứ nhất", "Mục tiêu thứ hai"),
    ),
    EditPath(
        "plan api",
        lambda w: w.plan,
        lambda r: f"/api/operations/plans/{r.pk}",
        "medical",
        "Xe cứu thương 1",
        "Xe cứu thương 2",
        "Xe cứu thương 1",
        ("Xe cứu thương 1", "Xe cứu thương 2"),
        kind="api",
    ),
    EditPath(
        "site page",
        lambda w: w.site,
        lambda r: reverse("sites-edit", args=[r.pk]),
        "name",
        "Nhà khách số 1",
        "Nhà khách số 2",
        "Nhà khách số 1",
        ("Nhà khách số 1", "Nhà khách số 2"),
    ),
    EditPath(
        "task status button",
        lambda w: w.task,
        lambda r: reverse("operations-task-update", args=[r.pk]),
        "status",
        "done",
        "in_progress",
        "done",
        ("Hoàn thành", "Đang thực hiện"),
        kind="button",
    ),
    EditPath(
        "closure toggle",
        lambda w: w.closure,
        lambda r: reverse("operations-closure-toggle", args=[r.pk]),
        "active",
        "0",
        "0",
        False,
        ("đang áp dụng",),
        kind="button",
    ),
    EditPath(
        "assignment pin",
        lambda w: w.assignment,
        lambda r: reverse("staffing-assignment-pin", args=[r.pk]),
        "pinned",
        "1",
        "1",
        True,
        ("giữ cố định",),
        kind="button",
    ),
    EditPath(
        "admin change form",
        lambda w: w.item,
        lambda r: reverse("admin:exchange_informationitem_change", args=[r.pk]),
        "title",
        "Tiêu đề thứ nhất",
        "Tiêu đề thứ hai",
        "Tiêu đề thứ nhất",
        ("Tiêu đề thứ nhất", "Tiêu đề thứ hai"),
    ),
    EditPath(
        "agency admin (with its contact inline)",
        lambda w: w.agencies["K01-BVTC"],
        lambda r: reverse("admin:agencies_agency_change", args=[r.pk]),
        "name",
        "Phòng Bảo vệ thứ nhất",
        "Phòng Bảo vệ thứ hai",
        "Phòng Bảo vệ thứ nhất",
        ("Phòng Bảo vệ thứ nhất", "Phòng Bảo vệ thứ hai"),
    ),
    EditPath(
        "user admin (with its membership inline)",
        lambda w: w.user("k01_low"),
        lambda r: reverse("admin:accounts_user_change", args=[r.pk]),
        "full_name",
        "Nguyễn Văn Một",
        "Nguyễn Văn Hai",
        "Nguyễn Văn Một",
        ("Nguyễn Văn Một", "Nguyễn Văn Hai"),
    ),
    EditPath(
        "api token admin",
        lambda w: w.token,
        lambda r: reverse("admin:accounts_apitoken_change", args=[r.pk]),
        "name",
        "Máy trạm thứ nhất",
        "Máy trạm thứ hai",
        "Máy trạm thứ nhất",
        ("Máy trạm thứ nhất", "Máy trạm thứ hai"),
    ),
    EditPath(
        "document type admin",
        lambda w: DocumentType.objects.get(code="KH"),
        lambda r: reverse("admin:documents_documenttype_change", args=[r.pk]),
        "name",
        "Kế hoạch thứ nhất",
        "Kế hoạch thứ hai",
        "Kế hoạch thứ nhất",
        ("Kế hoạch thứ nhất", "Kế hoạch thứ hai"),
    ),
    EditPath(
        "trust root admin",
        lambda w: w.trust_root,
        lambda r: reverse("admin:documents_trustroot_change", args=[r.pk]),
        "name",
        "Gốc thứ nhất",
        "Gốc thứ hai",
        "Gốc thứ nhất",
        ("Gốc thứ nhất", "Gốc thứ hai"),
    ),
    EditPath(
        "signing credential admin",
        lambda w: w.credential,
        lambda r: reverse("admin:documents_signingcredential_change", args=[r.pk]),
        "is_active",
        "",
        "",
        False,
        ("Đang dùng",),
    ),
]


def _save(client: Client, path: EditPath, url: str, value: str, version: int) -> Any:
    if path.kind == "api":
        body = {"expected_version": version, path.field: value}
        return client.patch(url, body, content_type="application/json")
    if path.kind == "button":
        return client.post(url, {path.field: value, "expected_version": version})
    return client.post(url, _form_payload(client, url, path.field, value, version))


@pytest.mark.parametrize("path", EDIT_PATHS, ids=lambda p: p.id)
def test_the_second_save_of_a_stale_version_gets_409_stores_nothing_and_shows_both(records, path):
    record = path.record(records)
    url, loaded = path.url(record), record.version
    alice, bob = (login(Client(), records.user("k01_officer")) for _ in range(2))
    first = _save(alice, path, url, path.first, loaded)
    assert first.status_code in (200, 302), first.content[:2000]
    second = _save(bob, path, url, path.second, loaded)  # Bob loaded the same version as Alice
    assert second.status_code == 409, second.content[:2000]
    body = json.dumps(second.json(), ensure_ascii=False) if path.kind == "api" else second.content.decode()
    for shown in path.shown:
        assert shown in body, (shown, body[:3000])
    if path.kind == "api":
        answer = second.json()
        assert answer["submitted"][path.field] == path.second
        assert answer["current"][path.field] == path.stored
        assert (answer["expected_version"], answer["current_version"]) == (loaded, loaded + 1)
    record.refresh_from_db()
    assert getattr(record, path.field) == path.stored and record.version == loaded + 1


def test_any_other_save_moves_the_version_so_an_editor_of_the_old_state_is_told(records):
    task = records.task
    task.title = "Đổi bởi một thao tác khác"
    task.save()
    assert Task.objects.get(pk=task.pk).version == task.version == 2
    task.save(update_fields=["title"])  # a partial save that leaves `version` out does not move it
    assert Task.objects.get(pk=task.pk).version == 2


# ---- the enumerations: a new edit path without the check fails here -------------------------------------

# Admin-editable models not versioned yet, each with the reason. Everything else that the admin lets a
# superuser change must be `Versioned` and use `VersionedAdmin`.
# An inline row is edited only through its parent's change form, whose version is claimed on every save
# of that form (inline rows included): a stale form is refused whole, its inline rows with it.
INLINE_OF_A_VERSIONED_PARENT = (
    "inline rows, edited only in the parent's change form, which claims its version"
)
NOT_VERSIONED = {
    "accounts.membership": INLINE_OF_A_VERSIONED_PARENT,
    "agencies.contactpoint": INLINE_OF_A_VERSIONED_PARENT,
    "geo.province": "reference data loaded from the shipped files",
    "geo.ward": "reference data loaded from the shipped files",
    "geo.legacyprovince": "reference data loaded from the shipped files",
    "geo.legacydistrict": "reference data loaded from the shipped files",
    "geo.legacyward": "reference data loaded from the shipped files",
    "protectees.categorymeasure": INLINE_OF_A_VERSIONED_PARENT,
}


def _superuser_request() -> Any:
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return request


def test_every_model_the_admin_lets_change_is_versioned_or_listed_with_a_reason():
    request, missing = _superuser_request(), []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("canhve."):
            continue
        editors = [(model, model_admin)] + [
            (inline.model, inline) for inline in model_admin.get_inline_instances(request)
        ]
        for edited, editor in editors:
            if not editor.has_change_permission(request) or edited._meta.label_lower in NOT_VERSIONED:
                continue
            versioned = any(f.name == "version" for f in edited._meta.concrete_fields)
            if not versioned or not isinstance(editor, VersionedAdmin):
                missing.append(edited._meta.label_lower)
    assert not missing, f"admin-editable without the optimistic check: {sorted(set(missing))}"


def _forms_bound_to_an_instance(path: Path) -> list[str]:
    """Names of the form classes a views module builds with `instance=` (Django's edit idiom)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and any(k.arg == "instance" for k in node.keywords)
        ):
            names.append(node.func.id)
    return names


def test_every_edit_page_form_carries_the_version_and_its_model_has_one():
    checked, bad = 0, []
    for config in apps.get_app_configs():
        if not config.name.startswith("canhve."):
            continue
        views_file = Path(config.path) / "views.py"
        if not views_file.exists():
            continue
        module = importlib.import_module(f"{config.name}.views")
        for name in _forms_bound_to_an_instance(views_file):
            form = getattr(module, name)
            checked += 1
            model = form._meta.model
            if not issubclass(form, VersionedFormMixin) or not hasattr(model, "version"):
                bad.append(f"{config.label}.{name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, UpdateView) and obj is not UpdateView:
                bad.append(f"{config.label}.{obj.__name__}: an UpdateView; give it a versioned form")
    assert checked >= 3  # documents, plan, site: the scan does see the edit pages
    assert not bad, f"edit pages without the optimistic check: {bad}"


def test_every_update_endpoint_requires_expected_version_and_documents_the_409():
    from canhve.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    updates, bad = 0, []
    for url, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("patch", "put"):
                continue
            updates += 1
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            body = components[ref.rsplit("/", 1)[-1]]
            if "409" not in {
                str(code) for code in operation["responses"]
            } or "expected_version" not in body.get("required", []):
                bad.append(f"{method.upper()} {url}")
    assert updates >= 2  # the draft and the plan
    assert not bad, f"update endpoints without a required expected_version and a documented 409: {bad}"


def test_a_version_claim_is_one_conditional_update_even_on_a_secured_model(world, records):
    """Two editors holding the same version must not both win: the claim may not read then write."""
    site = world.site
    with CaptureQueriesContext(connection) as queries:
        claim_version(site, site.version)
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    assert statements == ["UPDATE"]


def test_a_save_of_an_inline_row_alone_makes_a_stale_save_of_its_parent_a_409(records):
    agency = records.agencies["K01-BVTC"]
    contact = ContactPoint.objects.create(agency=agency, function="Trực ban")
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    alice, bob = (login(Client(), records.user("k01_officer")) for _ in range(2))
    stale = _form_payload(bob, url, "name", "Tên của người thứ hai", agency.version)
    inline_only = _form_payload(alice, url, "contacts-0-function", "Trực chỉ huy", agency.version)
    assert alice.post(url, inline_only).status_code == 302
    assert bob.post(url, stale).status_code == 409
    agency.refresh_from_db()
    contact.refresh_from_db()
    assert (agency.name, contact.function) == ("Đơn vị K01-BVTC", "Trực chỉ huy")
