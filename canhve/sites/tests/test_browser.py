"""The nationwide map renders in headless Chromium: 34 provinces, no tiles, bounds that keep the islands."""

import json
import sqlite3

import pytest
from django.conf import settings
from django.test import Client

from canhve.core.testing import login
from canhve.core.testing_browser import needs_chromium, signed_in_page
from canhve.geo import lookup, reference


def load_province_polygons() -> None:
    """The 34 province polygons only (wards are not drawn); call `lookup.reset()` when done."""
    admin = settings.DATA_DIR / "admin"
    units = json.loads((admin / "vn_units_2025_full.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(admin / "vietnamadminunits_dataset.db")
    db.row_factory = sqlite3.Row
    reference._load_provinces(admin, units, db)


@pytest.mark.browser
@needs_chromium
def test_dashboard_map_shows_every_province_and_the_archipelagos(live_server, transactional_db, world):
    load_province_polygons()
    try:
        client = login(Client(), world.user("k01_commander"))
        with signed_in_page(live_server, client, width=1400, height=1000) as (page, watch):
            page.goto(f"{live_server.url}/sites/basic-survey/")
            page.wait_for_selector("#vn-map[data-features]", state="attached")
            assert page.get_attribute("#vn-map", "data-features") == "34"
            assert page.locator("#vn-map .leaflet-tile").count() == 0  # no tiles
            assert page.locator("#vn-map path.leaflet-interactive").count() == 34
            # the drawn bounds reach east of 117° and south of 8°: Hoàng Sa and Trường Sa are on the map
            south, west, north, east = (
                float(v) for v in page.get_attribute("#vn-map", "data-bounds").split(",")
            )
            assert east >= 117.8 and south <= 7.3 and north >= 23.3 and west <= 102.2
            errors = [e for e in watch.console if e.startswith("pageerror")]
            assert not errors, errors
    finally:
        lookup.reset()
