"""The audit trail is a hash chain behind a database guard (ADR 0103).

- Every insert path seals (save, bulk_create); the rows written before the chain are sealed once (0007).
- The database refuses raw UPDATE, DELETE and (PostgreSQL) TRUNCATE; `flush` refuses outside the tests.
- What gets past the guard (SQLite: the triggers dropped; PostgreSQL: a superuser's replica mode) is found
  by `canhve audit verify`: a changed, deleted or inserted row, and a truncation against an anchor.
"""

import importlib
import json
import os
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from canhve.accounts.models import User
from canhve.core import audit_chain
from canhve.core.models import AuditAction, AuditEntry, write_audit

pytestmark = pytest.mark.django_db

SQLITE = connection.vendor == "sqlite"
GUARD_TRIGGERS = (
    ["core_auditentry_no_delete", "core_auditentry_no_update"]
    if SQLITE
    else ["core_auditentry_append_only", "core_auditentry_no_truncate"]
)


def _rows(n=3):
    return [write_audit(action=AuditAction.LOGIN, object_type="test.Thing", note=f"n{i}") for i in range(n)]


def _raw(sql, params=()):
    with connection.cursor() as c:
        c.execute(sql, params)


def _verify(anchor=None):
    args = ["verify"] + (["--anchor", json.dumps(anchor)] if anchor else [])
    call_command("audit", *args)


def _bypass_guard():
    """Past the triggers, for the rest of the test's transaction (which rolls it back). PostgreSQL: a
    superuser's replica mode fires no ordinary trigger; SQLite: whoever holds the file drops them."""
    if SQLITE:
        for name in GUARD_TRIGGERS:
            _raw(f"DROP TRIGGER IF EXISTS {name}")
    else:
        # Run the deferred foreign-key checks of the rows just written: PostgreSQL will not TRUNCATE a
        # table with pending trigger events.
        connection.check_constraints()
        _raw("SET LOCAL session_replication_role = replica")


def _plain_values(note, at=None):
    """The hashed fields of a row written by hand, as reading it back gives them."""
    return {
        **dict.fromkeys(audit_chain.HASHED_FIELDS),
        "at": at or timezone.now(),
        "actor_name": "",
        "via": "system",
        "action": "login",
        "object_type": "test.Thing",
        "object_id": "",
        "object_repr": "",
        "secrecy": 0,
        "changes": {},
        "note": note,
        "shared_agency_ids": [],
        "shared_user_ids": [],
    }


def _insert_raw(values, *, pk=None, prev_hash="", row_hash=""):
    """An INSERT by SQL, the one statement the guard lets through: what the app wrote before the chain
    (no hashes), or a forger's row."""
    cols = ["at", "actor_name", "via", "action", "object_type", "object_id", "object_repr", "secrecy", "note"]
    params = [connection.ops.adapt_datetimefield_value(values["at"]), *(values[c] for c in cols[1:])]
    cols += ["prev_hash", "row_hash"] + (["id"] if pk else [])
    params += [prev_hash, row_hash] + ([pk] if pk else [])
    marks = ", ".join(["%s"] * len(params))
    _raw(
        f"INSERT INTO core_auditentry ({', '.join(cols)}, changes, shared_agency_ids, shared_user_ids) "
        f"VALUES ({marks}, '{{}}', '[]', '[]')",
        params,
    )


def _guard_state():
    with connection.cursor() as c:
        if SQLITE:
            c.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditentry' "
                "ORDER BY name"
            )
        else:
            c.execute(
                "SELECT tgname, tgenabled FROM pg_trigger "
                "WHERE tgrelid = 'core_auditentry'::regclass AND NOT tgisinternal ORDER BY tgname"
            )
        return c.fetchall()


# --- every insert path seals -------------------------------------------------------------------------


def test_rows_form_a_valid_chain():
    rows = _rows()
    assert rows[0].prev_hash == "" or AuditEntry.objects.filter(row_hash=rows[0].prev_hash).exists()
    assert rows[1].prev_hash == rows[0].row_hash and rows[2].prev_hash == rows[1].row_hash
    result = audit_chain.verify()
    assert result["row_hash"] == rows[-1].row_hash
    _verify()


