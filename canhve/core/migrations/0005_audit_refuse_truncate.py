"""SQLite refuses UPDATE of audit rows by trigger too, so a raw SQL session cannot silently rewrite a row
(ADR 0103). DELETE and, on PostgreSQL, TRUNCATE are refused in a later step: the test suite's flush of
transactional tests still deletes every table, and that needs a plan first. The hash chain
(`canhve audit verify`) detects a deletion or truncation meanwhile."""

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update
BEFORE UPDATE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, 'core_auditentry is append-only');
END;
"""
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
