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
