"""Roster solves that meet each other, or pins edited while the solver runs, never crash a job on the
unique (shift, person) constraint: stores are serialised per roster, and a solve whose pins changed under
it is refused with a clear message (docs/decisions/0106-bad-input-never-500.md)."""

import threading

import pytest
from django.db import connection, connections

from canhve.core.jobs import run_pending
from canhve.core.models import JobStatus
from canhve.staffing import services, tasks
from canhve.staffing.models import Assignment, RosterStatus
from canhve.staffing.tasks import check_stored, solve_roster


def _solve_and_meanwhile(monkeypatch, w, edit):
    """Queue a solve and run it; `edit()` runs after the solver has answered, before the result is stored."""
    real = tasks.engine.solve

    def solve(*args, **kwargs):
        solution = real(*args, **kwargs)
        edit()
        return solution

    monkeypatch.setattr(tasks.engine, "solve", solve)
    job = services.request_solve(acting_user=w.users["k01_officer"], roster=w.roster)
    assert run_pending() >= 1
    job.refresh_from_db()
    w.roster.refresh_from_db()
    return job


def test_a_pin_set_while_the_solver_runs_fails_the_job_with_a_clear_message(staffing_world, monkeypatch):
    w = staffing_world
    row = w.roster.assignments.filter(pinned=False).first()
    before = set(w.roster.assignments.values_list("pk", "personnel_id", "shift_id"))

    def pin() -> None:
        Assignment.objects.filter(pk=row.pk).update(pinned=True)

    job = _solve_and_meanwhile(monkeypatch, w, pin)
    assert job.status == JobStatus.FAILED
    assert "thay đổi trong khi xếp ca" in job.message
    assert job.result == {"error": job.message, "status": 409}  # a refusal, not a crash with a trace
    assert w.roster.status == RosterStatus.DRAFT and w.roster.result["error"] == job.message
    assert set(w.roster.assignments.values_list("pk", "personnel_id", "shift_id")) == before


def test_a_colliding_insert_is_reported_as_a_conflict_not_a_crash(staffing_world, monkeypatch):
    w = staffing_world
    monkeypatch.setattr(tasks, "_lock_and_check", lambda *a: None)  # as before: no lock, no pin check
    row = w.roster.assignments.filter(pinned=False).first()

    def pin() -> None:
        Assignment.objects.filter(pk=row.pk).update(pinned=True)

    job = _solve_and_meanwhile(monkeypatch, w, pin)
    assert job.status == JobStatus.FAILED and job.message == tasks.CONFLICT
    assert job.result["status"] == 409 and "trace" not in job.result


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_solves_of_one_roster_at_once_both_finish(staffing_world, monkeypatch):
    w = staffing_world
    real = tasks.engine.solve
    barrier = threading.Barrier(2)

    def solve(*args, **kwargs):
        solution = real(*args, **kwargs)
        barrier.wait(timeout=60)  # both have a solution before either stores it
        return solution

    monkeypatch.setattr(tasks.engine, "solve", solve)
    errors: list[BaseException] = []

    def planner() -> None:
        try:
            roster = type(w.roster).objects.get(pk=w.roster.pk)
            solve_roster(roster, w.users["k01_officer"])
        except BaseException as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    w.roster.refresh_from_db()
    assert w.roster.status == RosterStatus.SOLVED
    assert w.roster.assignments.count() == 6
    assert check_stored(w.roster, w.users["k01_officer"]) == ()
