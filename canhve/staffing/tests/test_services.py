from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canhve.core.context import acting_as
from canhve.core.jobs import run_pending
from canhve.core.models import Job, JobStatus
from canhve.core.secrecy import Secrecy
from canhve.engines import rostering as engine
from canhve.staffing import services
from canhve.staffing.models import Absence, MobilisationStatus, Personnel, RosterStatus
from canhve.staffing.tasks import build_problem, check_stored, solve_roster, stored_assignments

from .conftest import START, make_person


def _solve_in_background(w, roster):
    job = services.request_solve(acting_user=w.users["k01_officer"], roster=roster)
    assert run_pending() >= 1
    job.refresh_from_db()
    roster.refresh_from_db()
    return job


def test_a_background_solve_stores_a_roster_that_holds_every_hard_rule(staffing_world):
    w = staffing_world
    job = _solve_in_background(w, w.roster)
    assert job.status == JobStatus.DONE and job.progress == 100
    assert w.roster.status == RosterStatus.SOLVED
    assert w.roster.assignments.count() == 6  # one guard on each of 2 days × 3 shifts
    assert w.roster.result["complete"] is True
    assert check_stored(w.roster, w.users["k01_officer"]) == ()


def test_pinned_assignments_are_kept_when_the_roster_is_solved_again(staffing_world):
    w = staffing_world
    officer = w.users["k01_officer"]
    pinned = [
        services.set_pin(acting_user=officer, assignment=a, pinned=True)
        for a in w.roster.assignments.all()[:2]
    ]
    kept = {(a.personnel_id, a.post_id, a.shift_id) for a in pinned}
    for _ in range(2):
        _solve_in_background(w, w.roster)
        now = set(w.roster.assignments.filter(pinned=True).values_list("personnel_id", "post_id", "shift_id"))
        assert kept == now
        assert engine.check_roster(build_problem(w.roster, officer), stored_assignments(w.roster)) == ()


def test_a_manual_assignment_that_breaks_the_rest_rule_is_refused(staffing_world):
    w = staffing_world
    officer = w.users["k01_officer"]
    first, second = list(w.roster.shifts.order_by("start")[:2])  # 06–14 then 14–22: no 10 h rest
    w.roster.assignments.all().delete()
    services.assign_manually(
        acting_user=officer, roster=w.roster, shift=first, post=w.post, personnel=w.person
    )
    w.post.head_count = 2
    w.post.save()
    with pytest.raises(ValidationError) as err:
        services.assign_manually(
            acting_user=officer, roster=w.roster, shift=second, post=w.post, personnel=w.person
        )
    assert "10 giờ" in str(err.value)


def test_unfillable_places_are_explained(staffing_world):
    w = staffing_world
    officer = w.users["k01_officer"]
    with acting_as(officer):
        eod_post = services.create_post(
            acting_user=officer, owner_agency=w.agencies["K01-TM"], name="Rà phá", required_skills=[w.eod]
        )
        roster = services.create_roster(
            acting_user=officer,
            owner_agency=w.agencies["K01-TM"],
            name="EOD",
            start_date=START,
            days=1,
            pattern="3x8",
            posts=[eod_post],
            time_limit=2,
        )
        solve_roster(roster, officer)
    assert roster.result["complete"] is False
    assert len(roster.result["unfilled"]) == 3
    assert all("missing_skill" in {r["code"] for r in u["reasons"]} for u in roster.result["unfilled"])


def test_leave_and_expired_qualifications_keep_people_off_the_roster(staffing_world):
    w = staffing_world
    tz = timezone.get_current_timezone()
    on_leave = w.people[1]
    Absence.objects.create(
        personnel=on_leave,
        start=datetime.combine(START, datetime.min.time(), tzinfo=tz),
        end=datetime.combine(START + timedelta(days=3), datetime.min.time(), tzinfo=tz),
    )
    expired = w.people[2]
    expired.qualifications.update(expires_on=START - timedelta(days=1))
    _solve_in_background(w, w.roster)
    used = set(w.roster.assignments.values_list("personnel_id", flat=True))
    assert on_leave.pk not in used and expired.pk not in used


