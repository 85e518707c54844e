import datetime as dt

import pytest

from canhve.accounts.models import Membership, Role
from canhve.core.testing import check_matrix
from canhve.protectees.models import ProtecteeCategory
from canhve.protectees.reference import load_guard_law

from .persona_urls import CASES


@pytest.fixture
def law(world):
    load_guard_law()
    return world


@pytest.mark.django_db
def test_every_page_answers_each_persona_as_listed(law):
    check_matrix(law, CASES)


@pytest.mark.django_db
def test_loading_the_law_twice_adds_nothing(law):
    assert load_guard_law() == {"measures": 0, "categories": 0, "links": 0, "protectees": 0}


@pytest.mark.django_db
def test_the_measure_set_depends_on_the_date(law):
    cat = ProtecteeCategory.objects.get(code="top-four")
    before = {link.measure.code for link in cat.measures_on(dt.date(2024, 6, 1))}
    after = {link.measure.code for link in cat.measures_on(dt.date(2025, 6, 1))}
    assert "lead_car" in before and "lead_car" not in after
    assert "close_protection" in before and "close_protection" in after


@pytest.mark.django_db
def test_an_administrator_amends_a_set_through_the_page(law):
    user = law.users["k01_commander"]
    Membership.objects.create(user=user, agency=law.agencies["BCA"], role=Role.ADMINISTRATOR)
    client = law.client("k01_commander")
    from canhve.protectees.models import Measure

    measure = Measure.objects.get(code="protocol_escort")
    response = client.post(
        "/protectees/categories/top-four/",
        {
            "measure": measure.pk,
            "action": "add",
            "effective": "2026-07-01",
            "legal_basis": "Luật 118/2025/QH15 (thử)",
        },
    )
    assert response.status_code == 302
    cat = ProtecteeCategory.objects.get(code="top-four")
    assert measure.pk in {link.measure_id for link in cat.measures_on(dt.date(2026, 7, 1))}


@pytest.mark.django_db
def test_the_api_lists_a_category_set_on_a_date(law):
    client = law.client("th_liaison")
    body = client.get("/api/protectees/categories/top-four?on=2024-06-01").json()
    assert "lead_car" in [m["code"] for m in body["measures"]]
    assert client.get("/api/protectees/categories").json()["count"] == ProtecteeCategory.objects.count()
    assert law.client("anonymous").get("/api/protectees/protectees").status_code == 401