def test_bulk_created_rows_are_chained_in_order():
    first = _rows(1)[0]
    AuditEntry.objects.bulk_create(
        [AuditEntry(action="login", object_type="test.Thing", note=f"b{i}") for i in range(3)], batch_size=2
    )
    rows = list(AuditEntry.objects.filter(pk__gte=first.pk).order_by("id"))
    assert [r.note for r in rows] == ["n0", "b0", "b1", "b2"]
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    _verify()


def test_bulk_create_refuses_rows_that_would_break_the_chain():
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.bulk_create([AuditEntry(id=10**9, action="login", object_type="x")])
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.bulk_create([AuditEntry(action="login", object_type="x")], ignore_conflicts=True)
    assert not AuditEntry.objects.filter(object_type="x").exists()


def _run_0007():
    migration = importlib.import_module("canhve.core.migrations.0007_audit_seal_prechain_rows")
    with transaction.atomic():
        migration.forwards(apps, SimpleNamespace(connection=connection))


@pytest.mark.django_db(transaction=True)
def test_migration_0007_seals_the_rows_written_before_the_chain():
    # The trail must start empty for its "before the chain" rows; an xdist worker's earlier test may have
    # left a row behind (a live-server thread finishing after its test's flush), so flush first.
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    for i in range(3):
        _insert_raw(_plain_values(f"old{i}"))  # as 0003 left them: no hashes
    _rows(2)  # sealed after 0003: the first one onto the last old row's empty hash
    with pytest.raises(CommandError, match="content changed"):
        _verify()

    _run_0007()

    _verify()
    notes = list(AuditEntry.objects.order_by("id").values_list("note", flat=True))
    assert notes == ["old0", "old1", "old2", "n0", "n1"]
    head = audit_chain.head()
    _run_0007()  # nothing left to seal: a second run changes nothing
    assert audit_chain.head() == head
    _rows(1)
    _verify()


@pytest.mark.django_db(transaction=True)
def test_migration_0007_does_not_seal_a_trail_whose_sealed_rows_do_not_verify():
    _insert_raw(_plain_values("old"))
    _rows(2)
    _insert_raw(_plain_values("unsealed, after the chain began"))
    before = list(AuditEntry.objects.order_by("id").values_list("id", "prev_hash", "row_hash"))

    with pytest.raises(RuntimeError, match="does not verify"):
        _run_0007()

    assert list(AuditEntry.objects.order_by("id").values_list("id", "prev_hash", "row_hash")) == before


# --- the database refuses; flush refuses --------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("UPDATE core_auditentry SET note = 'forged' WHERE id = %s", id="update"),
        pytest.param("DELETE FROM core_auditentry WHERE id = %s", id="delete"),
        pytest.param("DELETE FROM core_auditentry", id="delete-all"),
        pytest.param(
            "TRUNCATE core_auditentry",
            id="truncate",
            marks=pytest.mark.skipif(SQLITE, reason="SQLite has no TRUNCATE; delete-all is its truncate"),
        ),
    ],
)
def test_the_database_refuses_raw_sql_that_changes_or_removes_rows(sql):
    row = _rows(1)[0]
    if not SQLITE:
        connection.check_constraints()  # TRUNCATE refuses a table with pending FK checks before its trigger
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(sql, [row.pk] if "%s" in sql else [])
    assert AuditEntry.objects.get(pk=row.pk).note == row.note


def test_flush_outside_the_test_suite_refuses_and_keeps_every_row(settings, world):
    settings.TESTING = False
    _rows(2)
    before = (AuditEntry.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="never flushed"):
        call_command("flush", interactive=False, verbosity=0)
    assert (AuditEntry.objects.count(), User.objects.count()) == before


