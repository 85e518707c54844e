"""The audit trail is a hash chain: writing rows keeps it valid, and `canhve audit verify` reports a
changed, deleted or inserted row, and a truncation against an anchor."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from canhve.core import audit_chain
from canhve.core.models import AuditAction, AuditEntry, write_audit

pytestmark = pytest.mark.django_db


def _rows(n=3):
    return [write_audit(action=AuditAction.LOGIN, object_type="test.Thing", note=f"n{i}") for i in range(n)]


def _raw(sql, params=()):
    with connection.cursor() as c:
        c.execute(sql, params)


def _verify(anchor=None):
    args = ["verify"] + (["--anchor", json.dumps(anchor)] if anchor else [])
    call_command("audit", *args)


def test_rows_form_a_valid_chain():
    rows = _rows()
    assert rows[0].prev_hash == "" or AuditEntry.objects.filter(row_hash=rows[0].prev_hash).exists()
    assert rows[1].prev_hash == rows[0].row_hash and rows[2].prev_hash == rows[1].row_hash
    result = audit_chain.verify()
    assert result["row_hash"] == rows[-1].row_hash
    _verify()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite trigger")
def test_raw_update_refused_by_sqlite_trigger():
    from django.db import IntegrityError

    rows = _rows(1)
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("UPDATE core_auditentry SET note = 'forged' WHERE id = %s", [rows[0].pk])


def _drop_triggers():
    """The test's own transaction rolls this back: SQLite and PostgreSQL DDL is transactional."""
    if connection.vendor == "sqlite":
        _raw("DROP TRIGGER IF EXISTS core_auditentry_no_update")
    else:
        _raw("DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry")


def test_changed_row_detected():
    rows = _rows()
    _drop_triggers()
    _raw("UPDATE core_auditentry SET note = 'forged' WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"#{rows[1].pk}: .*content changed"):
        _verify()


def test_deleted_row_detected():
    rows = _rows()
    _drop_triggers()
    _raw("DELETE FROM core_auditentry WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"#{rows[2].pk}: .*broken link"):
        _verify()


def test_inserted_row_detected():
    rows = _rows()
    forged = AuditEntry(action="login", object_type="x", note="forged", row_hash="0" * 64)
    forged.prev_hash = rows[-1].row_hash
    AuditEntry.objects.bulk_create([forged])
    with pytest.raises(CommandError, match="content changed"):
        _verify()


def test_truncation_detected_against_anchor():
    _rows()
    anchor = audit_chain.head()
    _verify(anchor)
    _drop_triggers()
    _raw("DELETE FROM core_auditentry")
    with pytest.raises(CommandError, match="truncated"):
        _verify(anchor)
