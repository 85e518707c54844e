"""The nationwide map renders in headless Chromium: 34 provinces, no tiles, bounds that keep the islands."""

import json
import mimetypes
import os
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from canhve.core.testing import login
from canhve.geo import lookup, reference

CHROMIUM = "/usr/bin/chromium"
STATIC = Path(__file__).resolve().parents[2] / "static"


def _serve_static(route):
    # The test server runs with DEBUG off and no collectstatic: hand the browser the source static files.
    path = STATIC / route.request.url.split("/static/", 1)[1].split("?")[0]
    if path.is_file():
        kind = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(), content_type=kind)
    else:
        route.fulfill(status=404, body="")


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
def test_dashboard_map_shows_every_province_and_the_archipelagos(live_server, transactional_db, world):
    from playwright.sync_api import sync_playwright

    admin = settings.DATA_DIR / "admin"  # the 34 province polygons only: wards are not drawn
    units = json.loads((admin / "vn_units_2025_full.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(admin / "vietnamadminunits_dataset.db")
    db.row_factory = sqlite3.Row
    reference._load_provinces(admin, units, db)
    try:
        client = Client()
        login(client, world.user("k01_commander"))
        session = client.cookies["sessionid"].value
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            errors: list[str] = []
            page.route("**/static/**", _serve_static)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{live_server.url}/sites/basic-survey/")
            page.wait_for_selector("#vn-map[data-features]")
            assert page.get_attribute("#vn-map", "data-features") == "34"
            assert page.locator("#vn-map .leaflet-tile").count() == 0  # no tiles
            assert page.locator("#vn-map path.leaflet-interactive").count() == 34
            # the drawn bounds reach east of 117° and south of 8°: Hoàng Sa and Trường Sa are on the map
            south, west, north, east = (
                float(v) for v in page.get_attribute("#vn-map", "data-bounds").split(",")
            )
            assert east >= 117.8 and south <= 7.3 and north >= 23.3 and west <= 102.2
            assert not errors, errors
            browser.close()
    finally:
        lookup.reset()
