import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from canhve.core.context import acting_as
from canhve.core.models import AuditAction, AuditEntry
from canhve.core.secrecy import Secrecy
from canhve.exchange.models import InformationItem


@pytest.fixture
def item(world):
    with acting_as(world.user("k01_officer"), ip="10.1.2.3", via="web"):
        return InformationItem.objects.create(
            owner_agency=world.agencies["K01-TM"],
            title="Tin",
            body="b",
            secrecy=Secrecy.TOI_MAT,
            author=world.user("k01_officer"),
        )


def entries_for(obj):
    return AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("id")


def test_it_records_create_with_actor_address_and_values(item, world):
    entry = entries_for(item).get(action=AuditAction.CREATE)
    assert entry.actor == world.user("k01_officer")
    assert entry.ip == "10.1.2.3"
    assert entry.changes["title"] == [None, "Tin"]
    assert entry.secrecy == Secrecy.TOI_MAT
    assert entry.owner_agency_id == world.agencies["K01-TM"].pk


def test_it_records_only_changed_fields_on_update(item):
    item.title = "Tin mới"
    item.save()
    entry = entries_for(item).get(action=AuditAction.UPDATE)
    assert entry.changes == {"title": ["Tin", "Tin mới"]}


def test_it_writes_nothing_when_nothing_changed(item):
    before = AuditEntry.objects.count()
    item.save()
    assert AuditEntry.objects.count() == before


def test_it_records_delete_with_the_last_values(item):
    pk = item.pk
    item.delete()
    entry = AuditEntry.objects.get(object_id=str(pk), action=AuditAction.DELETE)
    assert entry.changes["title"] == ["Tin", None]


def test_bulk_update_is_audited_row_by_row(item):
    InformationItem.objects.filter(pk=item.pk).update(title="Bulk")
    assert entries_for(item).filter(action=AuditAction.UPDATE, changes__title=["Tin", "Bulk"]).exists()


def test_the_audit_row_rolls_back_with_the_write(world):
    before = AuditEntry.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        InformationItem.objects.create(
            owner_agency=world.agencies["K01-TM"], title="x", body="b", author=world.user("k01_officer")
        )
        InformationItem.objects.create(
            owner_agency_id=999999, title="y", body="b", author=world.user("k01_officer")
        )
        # SQLite checks deferred foreign keys at commit; force the check inside the block.
        connection.check_constraints()
    assert AuditEntry.objects.count() == before


def test_audit_rows_cannot_be_changed_or_deleted(item):
    entry = entries_for(item).first()
    entry.note = "rewritten"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(note="x")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.note == ""


def test_reading_a_secret_record_is_audited_but_a_mat_one_is_not(world, item):
    officer = world.client("k01_officer")
    assert officer.get(f"/exchange/{item.pk}/").status_code == 200
    read = entries_for(item).filter(action=AuditAction.READ)
    assert read.count() == 1 and read.get().actor == world.user("k01_officer")

    low = InformationItem.objects.create(
        owner_agency=world.agencies["K01-TM"],
        title="Mật",
        body="b",
        secrecy=Secrecy.MAT,
        author=world.user("k01_officer"),
    )
    assert officer.get(f"/exchange/{low.pk}/").status_code == 200
    assert not entries_for(low).filter(action=AuditAction.READ).exists()


def test_a_web_write_is_audited_with_the_request_address(world):
    client = world.client("k01_officer")
    response = client.post(
        "/exchange/new/",
        {
            "owner_agency": world.agencies["K01-TM"].pk,
            "title": "Qua web",
            "kind": "notice",
            "secrecy": 1,
            "body": "x",
        },
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302
    item = InformationItem.objects.get(title="Qua web")
    entry = entries_for(item).get(action=AuditAction.CREATE)
    assert (entry.ip, entry.via, entry.actor) == ("192.0.2.7", "web", world.user("k01_officer"))


def test_the_audit_page_filters_by_action(world, item):
    item.title = "Changed"
    item.save()
    response = world.client("auditor").get("/audit/", {"action": "update"})
    rows = list(response.context["page"])
    assert rows and all(r.action == "update" for r in rows)


def test_auditors_do_not_see_rows_above_their_clearance(world):
    auditor = world.user("auditor")
    auditor.clearance = Secrecy.MAT
    auditor.save()
    InformationItem.objects.create(
        owner_agency=world.agencies["K01"],
        title="TM",
        body="b",
        secrecy=Secrecy.TUYET_MAT,
        author=world.user("k01_commander"),
    )
    response = world.client("auditor").get("/audit/", {"object_type": "exchange"})
    assert all(r.secrecy <= Secrecy.MAT for r in response.context["page"])
    assert response.context["page"].paginator.count == 0
