"""On a phone a wide register scrolls inside its table; the page itself never gets wider than the screen
(the received documents' seven columns had pushed the whole page to 592 px on a 390 px phone)."""

import pytest

from canhve.core.testing_browser import needs_chromium, signed_in_page

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]

PHONE = 390
PAGES = ["/documents/incoming/", "/documents/", "/operations/", "/sites/", "/staffing/personnel/"]


def test_list_pages_fit_a_phone_and_their_tables_scroll(live_server, docs_world):
    client = docs_world.client("k01_officer")
    with signed_in_page(live_server, client, width=PHONE, height=800) as (page, watch):
        widths = {}
        for url in PAGES:
            page.goto(f"{live_server.url}{url}")
            widths[url] = page.evaluate("document.documentElement.scrollWidth")
        table = page.evaluate("getComputedStyle(document.querySelector('table.table')).overflowX")
    assert widths == dict.fromkeys(PAGES, PHONE), widths
    assert table == "auto"
    assert not watch.console, watch.console
