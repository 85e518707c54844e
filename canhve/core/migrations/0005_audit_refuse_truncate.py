"""SQLite refuses UPDATE of audit rows by trigger too, so a raw SQL session cannot silently rewrite a row
(ADR 0103). DELETE and, on PostgreSQL, TRUNCATE are refused by 0006, once the test suite's flush could
lift the guard; the SQL now lives in `canhve.core.audit_guard`, shared with that flush."""

from django.db import migrations

from canhve.core.audit_guard import SQLITE_NO_UPDATE as SQLITE_CREATE

SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditentry_no_update;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_compartment_and_chain")]
    operations = [migrations.RunPython(forwards, backwards)]
