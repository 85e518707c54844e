import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from canhve.core.locking import VersionConflict
from canhve.core.models import AuditEntry
from canhve.core.secrecy import Secrecy
from canhve.operations import routing, services
from canhve.operations.models import Movement, MovementRoute, PlanStatus, Stop, TaskStatus
from canhve.protectees.models import Measure, ProtecteeCategory
from canhve.protectees.services import amend_measure_set

from .conftest import HOTEL, START, VENUE, make_site


@pytest.mark.django_db
def test_it_generates_the_checklist_from_the_category_measures(ops_world):
    op = ops_world.op
    day = START.date()
    expected = {link.measure.code for link in op.protectee.category.measures_on(day)}
    assert {t.measure.code for t in op.tasks.all()} == expected
    survey = op.tasks.get(measure__code="survey")
    assert survey.due_at == START - dt.timedelta(hours=72)
    # a measure of a provincial-police kind goes to the participating provincial police
    assert op.tasks.get(measure__code="route_survey").agency.code == "CATH"
    assert op.tasks.get(measure__code="eod_check").agency.code == "BCCB"
    assert op.tasks.get(measure__code="close_protection").agency.code == "K01-BVTC"
    # the 2017 lead car ended on 1/1/2025: not for a 2030 operation
    assert not op.tasks.filter(measure__code="lead_car").exists()
    assert services.generate_tasks(operation=op, acting_user=ops_world.users["k01_officer"]) == []


@pytest.mark.django_db
def test_an_amended_measure_set_applies_from_its_date(ops_world):
    from canhve.accounts.models import Membership, Role

    admin = ops_world.users["k01_commander"]
    Membership.objects.create(user=admin, agency=ops_world.agencies["BCA"], role=Role.ADMINISTRATOR)
    admin.__dict__.pop("memberships_list", None)
    cat = ProtecteeCategory.objects.get(code="top-four")
    measure = Measure.objects.get(code="protocol_escort")
    amend_measure_set(
        acting_user=admin,
        category=cat,
        measure=measure,
        action="add",
        effective=dt.date(2030, 1, 1),
        legal_basis="Luật sửa đổi (thử)",
    )
    assert measure.pk in {link.measure_id for link in cat.measures_on(dt.date(2030, 6, 1))}
    assert measure.pk not in {link.measure_id for link in cat.measures_on(dt.date(2029, 6, 1))}
    with pytest.raises(PermissionDenied):
        amend_measure_set(
            acting_user=ops_world.users["k01_officer"],
            category=cat,
            measure=measure,
            action="end",
            effective=dt.date(2031, 1, 1),
            legal_basis="x",
        )


@pytest.mark.django_db
def test_approval_waits_for_mandatory_tasks_and_an_approved_plan(ops_world):
    op, officer, commander = ops_world.op, ops_world.users["k01_officer"], ops_world.users["k01_commander"]
    services.change_status(operation=op, target="planning", acting_user=officer)
    with pytest.raises(ValidationError) as exc:
        services.change_status(operation=op, target="approved", acting_user=commander)
    assert "status" in exc.value.message_dict
    for task in op.tasks.filter(gate="approved"):
        services.set_task_status(task=task, status=TaskStatus.DONE, acting_user=officer)
    services.change_plan_status(plan=ops_world.plan, target=PlanStatus.REVIEWED, acting_user=officer)
    services.change_plan_status(plan=ops_world.plan, target=PlanStatus.APPROVED, acting_user=commander)
    services.change_status(operation=op, target="approved", acting_user=commander)
    op.refresh_from_db()
    assert op.status == "approved"
    assert (
        AuditEntry.objects.filter(
            object_type="operations.Operation", object_id=str(op.pk), action="transition"
        ).count()
        == 2
    )


@pytest.mark.django_db
def test_a_planner_cannot_approve_and_a_partner_cannot_move_it(ops_world):
    op = ops_world.op
    with pytest.raises(PermissionDenied):
        services.change_status(operation=op, target="planning", acting_user=ops_world.users["th_liaison"])
    services.change_status(operation=op, target="planning", acting_user=ops_world.users["k01_officer"])
    with pytest.raises(ValidationError):
        services.change_status(
            operation=op, target="cancelled", acting_user=ops_world.users["k01_officer"], reason="x"
        )


@pytest.mark.django_db
def test_the_partner_agency_updates_its_own_task_only(ops_world):
    liaison = ops_world.users["th_liaison"]
    services.set_task_status(task=ops_world.cath_task, status=TaskStatus.IN_PROGRESS, acting_user=liaison)
    other = ops_world.op.tasks.exclude(agency__code="CATH").first()
    with pytest.raises(PermissionDenied):
        services.set_task_status(task=other, status=TaskStatus.DONE, acting_user=liaison)
    with pytest.raises(ValidationError):
        services.set_task_status(
            task=ops_world.cath_task, status=TaskStatus.NOT_APPLICABLE, acting_user=liaison
        )


