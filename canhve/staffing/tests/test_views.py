from canhve.core.testing import check_matrix

from .persona_urls import CASES


def test_each_persona_gets_exactly_what_it_may_see(staffing_world):
    check_matrix(staffing_world, CASES)


def test_the_roster_page_shows_the_grid_and_the_progress_poll(staffing_world):
    from canhve.staffing.services import request_solve

    w = staffing_world
    request_solve(acting_user=w.users["k01_officer"], roster=w.roster)
    body = w.client("k01_officer").get(f"/staffing/rosters/{w.roster.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "Cổng chính" in body
    assert w.assignment.personnel.full_name in body


def test_the_partner_sees_the_shared_roster_but_not_the_names_of_k01_people(staffing_world):
    w = staffing_world
    body = w.client("th_liaison").get(f"/staffing/rosters/{w.roster.pk}/").content.decode()
    assert "(cán bộ đơn vị khác)" in body
    assert w.assignment.personnel.full_name not in body
