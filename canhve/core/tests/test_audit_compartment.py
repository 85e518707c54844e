"""Audit rows follow their record (docs/decisions/0102-audit-rows-follow-their-record.md): a child record's
rows carry its parent's owner, secrecy and sharing, and the audit page, API and admin read them under the
same rule as the record itself."""

import datetime as dt

import pytest
from django.apps import apps
from django.test import Client

from canhve.accounts.models import Membership, Role, User
from canhve.core.context import acting_as
from canhve.core.models import Audited, AuditEntry, Secured, audit_parent_of
from canhve.core.secrecy import Secrecy
from canhve.core.testing import login
from canhve.operations import services
from canhve.operations.models import Contingency, Movement, MovementRoute, Stop
from canhve.sites.models import Site, SiteKind

START = dt.datetime(2030, 6, 1, 8, 0, tzinfo=dt.UTC)
CHILD_TYPES = ("operations.Contingency", "operations.Closure", "operations.Task")


def auditor_of(world, name: str, code: str, clearance: int, *, staff: bool = False) -> User:
    user = User.objects.create_user(
        username=name,
        password="x-test-pass-1234",
        clearance=clearance,
        is_auditor=True,
        is_staff=staff,
    )
    Membership.objects.create(user=user, agency=world.agencies[code], role=Role.VIEWER)
    return user


def top_secret_op(world, code: str, shared_with: tuple[str, ...] = ()):
    commander = world.user("k01_commander")
    with acting_as(commander):
        op = services.create_operation(
            acting_user=commander,
            owner_agency=world.agencies["K01"],
            code=code,
            name="Tuyệt mật (thử)",
            kind="visit",
            starts_at=START,
            ends_at=START + dt.timedelta(hours=4),
            secrecy=Secrecy.TUYET_MAT,
            participating_agencies=[world.agencies[c] for c in shared_with],
        )
        services.add_task(
            operation=op, acting_user=commander, title="Rà phá", agency=world.agencies["K01"], offset_hours=-2
        )
        services.add_closure(
            operation=op,
            acting_user=commander,
            name="Khu cấm",
            ring=[[21.03, 105.84], [21.03, 105.845], [21.035, 105.845]],
        )
        plan = services.create_plan_version(operation=op, acting_user=commander, objectives="Mục tiêu")
        services.add_contingency(
            plan=plan,
            acting_user=commander,
            kind="attack",
            response="Sơ tán theo tuyến dự phòng",
            agency=world.agencies["K01"],
        )
    return op


def child_rows(qs, op):
    """The visible audit rows of `op`'s contingency, closure and task records, by type."""
    rows = qs.filter(object_type__in=CHILD_TYPES)
    return {t: rows.filter(object_type=t).count() for t in CHILD_TYPES}


def page_rows(user: User, object_type: str) -> list[AuditEntry]:
    client = login(Client(), user)
    response = client.get("/audit/", {"object_type": object_type})
    assert response.status_code == 200
    return list(response.context["page"].paginator.object_list)


@pytest.fixture
def op(world):
    return top_secret_op(world, "TM-01")


def test_child_rows_carry_the_operations_compartment(world, op):
    rows = AuditEntry.objects.filter(object_type__in=CHILD_TYPES)
    assert {r.object_type for r in rows} == set(CHILD_TYPES)
    for row in rows:
        assert (row.owner_agency_id, row.secrecy) == (world.agencies["K01"].pk, Secrecy.TUYET_MAT), row
        assert row.shared_agency_ids == [] and row.shared_user_ids == []


def test_a_can_tho_auditor_reads_no_child_row_of_a_k01_top_secret_operation(world, op):
    for clearance in (Secrecy.MAT, Secrecy.TUYET_MAT):
        outsider = auditor_of(world, f"ct_audit_{clearance}", "CACT", clearance)
        for object_type in CHILD_TYPES:
            assert page_rows(outsider, object_type) == []
        client = login(Client(), outsider)
        for object_type in CHILD_TYPES:
            assert client.get("/api/core/audit", {"object_type": object_type}).json()["items"] == []


def test_the_k01_auditor_reads_them_only_with_enough_clearance(world, op):
    auditor = world.user("auditor")
    assert all(page_rows(auditor, t) for t in CHILD_TYPES)
    api = world.client("auditor").get("/api/core/audit", {"object_type": "operations.Contingency"})
    assert api.json()["items"]
    auditor.clearance = Secrecy.TOI_MAT
    auditor.save()
    assert not any(page_rows(auditor, t) for t in CHILD_TYPES)


