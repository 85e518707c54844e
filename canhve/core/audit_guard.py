"""The database's own refusal to change the audit table (ADR 0103), in one place.

The migrations install these triggers (PostgreSQL: 0002 refuses UPDATE and DELETE, 0006 TRUNCATE; SQLite:
0005 refuses UPDATE, 0006 DELETE). `lifted()` takes them off and puts the same SQL back, for the two
things that must get past them: the test suite's flush (`core/management/commands/flush.py`) and the
one-time sealing of pre-chain rows (migration 0007).

Migrations run these strings: never edit one that a migration has shipped; add a new constant and a new
migration instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

TABLE = "core_auditentry"

SQLITE_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update
BEFORE UPDATE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, 'core_auditentry is append-only');
END;
"""
SQLITE_NO_DELETE = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete
BEFORE DELETE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, 'core_auditentry is append-only');
END;
"""
SQLITE_TRIGGERS = {
    "core_auditentry_no_update": SQLITE_NO_UPDATE,
    "core_auditentry_no_delete": SQLITE_NO_DELETE,
}

# A statement-level trigger: TRUNCATE fires no row triggers, so 0002's BEFORE UPDATE OR DELETE misses it.
# canhve_audit_append_only() is 0002's function; it only raises.
PG_NO_TRUNCATE = """
CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION canhve_audit_append_only();
"""
PG_DROP_NO_TRUNCATE = "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;"


@contextmanager
def lifted(connection: Any) -> Iterator[None]:
    """Take the audit table's triggers off for the enclosed statements, then put them back. Only inside
    an atomic block: on an error the rollback restores them (and an aborted PostgreSQL transaction
    could not run the restoring statement anyway). PostgreSQL lets only the table's owner or a superuser
    `DISABLE TRIGGER`, so the app's own non-owner role cannot do this (README, Production)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_guard.lifted() needs an atomic block")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)