@pytest.mark.django_db(transaction=True)
def test_the_test_suites_flush_lifts_the_guard_for_itself_only():
    before = _guard_state()
    assert [name for name, _ in before] == GUARD_TRIGGERS
    _rows(2)

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEntry.objects.exists()
    assert _guard_state() == before
    row = _rows(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("DELETE FROM core_auditentry WHERE id = %s", [row.pk])


# --- what gets past the guard, verify finds -------------------------------------------------------------


def test_changed_row_detected():
    rows = _rows()
    _bypass_guard()
    _raw("UPDATE core_auditentry SET note = 'forged' WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"#{rows[1].pk}: .*content changed"):
        _verify()


def test_deleted_row_detected():
    rows = _rows()
    _bypass_guard()
    _raw("DELETE FROM core_auditentry WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"#{rows[2].pk}: .*broken link"):
        _verify()


def _skip_next_id():
    """Leave a gap in the ids, as a forger who wants a row in the middle needs one."""
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    if SQLITE:
        _raw("UPDATE sqlite_sequence SET seq = %s WHERE name = 'core_auditentry'", [last + 1])
    else:
        _raw("SELECT setval(pg_get_serial_sequence('core_auditentry', 'id'), %s)", [last + 1])


def test_a_row_inserted_in_the_middle_is_detected():
    first = _rows(1)[0]
    _skip_next_id()
    later = _rows(2)
    # A forger who knows the recipe: the row links onto `first` and carries its own right hash.
    values = _plain_values("forged")
    forged_hash = audit_chain.compute_hash(values, first.row_hash)
    _insert_raw(values, pk=first.pk + 1, prev_hash=first.row_hash, row_hash=forged_hash)
    with pytest.raises(CommandError, match=f"#{later[0].pk}: .*broken link"):
        _verify()


def test_truncation_detected_against_anchor():
    _rows()
    anchor = audit_chain.head()
    _verify(anchor)
    _bypass_guard()
    _raw("DELETE FROM core_auditentry" if SQLITE else "TRUNCATE core_auditentry")
    _verify()  # an empty trail is a valid chain: only the anchor knows better
    with pytest.raises(CommandError, match="truncated"):
        _verify(anchor)


def test_a_trail_rewritten_with_new_hashes_is_caught_by_the_anchor():
    rows = _rows()
    anchor = audit_chain.head()
    _bypass_guard()
    prev = rows[0].prev_hash
    for row in rows:
        values = AuditEntry.objects.filter(pk=row.pk).values(*audit_chain.HASHED_FIELDS).get()
        values["note"] = "forged" if row.pk == rows[0].pk else values["note"]
        new = audit_chain.compute_hash(values, prev)
        _raw(
            "UPDATE core_auditentry SET note = %s, prev_hash = %s, row_hash = %s WHERE id = %s",
            [values["note"], prev, new, row.pk],
        )
        prev = new
    _verify()  # whoever may rewrite every row may rewrite the chain too
    with pytest.raises(CommandError, match=f"#{rows[-1].pk} differs from the anchor"):
        _verify(anchor)


# --- the production role (ADR 0103, "Running as a non-owner role") --------------------------------------


@pytest.mark.skipif(SQLITE, reason="PostgreSQL roles")
def test_an_app_role_with_the_adr_grants_writes_rows_but_cannot_get_past_the_guard():
    """The ADR's GRANT statements, for a role created in the test's transaction (rolled back with it)."""
    role = f"canhve_app_test_{os.getpid()}"
    _raw(f"CREATE ROLE {role} NOLOGIN")
    _raw(f"GRANT USAGE ON SCHEMA public TO {role}")
    _raw(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    _raw(f"REVOKE UPDATE, DELETE ON core_auditentry FROM {role}")
    connection.check_constraints()
    _raw(f"SET LOCAL ROLE {role}")

    row = _rows(1)[0]
    for sql in (
        "UPDATE core_auditentry SET note = 'forged' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
        "TRUNCATE core_auditentry",
        "ALTER TABLE core_auditentry DISABLE TRIGGER USER",
        "DROP TRIGGER core_auditentry_append_only ON core_auditentry",
        "SET session_replication_role = replica",
    ):
        with pytest.raises(DatabaseError, match=r"permission denied|must be owner"), transaction.atomic():
            _raw(sql, [row.pk] if "%s" in sql else [])
    _verify()
