import pytest

from canhve.core.testing import check_matrix

from .persona_urls import CASES


@pytest.mark.django_db
def test_every_page_answers_each_persona_as_listed(ops_world):
    check_matrix(ops_world, CASES)


@pytest.mark.django_db
def test_the_list_hides_other_agency_operations(ops_world):
    body = ops_world.client("ct_outsider").get("/operations/").content.decode()
    assert "T-01" not in body
    assert "T-01" in ops_world.client("th_liaison").get("/operations/").content.decode()
    assert "T-02" not in ops_world.client("th_liaison").get("/operations/").content.decode()


@pytest.mark.django_db
def test_overdue_tasks_are_highlighted(ops_world):
    import datetime as dt

    from django.utils import timezone

    task = ops_world.op.tasks.first()
    task.due_at = timezone.now() - dt.timedelta(hours=1)
    task.save()
    body = ops_world.client("k01_officer").get(f"/operations/{ops_world.op.pk}/").content.decode()
    assert 'class="overdue"' in body


@pytest.mark.django_db
def test_a_stale_plan_edit_is_refused_with_a_clear_message(ops_world):
    plan = ops_world.plan
    url = f"/operations/plans/{plan.pk}/"
    client = ops_world.client("k01_officer")
    first = client.post(url, {"objectives": "A", "expected_version": plan.version})
    assert first.status_code == 302
    second = client.post(url, {"objectives": "B", "expected_version": plan.version})
    assert second.status_code == 409
    body = second.content.decode()
    assert "người khác sửa" in body and ">A</td>" in body and ">B</td>" in body  # stored beside submitted
    plan.refresh_from_db()
    assert plan.objectives == "A"


@pytest.mark.django_db
def test_a_planner_trying_an_invisible_operations_code_gets_the_answer_a_free_code_gets(ops_world):
    """The số hiệu is allocated by the server, so a planner of another agency cannot learn from a
    refusal that an operation they may not see already has the code they typed."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from canhve.accounts.models import Membership, Role, User
    from canhve.core.secrecy import Secrecy
    from canhve.core.testing import login
    from canhve.operations.models import Operation

    cact = ops_world.agencies["CACT"]
    planner = User.objects.create_user(
        username="ct_planner", password="x-test-pass-1234", clearance=Secrecy.MAT
    )
    Membership.objects.create(user=planner, agency=cact, role=Role.PLANNER)
    hidden = ops_world.secret_op
    assert not hidden.is_visible_to(planner)
    client = login(Client(), planner)

    def create(code):
        data = {
            "owner_agency": cact.pk,
            "code": code,  # an old form field: ignored
            "name": "Nhiệm vụ Cần Thơ",
            "kind": "event",
            "starts_at": "2030-05-10T08:00",
            "ends_at": "2030-05-10T12:00",
            "secrecy": Secrecy.MAT,
        }
        return client.post(reverse("operations-create"), data)

    taken, free = create(hidden.code), create("CT-TU-DO-01")
    assert taken.status_code == free.status_code == 302
    assert "Số hiệu" not in taken.content.decode() + free.content.decode()
    year = timezone.localdate().year
    codes = list(Operation.objects.filter(owner_agency=cact).order_by("pk").values_list("code", flat=True))
    assert codes == [f"CACT-{year}-001", f"CACT-{year}-002"]
    assert "code" not in client.get(reverse("operations-create")).context["form"].fields
