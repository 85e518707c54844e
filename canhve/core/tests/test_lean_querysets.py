"""ADR 0108: pages that show a province's name never load its polygons (the sites list spent 471 ms of
498 ms decoding the province filter's 34 boundaries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from canhve.core.secrecy import Secrecy
from canhve.geo.models import Province
from canhve.sites.models import SafePoint, Site

POLYGON = {"type": "Polygon", "coordinates": [[[105.0, 21.0], [106.0, 21.0], [106.0, 22.0], [105.0, 21.0]]]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["sites-list", "sites-safepoint-list", "operations-create", "agency-list"]
)
def test_pages_showing_provinces_do_not_load_their_polygons(world, url_name):
    province, _ = Province.objects.update_or_create(
        code="99",
        defaults={
            "name": "Thử",
            "full_name": "Tỉnh Thử",
            "geometry": POLYGON,
            "geometry_simplified": POLYGON,
        },
    )
    k01 = world.agencies["K01-TM"]
    site = Site.objects.create(
        name="Địa điểm",
        kind="venue",
        lat=21.03,
        lon=105.85,
        secrecy=Secrecy.MAT,
        owner_agency=k01,
        province=province,
    )
    SafePoint.objects.create(site=site, owner_agency=k01, secrecy=Secrecy.MAT)
    client = world.client("k01_officer")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    loaded = [q["sql"] for q in ctx.captured_queries if '"geometry' in q["sql"]]
    assert not loaded, loaded