@pytest.mark.django_db
def test_two_editors_never_silently_overwrite_each_other(ops_world):
    plan, officer = ops_world.plan, ops_world.users["k01_officer"]
    loaded = plan.version
    services.update_plan_version(
        plan=plan, acting_user=officer, expected_version=loaded, objectives="Người 1"
    )
    with pytest.raises(VersionConflict) as exc:
        services.update_plan_version(
            plan=plan,
            acting_user=ops_world.users["k01_commander"],
            expected_version=loaded,
            objectives="Người 2",
        )
    assert (exc.value.expected, exc.value.current) == (loaded, loaded + 1)
    assert exc.value.instance.objectives == "Người 1"
    plan.refresh_from_db()
    assert plan.objectives == "Người 1"


@pytest.mark.django_db
def test_an_amendment_copies_the_issued_plan_and_marks_it_amended(ops_world):
    plan, officer, commander = (
        ops_world.plan,
        ops_world.users["k01_officer"],
        ops_world.users["k01_commander"],
    )
    services.add_contingency(
        plan=plan,
        acting_user=officer,
        kind="medical",
        response="Đưa đi viện",
        agency=ops_world.agencies["K01-BVTC"],
    )
    for target, user in (("reviewed", officer), ("approved", commander), ("issued", commander)):
        services.change_plan_status(plan=plan, target=target, acting_user=user)
    v2 = services.create_plan_version(operation=ops_world.op, acting_user=officer)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AMENDED
    assert v2.number == 2 and v2.objectives == plan.objectives and v2.contingencies.count() == 1
    with pytest.raises(ValidationError):
        services.create_plan_version(operation=ops_world.op, acting_user=officer)


@pytest.mark.django_db
def test_routes_are_stored_and_replanned_around_a_closure(ops_world):
    """On the real Hà Nội graph: plan, close the primary route's main street, re-plan."""
    officer = ops_world.users["k01_officer"]
    op = ops_world.op
    op.closures.all().delete()
    a = Stop.objects.create(operation=op, order=5, site=make_site(ops_world, "A", HOTEL))
    b = Stop.objects.create(operation=op, order=6, site=make_site(ops_world, "B", VENUE))
    mv = Movement.objects.create(operation=op, origin=a, destination=b, depart_at=START)
    first = routing.plan_movement_routes(movement=mv, acting_user=officer)
    assert first[0].rank == 0 and first[0].meters > 0 and first[0].geometry["type"] == "LineString"
    assert len(first) >= 2, "at least one diverse alternate"
    assert first[0].worst_segment is not None and first[0].segments[first[0].worst_segment]["street"]
    assert any(s.get("hospital") for s in first[0].segments)
    street = max(
        set(first[0].streets),
        key=lambda s: sum(
            len(seg["geometry"]["coordinates"]) for seg in first[0].segments if seg["street"] == s
        ),
    )
    services.add_closure(operation=op, acting_user=officer, name="Cấm", streets=[street])
    second = routing.plan_movement_routes(movement=mv, acting_user=officer)
    assert street not in second[0].streets
    assert second[0].closures_applied == ["Cấm"]
    assert MovementRoute.objects.filter(movement=mv, current=False).count() == len(first)
    # approval stores the routes in force with the plan version
    for target, user in (("reviewed", officer), ("approved", ops_world.users["k01_commander"])):
        services.change_plan_status(plan=ops_world.plan, target=target, acting_user=user)
    assert set(ops_world.plan.routes.values_list("pk", flat=True)) >= {r.pk for r in second}
    content = ops_world.plan.as_document_content(officer)
    moves = [i for i in content["itinerary"] if i["type"] == "movement" and i["from"] == "A"]
    assert moves and moves[0]["routes"][0]["streets"] == second[0].streets


@pytest.mark.django_db
def test_a_frozen_plan_names_a_site_only_to_readers_who_may_see_it_now(ops_world):
    """The approved snapshot keeps the stop names of approval time; after the stop is gone and its site
    raised to Tối mật, a Mật reader of the plan (page, API, a KH drafted from it) gets the placeholder."""
    from django.urls import reverse

    from canhve.core.writedown import PLACEHOLDER
    from canhve.documents.apps import DocumentsConfig
    from canhve.documents.services import create_plan_document

    officer, commander = ops_world.users["k01_officer"], ops_world.users["k01_commander"]
    site = make_site(ops_world, "Biệt thự đóng băng", HOTEL)
    stop = Stop.objects.create(operation=ops_world.op, order=9, site=site)
    plan = ops_world.plan
    for target, user in (("reviewed", officer), ("approved", commander)):
        services.change_plan_status(plan=plan, target=target, acting_user=user)
    plan.refresh_from_db()
    assert "Biệt thự đóng băng" in str(plan.snapshot)
    stop.delete()
    site.secrecy = Secrecy.TOI_MAT
    site.save()  # nothing points to it any more: allowed
    page = ops_world.client("th_liaison").get(reverse("operations-plan", args=[plan.pk])).content.decode()
    assert "Biệt thự đóng băng" not in page and str(PLACEHOLDER) in page
    api = ops_world.client("th_liaison").get(f"/api/operations/plans/{plan.pk}/content").content.decode()
    assert "Biệt thự đóng băng" not in api
    own = ops_world.client("k01_officer").get(reverse("operations-plan", args=[plan.pk])).content.decode()
    assert "Biệt thự đóng băng" in own
    DocumentsConfig.load_reference(None)  # type: ignore[arg-type]
    doc = create_plan_document(acting_user=officer, plan=plan, operation=ops_world.op)
    assert "Biệt thự đóng băng" not in str(doc.content)  # the KH is read by the partners too
