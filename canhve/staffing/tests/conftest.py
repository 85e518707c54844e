from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from canhve.core.context import acting_as
from canhve.core.secrecy import Secrecy
from canhve.staffing import services
from canhve.staffing.models import Personnel, Qualification, Skill
from canhve.staffing.tasks import solve_roster

START = date(2026, 12, 7)  # a Monday


def make_person(agency, number, *, skills=(), clearance=Secrecy.TOI_MAT, secrecy=Secrecy.MAT, **extra):
    person = Personnel.objects.create(
        owner_agency=agency,
        full_name=f"Cán bộ {number}",
        service_number=number,
        clearance=clearance,
        secrecy=secrecy,
        **extra,
    )
    for skill in skills:
        Qualification.objects.create(personnel=person, skill=skill)
    return person


@pytest.fixture
def staffing_world(world):
    """K01-TM owns a Mật roster of one guard post (shared with CATH), K01-TM personnel, CATH personnel, and
    mobilisation requests to CATH. The roster is solved once."""
    w = world
    officer = w.users["k01_officer"]
    w.guard, _ = Skill.objects.get_or_create(code="guard", defaults={"name": "Canh gác"})
    w.eod, _ = Skill.objects.get_or_create(code="eod", defaults={"name": "EOD"})
    tm, cath = w.agencies["K01-TM"], w.agencies["CATH"]
    w.people = [make_person(tm, f"TM-{i}", skills=[w.guard]) for i in range(6)]
    w.person = w.people[0]
    w.cath_people = [make_person(cath, f"TH-{i}", skills=[w.guard], clearance=Secrecy.MAT) for i in range(3)]

    from canhve.operations.models import Operation

    tz = timezone.get_current_timezone()
    w.operation = Operation.objects.create(
        owner_agency=tm,
        code="NV-TEST-1",
        name="Nhiệm vụ thử",
        kind="event",
        secrecy=Secrecy.MAT,
        starts_at=datetime(2026, 12, 7, 6, tzinfo=tz),
        ends_at=datetime(2026, 12, 9, 6, tzinfo=tz),
    )
    w.operation.shared_with_agencies.add(cath)
    with acting_as(officer):
        w.post = services.create_post(
            acting_user=officer,
            owner_agency=tm,
            name="Cổng chính",
            required_skills=[w.guard],
            head_count=1,
            operation=w.operation,
        )
        w.post.shared_with_agencies.add(cath)
        w.secret_post = services.create_post(
            acting_user=officer, owner_agency=tm, name="Phòng chờ", secrecy=Secrecy.TOI_MAT, head_count=1
        )
        w.roster = services.create_roster(
            acting_user=officer,
            owner_agency=tm,
            name="Lịch thử",
            start_date=START,
            days=2,
            pattern="3x8",
            posts=[w.post],
            operation=w.operation,
            time_limit=1,
        )
        w.roster.shared_with_agencies.add(cath)
        solve_roster(w.roster, officer)
        w.assignment = w.roster.assignments.order_by("pk").first()
        w.doomed = w.roster.assignments.order_by("-pk").first()
        w.request = services.request_mobilisation(
            acting_user=officer,
            owner_agency=tm,
            partner_agency=cath,
            title="Đề nghị cử 2 cán bộ canh gác",
            head_count=2,
            skill=w.guard,
            start_date=START,
            end_date=START + timedelta(days=1),
            operation=w.operation,
        )
        w.cancellable = services.request_mobilisation(
            acting_user=officer,
            owner_agency=tm,
            partner_agency=cath,
            title="Đề nghị để hủy",
            head_count=1,
            start_date=START,
            end_date=START,
        )
    return w
