"""ADR 0108: every write is audited, bulk ones too. A queryset delete/update, a `bulk_create` or an M2M
`.add/.remove/.set/.clear` bypasses `Audited.save()`, so each one writes a summary row naming the rows it
wrote, in the same transaction; a scan of the source keeps new bulk writes from appearing without one."""

import ast
import datetime as dt
import pathlib

import pytest
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.utils import timezone

from canhve.agencies.models import Agency, AgencyKind
from canhve.core.models import Audited, AuditEntry
from canhve.core.secrecy import Secrecy
from canhve.operations.models import Operation

ROOT = pathlib.Path(__file__).resolve().parents[3]

# Bulk writes that write no audit row, each with the reason. Everything else must sit in a function that
# also writes its summary row (write_audit / write_bulk_audit, or an `_audit…` helper that does).
UNAUDITED = {
    "canhve/accounts/models.py:authenticate": "a token's last-use stamp (audit_exclude), not a change",
    "canhve/core/jobs.py:_claim": "job-queue bookkeeping; the work a job does is audited where it writes",
    "canhve/core/jobs.py:progress": "job-queue bookkeeping",
    "canhve/core/jobs.py:run": "job-queue bookkeeping",
    "canhve/core/locking.py:claim_version": "the lock counter (skipped in diffs); the save() after it audits",
    "canhve/core/models.py:bulk_create": "the audit trail's own rows (sealed into the chain one by one)",
    "canhve/core/access.py:record_reads": "the audit trail's own read rows (sealed into the chain in order)",
    "canhve/core/transactions.py:_write_again": "a refused request's read rows again, after its rollback",
    "canhve/core/backup.py:restore_backup": "a whole-database restore; writes its own 'canhve restore' row",
}

QUERYSET_METHODS = {
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "select_related",
    "prefetch_related",
    "order_by",
    "only",
    "defer",
    "annotate",
    "distinct",
    "using",
    "none",
    "active",
    "visible_to",
    "restrict",
    "get_queryset",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
BULK_WRITES = {"update", "delete", "bulk_create", "bulk_update", "_raw_delete", "_update"}


def _on_a_queryset(node: ast.AST) -> bool:
    """Whether a call's receiver is a manager or queryset chain (`X.objects…`, `….filter(…)`, `x.y_set`)."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in QUERYSET_METHODS:
                return True
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in MANAGERS or node.attr.endswith("_set"):
                return True
            node = node.value
        else:
            node = node.value
    return False


def _audits(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    return name in ("write_audit", "write_bulk_audit") or name.startswith("_audit")


def _own_calls(fn: ast.AST) -> list[ast.Call]:
    """The calls in a function's body, not those of the functions defined inside it."""
    calls: list[ast.Call] = []
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.Call):
            calls.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return calls


