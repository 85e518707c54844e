"""Seal the audit rows written before the hash chain existed, once (ADR 0103).

0003 added `prev_hash`/`row_hash` empty to the rows already there, so `canhve audit verify` failed at the
first of them. The first row sealed after 0003 chained onto that empty hash, i.e. from genesis. Here:

- the pre-chain rows are the leading run of rows with no hash, all older than the first sealed row. A row
  with no hash after a sealed one is no pre-chain row but an unsealed insert; it is never sealed here.
- the sealed rows must verify as written (from genesis). If they do not (a changed, inserted or unsealed
  row), the migration stops instead of chaining a tampered trail anew, which would hide the tampering.
- then every row is chained again in id order: the pre-chain rows from genesis, the sealed rows onto them.
  Their hashes change, so take a new `canhve audit head` after migrating; an anchor taken before could
  never verify anyway, as verify stopped at the first pre-chain row.

A database created after 0003 has no pre-chain rows, and nothing happens. The triggers are lifted for the
rewrite only (`audit_guard.lifted`): `migrate` runs as the tables' owner, the only role that can.
"""

from django.db import migrations

from canhve.core import audit_guard
from canhve.core.audit_chain import ADVISORY_LOCK_KEY, GENESIS, HASHED_FIELDS, compute_hash

COLS = ("id", *HASHED_FIELDS, "prev_hash", "row_hash")
BATCH = 2000
UPDATE = "UPDATE core_auditentry SET prev_hash = %s, row_hash = %s WHERE id = %s"


def _rows(AuditEntry, db, from_id=0):
    """Every row from `from_id` in id order, as dicts, a batch at a time (updates may run in between)."""
    last = from_id - 1
    while True:
        qs = AuditEntry.objects.using(db).filter(id__gt=last).order_by("id").values_list(*COLS)
        batch = list(qs[:BATCH])
        if not batch:
            return
        yield [dict(zip(COLS, row, strict=True)) for row in batch]
        last = batch[-1][0]


def forwards(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    conn = schema_editor.connection
    db = conn.alias
    first_sealed = AuditEntry.objects.using(db).exclude(row_hash="").order_by("id").values_list("id", flat=True)
    first_sealed = first_sealed.first()
    prechain = AuditEntry.objects.using(db).filter(row_hash="")
    if first_sealed is not None:
        prechain = prechain.filter(id__lt=first_sealed)
    if not prechain.exists():
        return
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
    if first_sealed is not None:
        prev = GENESIS
        for batch in _rows(AuditEntry, db, first_sealed):
            for row in batch:
                if row["prev_hash"] != prev or compute_hash(row, prev) != row["row_hash"]:
                    raise RuntimeError(
                        f"core 0007: audit row #{row['id']} does not verify; the pre-chain rows are not "
                        "sealed, so as not to hide it. Investigate, then `canhve migrate core 0007 --fake` "
                        "to go on without sealing them."
                    )
                prev = row["row_hash"]
    with audit_guard.lifted(conn), conn.cursor() as cursor:
        prev = GENESIS
        for batch in _rows(AuditEntry, db):
            updates = []
            for row in batch:
                row_hash = compute_hash(row, prev)
                updates.append((prev, row_hash, row["id"]))
                prev = row_hash
            cursor.executemany(UPDATE, updates)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_refuse_delete_and_truncate")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