def test_sharing_the_operation_shares_its_child_rows(world):
    shared = top_secret_op(world, "TM-02", shared_with=("CATH",))
    th_auditor = auditor_of(world, "th_audit", "CATH", Secrecy.TUYET_MAT)
    visible = child_rows(AuditEntry.objects.visible_to(th_auditor), shared)
    assert all(visible.values()), visible
    assert all(page_rows(th_auditor, t) for t in CHILD_TYPES)
    row = AuditEntry.objects.filter(object_type="operations.Contingency").latest("id")
    assert row.shared_agency_ids == [world.agencies["CATH"].pk]
    # The same auditor reads nothing of an operation that is not shared with CATH.
    before = AuditEntry.objects.visible_to(th_auditor).count()
    top_secret_op(world, "TM-03")
    assert AuditEntry.objects.visible_to(th_auditor).count() == before


def test_sharing_with_a_user_by_name_shares_the_child_rows(world, op):
    reader = auditor_of(world, "named_audit", "CAHN", Secrecy.TUYET_MAT)
    op.shared_with_users.add(reader)
    with acting_as(world.user("k01_commander")):
        services.add_closure(
            operation=op, acting_user=world.user("k01_commander"), name="Khu B", streets=["Phố A"]
        )
    # Rows written before the share keep the compartment they were written in; the new one is shared.
    assert [r.object_repr for r in page_rows(reader, "operations.Closure")] == ["Khu B"]


def test_a_grandchild_and_a_deletion_carry_the_operation(world, op):
    commander = world.user("k01_commander")
    site = Site.objects.create(
        name="KS", kind=SiteKind.VENUE, lat=21.03, lon=105.85, secrecy=0, owner_agency=world.agencies["K01"]
    )
    with acting_as(commander):
        a = Stop.objects.create(operation=op, order=1, site=site)
        b = Stop.objects.create(operation=op, order=2, site=site)
        movement = Movement.objects.create(operation=op, origin=a, destination=b, depart_at=START)
        route = MovementRoute.objects.create(
            movement=movement, rank=1, depart_at=START, seconds=60, meters=100, geometry={}
        )
        route_pk = route.pk
        route.delete()
        contingency = Contingency.objects.get(plan_version__operation=op)
        contingency_pk = contingency.pk
        contingency.delete()
    for label, pk in (("operations.MovementRoute", route_pk), ("operations.Contingency", contingency_pk)):
        rows = AuditEntry.objects.filter(object_type=label, object_id=str(pk))
        assert {r.action for r in rows} >= {"delete"}
        assert all(r.secrecy == Secrecy.TUYET_MAT for r in rows)
        assert all(r.owner_agency_id == world.agencies["K01"].pk for r in rows)


def test_the_admin_applies_the_same_scope(world, op):
    outsider = auditor_of(world, "ct_staff", "CACT", Secrecy.TUYET_MAT, staff=True)
    outsider.is_superuser = True
    outsider.save()
    client = login(Client(), outsider)
    response = client.get("/admin/core/auditentry/", {"object_type__exact": "operations.Contingency"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    insider = auditor_of(world, "k01_staff", "K01", Secrecy.TUYET_MAT, staff=True)
    insider.is_superuser = True
    insider.save()
    response = login(Client(), insider).get(
        "/admin/core/auditentry/", {"object_type__exact": "operations.Contingency"}
    )
    assert response.context["cl"].result_count == 1


def test_every_audited_model_names_its_compartment():
    """A model whose audit rows would otherwise carry no agency must say where its compartment comes from
    (`audit_parent`) or that its rows are open to every auditor (`audit_public = True`)."""
    undeclared, broken = [], []
    for model in apps.get_models():
        if not issubclass(model, Audited) or issubclass(model, Secured):
            continue
        parent, public = model.audit_parent, model.audit_public
        if bool(parent) == bool(public):
            undeclared.append(model._meta.label)
            continue
        target = model
        for name in parent.split(".") if parent else []:
            field = target._meta.get_field(name)
            if not field.is_relation or field.null:
                broken.append(f"{model._meta.label}.{parent}")
                break
            target = field.related_model
        else:
            if parent and not issubclass(target, Secured):
                broken.append(
                    f"{model._meta.label}.{parent} ends on {target._meta.label}, not a Secured record"
                )
    assert not undeclared, f"declare audit_parent or audit_public = True on: {undeclared}"
    assert not broken, broken


def test_audit_parent_of_resolves_the_path(world, op):
    contingency = Contingency.objects.get(plan_version__operation=op)
    assert audit_parent_of(contingency) == op


def test_rows_of_child_records_written_without_a_compartment_need_the_top_clearance(world):
    legacy = AuditEntry.objects.create(
        action="update", object_type="operations.Contingency", object_id="1", object_repr="Cũ"
    )
    login_row = AuditEntry.objects.create(action="login", object_type="accounts.User", object_id="1")
    outsider = auditor_of(world, "ct_legacy", "CACT", Secrecy.TOI_MAT)
    assert list(AuditEntry.objects.visible_to(outsider).filter(pk__in=[legacy.pk, login_row.pk])) == [
        login_row
    ]
    top = auditor_of(world, "ct_legacy_top", "CACT", Secrecy.TUYET_MAT)
    assert AuditEntry.objects.visible_to(top).filter(pk=legacy.pk).exists()
