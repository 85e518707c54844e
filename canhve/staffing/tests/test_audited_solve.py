"""ADR 0108: a roster solve replaces its solver rows in bulk, and writes one summary audit row on the roster
naming every assignment removed and created."""

from canhve.core.models import AuditAction, AuditEntry
from canhve.staffing.tasks import solve_roster


def test_a_solve_audits_the_assignments_it_replaces(staffing_world):
    roster = staffing_world.roster
    old = set(roster.assignments.filter(pinned=False).values_list("pk", flat=True))
    assert old
    solve_roster(roster, staffing_world.user("k01_officer"))
    new = set(roster.assignments.filter(pinned=False).values_list("pk", flat=True))
    row = AuditEntry.objects.filter(
        action=AuditAction.UPDATE,
        object_type="staffing.Roster",
        object_id=str(roster.pk),
        note__startswith="xếp lịch",
    ).latest("pk")
    assert {r[0] for r in row.changes["assignments_deleted"]} == old
    assert {r[0] for r in row.changes["assignments_created"]} == new
    assert row.secrecy >= roster.secrecy and row.owner_agency_id == roster.owner_agency_id


def test_a_new_roster_audits_the_shifts_it_bulk_creates(staffing_world):
    roster = staffing_world.roster
    (row,) = [
        r
        for r in AuditEntry.objects.filter(object_type="staffing.Roster", object_id=str(roster.pk))
        if "shifts_created" in r.changes
    ]
    assert sorted(row.changes["shifts_created"]) == sorted(roster.shifts.values_list("pk", flat=True))
    assert row.secrecy == roster.secrecy and row.owner_agency_id == roster.owner_agency_id