def bulk_writes() -> dict[str, list[str]]:
    """{"path:function[ audited]": [source of each bulk write]} for every queryset bulk write in canhve/;
    " audited" when the same function also writes an audit row."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "canhve").glob("**/*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            calls = _own_calls(fn)
            writes = [
                ast.unparse(c)
                for c in calls
                if isinstance(c.func, ast.Attribute)
                and c.func.attr in BULK_WRITES
                and (c.func.attr.startswith("bulk") or _on_a_queryset(c.func.value))
            ]
            if writes:
                audited = " audited" if any(_audits(c) for c in calls) else ""
                found[f"{rel}:{fn.name}{audited}"] = writes
    return found


def test_every_queryset_bulk_write_sits_beside_its_audit_row():
    found = bulk_writes()
    unaudited = {key for key in found if not key.endswith(" audited")}
    assert unaudited - set(UNAUDITED) == set(), (
        "a queryset bulk write with no summary audit row in the same function: call write_bulk_audit "
        "(or list it in UNAUDITED with the reason)",
        {k: found[k] for k in unaudited - set(UNAUDITED)},
    )
    assert set(UNAUDITED) <= unaudited, "stale UNAUDITED entries: " + str(set(UNAUDITED) - unaudited)


def test_the_scan_sees_the_bulk_writes_it_must():
    """The scan itself: it finds the known bulk writes, audited ones included."""
    found = bulk_writes()
    for key in (
        "canhve/staffing/tasks.py:_store audited",
        "canhve/staffing/services.py:create_shifts audited",
        "canhve/sites/services.py:_store_criteria audited",
        "canhve/sites/services.py:record_survey audited",
        "canhve/accounts/second_factor.py:issue_recovery_codes audited",
        "canhve/agencies/models.py:_move_path audited",
        "canhve/geo/reference.py:_upsert audited",
        "canhve/documents/services.py:render_file audited",
        "canhve/documents/services.py:issue_document audited",
    ):
        assert key in found, key


def _rows(obj, name):
    return [
        e
        for e in AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("pk")
        if any(k.startswith(f"{name}_") for k in e.changes)
    ]


@pytest.mark.django_db
def test_every_many_to_many_of_an_audited_model_is_audited():
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, Audited):
            for f in model._meta.many_to_many:
                assert m2m_changed.has_listeners(f.remote_field.through), f"{model._meta.label}.{f.name}"


@pytest.mark.django_db
def test_sharing_a_record_and_withdrawing_it_each_write_a_row_in_the_same_transaction(world):
    tz = timezone.get_current_timezone()
    op = Operation.objects.create(
        owner_agency=world.agencies["K01-TM"],
        code="OP-SHARE",
        name="Chia sẻ",
        kind="event",
        secrecy=Secrecy.MAT,
        starts_at=dt.datetime(2030, 1, 1, 8, tzinfo=tz),
        ends_at=dt.datetime(2030, 1, 2, 8, tzinfo=tz),
    )
    cath, bccb = world.agencies["CATH"], world.agencies["BCCB"]
    op.shared_with_agencies.set([cath, bccb])
    (added,) = _rows(op, "shared_with_agencies")
    assert sorted(added.changes["shared_with_agencies_created"]) == sorted([cath.pk, bccb.pk])
    op.shared_with_agencies.remove(bccb)
    op.shared_with_agencies.clear()
    removed = [e.changes.get("shared_with_agencies_deleted") for e in _rows(op, "shared_with_agencies")]
    assert [bccb.pk] in removed and [cath.pk] in removed
    # reverse side: agency.<related>.add(record) is the record's change
    world.agencies["CAHN"].shared_operations_operation.add(op)
    assert any(
        e.changes.get("shared_with_agencies_created") == [world.agencies["CAHN"].pk]
        for e in _rows(op, "shared_with_agencies")
    )
    # the rows and their audit row commit or roll back together
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        op.shared_with_agencies.add(bccb)
        raise RuntimeError("rolled back")
    assert AuditEntry.objects.count() == before and not op.shared_with_agencies.filter(pk=bccb.pk).exists()


@pytest.mark.django_db
def test_moving_an_agency_audits_every_path_it_rewrites(world):
    k01 = world.agencies["K01"]
    unit = Agency.objects.create(code="K01-X", name="Phòng X", kind=AgencyKind.GUARD_UNIT, parent=k01)
    team = Agency.objects.create(code="K01-X1", name="Tổ X1", kind=AgencyKind.GUARD_UNIT, parent=unit)
    old_unit, old_team = unit.path, Agency.objects.get(pk=team.pk).path
    unit.parent = world.agencies["K01-TM"]
    unit.save()
    row = _rows(unit, "path")[-1]
    team.refresh_from_db()
    assert [unit.pk, old_unit, unit.path] in row.changes["path_updated"]
    assert [team.pk, old_team, team.path] in row.changes["path_updated"]
    assert team.path.startswith(unit.path)


@pytest.mark.django_db
def test_new_recovery_codes_audit_the_rows_replaced_but_never_the_codes(world):
    from canhve.accounts.second_factor import issue_recovery_codes

    user = world.user("k01_commander")
    first = issue_recovery_codes(user)
    second = issue_recovery_codes(user)
    rows = _rows(user, "recovery_codes")
    assert len(rows) == 2
    assert len(rows[-1].changes["recovery_codes_created"]) == 10
    assert len(rows[-1].changes["recovery_codes_deleted"]) == 10
    text = str([r.changes for r in rows]) + str([r.note for r in rows])
    assert not any(code in text for code in first + second)


@pytest.mark.django_db
def test_a_reference_upsert_writes_one_summary_row_per_table():
    from canhve.geo import reference
    from canhve.geo.models import LegacyProvince, Province

    new = Province.objects.create(
        code="99", name="Thử", full_name="Tỉnh Thử", geometry={}, geometry_simplified={}
    )
    rows = [LegacyProvince(code=c, name=f"Tỉnh cũ {c}", successor=new) for c in ("97", "98")]
    reference._upsert(LegacyProvince, rows, ["name", "successor"])
    row = AuditEntry.objects.filter(object_type="geo.LegacyProvince").latest("pk")
    assert row.changes["upserted"] == 2 and len(row.changes["codes_sha256"]) == 64
