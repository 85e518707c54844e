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


def test_the_progress_fragment_polls_while_the_job_runs_and_reloads_the_page_when_it_ends(staffing_world):
    from canhve.core.jobs import run_pending
    from canhve.staffing.services import request_solve

    w = staffing_world
    request_solve(acting_user=w.users["k01_officer"], roster=w.roster)
    url = f"/staffing/rosters/{w.roster.pk}/progress/"
    waiting = w.client("k01_officer").get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in waiting.content.decode() and "HX-Refresh" not in waiting
    run_pending()
    done = w.client("k01_officer").get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and "every 1s" not in done.content.decode()