def test_the_mobilisation_flow_shares_the_named_people_with_the_requester(staffing_world):
    w = staffing_world
    liaison, officer = w.users["th_liaison"], w.users["k01_officer"]
    assert not Personnel.objects.visible_to(officer).filter(pk=w.cath_people[0].pk).exists()
    with pytest.raises(PermissionDenied):
        services.respond_to_mobilisation(acting_user=officer, request=w.request, personnel=[w.person])
    with pytest.raises(ValidationError):  # not one of the partner's people
        services.respond_to_mobilisation(acting_user=liaison, request=w.request, personnel=[w.person])
    services.respond_to_mobilisation(acting_user=liaison, request=w.request, personnel=[w.cath_people[0]])
    assert w.request.status == MobilisationStatus.PARTIAL
    assert Personnel.objects.visible_to(officer).filter(pk=w.cath_people[0].pk).exists()
    services.respond_to_mobilisation(acting_user=liaison, request=w.request, personnel=[w.cath_people[1]])
    assert w.request.status == MobilisationStatus.ACCEPTED
    with pytest.raises(ValidationError):
        services.respond_to_mobilisation(acting_user=liaison, request=w.request, personnel=[w.cath_people[2]])

    body = w.client("k01_officer").get(f"/staffing/operations/{w.operation.pk}/").content.decode()
    assert "Canh gác" in body


def test_a_decline_needs_a_reason_and_leaves_the_need_open(staffing_world):
    w = staffing_world
    liaison = w.users["th_liaison"]
    with pytest.raises(ValidationError):
        services.respond_to_mobilisation(acting_user=liaison, request=w.request, decline=True)
    services.respond_to_mobilisation(
        acting_user=liaison, request=w.request, decline=True, note="Đang có nhiệm vụ"
    )
    assert w.request.status == MobilisationStatus.DECLINED
    from canhve.staffing.selectors import operation_staffing

    picture = operation_staffing(w.operation, w.users["k01_officer"])
    # The declined 2 stay missing; the other request has no operation and does not count here.
    assert picture["missing_total"] == 2


def test_nobody_creates_above_their_clearance_or_outside_their_agency(staffing_world):
    w = staffing_world
    with pytest.raises(ValidationError):
        services.create_personnel(
            acting_user=w.users["k01_officer"],
            owner_agency=w.agencies["K01-TM"],
            full_name="X",
            service_number="X-1",
            secrecy=Secrecy.TUYET_MAT,
        )
    with pytest.raises(PermissionDenied):
        services.create_personnel(
            acting_user=w.users["th_liaison"],
            owner_agency=w.agencies["K01-TM"],
            full_name="X",
            service_number="X-2",
        )


def test_sign_in_then_sign_out_in_order(staffing_world):
    w = staffing_world
    officer = w.users["k01_officer"]
    with pytest.raises(ValidationError):
        services.sign_out(acting_user=officer, assignment=w.assignment)
    services.sign_in(acting_user=officer, assignment=w.assignment)
    services.sign_out(acting_user=officer, assignment=w.assignment)
    assert w.assignment.signed_out_at >= w.assignment.signed_in_at
    with pytest.raises(ValidationError):
        services.sign_in(acting_user=officer, assignment=w.assignment)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.integers(min_value=1, max_value=6),
    head_count=st.integers(min_value=1, max_value=3),
    days=st.integers(min_value=1, max_value=3),
    leave_day=st.integers(min_value=0, max_value=2),
)
def test_every_stored_roster_holds_the_hard_rules(staffing_world, people, head_count, days, leave_day):
    """Random small instances through the whole app path: rows → engine → rows → the engine's validator."""
    w = staffing_world
    officer = w.users["k01_officer"]
    tz = timezone.get_current_timezone()
    with acting_as(officer):
        pool = [
            make_person(
                w.agencies["K01-TM"],
                f"H-{people}-{head_count}-{days}-{leave_day}-{i}-{Job.objects.count()}",
                skills=[w.eod],
                clearance=i % 3,
            )
            for i in range(people)
        ]
        day = START + timedelta(days=leave_day)
        Absence.objects.create(
            personnel=pool[0],
            start=datetime.combine(day, datetime.min.time(), tzinfo=tz),
            end=datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz),
        )
        post = services.create_post(
            acting_user=officer,
            owner_agency=w.agencies["K01-TM"],
            name="P",
            required_skills=[w.eod],
            min_clearance=1,
            head_count=head_count,
        )
        roster = services.create_roster(
            acting_user=officer,
            owner_agency=w.agencies["K01-TM"],
            name="R",
            start_date=START,
            days=days,
            pattern="3x8",
            posts=[post],
            time_limit=1,
        )
        solve_roster(roster, officer)
    assert check_stored(roster, officer) == ()
    used = Personnel.objects.filter(assignments__roster=roster).distinct()
    assert all(p.clearance >= 1 for p in used)
    expected_places = 3 * days * head_count
    filled = roster.assignments.count()
    assert filled + sum(u["missing"] for u in roster.result["unfilled"]) == expected_places
    for p in pool:
        p.assignments.all().delete()
        p.delete()
