import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from canhve.core.secrecy import Secrecy
from canhve.geo import lookup
from canhve.geo.models import LegacyProvince, Province
from canhve.sites import services
from canhve.sites.models import BasicSurvey, Site, SiteKind


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    """A real, tiny image: evidence photos are decoded with Pillow before they are stored."""
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format=fmt)
    return out.getvalue()


PNG = image_bytes()
GOOD_GATES = {
    g: True
    for g in (
        "perimeter",
        "two_accesses",
        "motorcade_parking",
        "private_room",
        "sweepable",
        "operator",
        "fire_exits",
    )
}
GOOD_SCORES = {"comms": 5, "overlook": 5, "footfall": 5, "utilities": 5, "helipad": 5, "flood": 5}
# Inside the shipped Hà Nội road graph.
HN_POINT = (21.0335, 105.8405)
HN_CORRIDOR = (21.0100, 105.8300, 21.0450, 105.8500)


def square(lon0, lat0, lon1, lat1):
    return {
        "type": "Polygon",
        "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]],
    }


@pytest.fixture
def provinces(db):
    """Two 2025 provinces as plain squares, enough for locate() and the dashboard."""
    hn = square(105.3, 20.5, 106.1, 21.4)
    th = square(104.5, 19.3, 106.0, 20.4)
    made = {
        "01": Province.objects.create(
            code="01", name="Hà Nội", full_name="Thành phố Hà Nội", geometry=hn, geometry_simplified=hn
        ),
        "38": Province.objects.create(
            code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa", geometry=th, geometry_simplified=th
        ),
    }
    LegacyProvince.objects.create(code="28", name="Hà Tây", successor=made["01"])
    lookup.reset()
    yield made
    lookup.reset()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make_point(
    world,
    name,
    *,
    secrecy=Secrecy.MAT,
    shared=("CATH",),
    lat=HN_POINT[0],
    lon=HN_POINT[1],
    corridor=HN_CORRIDOR,
):
    officer = world.user("k01_officer")
    site = services.create_site(
        acting_user=officer,
        owner_agency=world.agencies["K01-TM"],
        secrecy=secrecy,
        name=name,
        kind=SiteKind.STOP_POINT,
        lat=lat,
        lon=lon,
    )
    site.shared_with_agencies.set([world.agencies[c] for c in shared])
    point = services.propose_safe_point(acting_user=officer, site=site, secrecy=secrecy, corridor=corridor)
    point.shared_with_agencies.set([world.agencies[c] for c in shared])
    return point


def survey(world, point, *, gates=None, scores=None, days_ago=10, today=None):
    today = today or dt.date.today()
    return services.record_survey(
        acting_user=world.user("k01_officer"),
        point=point,
        surveyed_on=today - dt.timedelta(days=days_ago),
        gates=GOOD_GATES if gates is None else gates,
        scores=GOOD_SCORES if scores is None else scores,
        today=today,
    )


@pytest.fixture
def sites_world(world, provinces, media):
    services.load_default_criteria()
    officer = world.user("k01_officer")
    k01tm = world.agencies["K01-TM"]
    world.site = services.create_site(
        acting_user=officer,
        owner_agency=k01tm,
        secrecy=Secrecy.MAT,
        name="Nhà khách giả định",
        kind=SiteKind.VENUE,
        lat=21.03,
        lon=105.85,
    )
    world.site.shared_with_agencies.add(world.agencies["CATH"])
    world.secret_site = services.create_site(
        acting_user=officer,
        owner_agency=k01tm,
        secrecy=Secrecy.TOI_MAT,
        name="Nơi trú ẩn giả định",
        kind=SiteKind.SAFE_HAVEN,
        lat=21.04,
        lon=105.84,
    )
    world.point = make_point(world, "Điểm A")
    world.survey = survey(world, world.point)
    world.point.refresh_from_db()
    world.evidence = services.add_evidence(
        acting_user=officer,
        survey=world.survey,
        upload=SimpleUploadedFile("anh.png", PNG, content_type="image/png"),
    )
    world.point2 = make_point(world, "Điểm B")
    world.cset = services.current_criteria()
    world.basic = services.create_basic_survey(
        acting_user=officer,
        owner_agency=k01tm,
        province=provinces["01"],
        effective_from=dt.date(2025, 7, 1),
        secrecy=Secrecy.MAT,
    )
    world.basic.shared_with_agencies.add(world.agencies["CATH"])
    assert Site.objects.count() >= 4 and BasicSurvey.objects.count() == 1
    return world


def passing_survey_form(notes: str) -> dict[str, str]:
    """The survey form filled so that every gate passes and every scored criterion gets 4."""
    data = {"surveyed_on": "2026-01-05", "notes": notes}
    for gate in (
        "perimeter",
        "two_accesses",
        "motorcade_parking",
        "private_room",
        "sweepable",
        "operator",
        "fire_exits",
    ):
        data[f"gate_{gate}"] = "yes"
    for code in ("comms", "overlook", "footfall", "utilities", "helipad", "flood"):
        data[f"score_{code}"] = "4"
    return data
