"""The operation page fetches its "add a stop" form when the planner opens it (ADR 0108): the form lists
every site the planner may see, thousands on a real registry, which cost more than the rest of the page."""

import pytest
from django.urls import reverse

from canhve.core.testing_browser import needs_chromium, signed_in_page


@pytest.mark.django_db
def test_the_operation_page_loads_the_stop_form_on_demand(ops_world):
    w = ops_world
    url = reverse("operations-stop-add", kwargs={"pk": w.op.pk})
    page = w.client("k01_officer").get(reverse("operations-detail", kwargs={"pk": w.op.pk})).content.decode()
    assert f'hx-get="{url}"' in page
    assert 'name="site"' not in page

    fragment = w.client("k01_officer").get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'name="site"' in html and "KS thử" in html and "csrfmiddlewaretoken" in html


@pytest.mark.django_db
def test_only_an_editor_gets_the_stop_form(ops_world):
    url = reverse("operations-stop-add", kwargs={"pk": ops_world.op.pk})
    assert ops_world.client("th_liaison").get(url).status_code == 403  # sees the operation, may not edit
    assert ops_world.client("ct_outsider").get(url).status_code == 404
    assert ops_world.client("anonymous").get(url).status_code == 302
    page = ops_world.client("th_liaison").get(reverse("operations-detail", kwargs={"pk": ops_world.op.pk}))
    assert url not in page.content.decode()


@pytest.mark.browser
@needs_chromium
@pytest.mark.django_db(transaction=True)
def test_opening_add_a_stop_fetches_the_form_in_the_browser(ops_world, live_server):
    with signed_in_page(live_server, ops_world.client("k01_officer")) as (page, watch):
        page.goto(f"{live_server.url}/operations/{ops_world.op.pk}/")
        assert page.locator("select[name=site]").count() == 0
        page.locator("details[hx-get] > summary").click()
        page.wait_for_selector("details[hx-get] select[name=site]", timeout=10000)
        assert "KS thử" in page.locator("details[hx-get] select[name=site]").inner_text()
        assert watch.console == [], watch.console
