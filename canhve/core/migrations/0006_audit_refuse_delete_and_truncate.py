"""The database refuses every way of removing audit rows (ADR 0103): DELETE on SQLite (UPDATE is 0005's),
TRUNCATE on PostgreSQL (UPDATE and DELETE are 0002's row trigger, which TRUNCATE does not fire). The
test suite's flush lifts them for its own flush only (`core/management/commands/flush.py`)."""

from django.db import migrations

from canhve.core.audit_guard import PG_DROP_NO_TRUNCATE, PG_NO_TRUNCATE, SQLITE_NO_DELETE

SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditentry_no_delete;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_NO_TRUNCATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_DELETE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP_NO_TRUNCATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_refuse_truncate")]
    operations = [migrations.RunPython(forwards, backwards)]
