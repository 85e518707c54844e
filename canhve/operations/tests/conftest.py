import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from canhve.core.secrecy import Secrecy
from canhve.core.testing import World
from canhve.operations import services
from canhve.operations.models import Movement, MovementRoute, Stop, StopKind
from canhve.protectees.models import Protectee
from canhve.protectees.reference import load_guard_law
from canhve.sites.models import Site, SiteKind

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2030, 5, 10, 8, 0, tzinfo=TZ)

HOTEL = (21.0300, 105.8500)
VENUE = (21.0372, 105.8345)


def make_site(w: World, name: str, latlon: tuple[float, float], kind: str = SiteKind.VENUE) -> Site:
    site = Site.objects.create(
        name=name, kind=kind, lat=latlon[0], lon=latlon[1], secrecy=0, owner_agency=w.agencies["K01-TM"]
    )
    op = getattr(w, "op", None)
    if op is not None:  # a stop's site is shared with whoever shares the operation (ADR 0107)
        site.shared_with_agencies.set(op.shared_with_agencies.all())
    return site


@pytest.fixture
def ops_world(world: World) -> World:
    load_guard_law()
    officer = world.users["k01_officer"]
    a = world.agencies
    world.op = services.create_operation(
        acting_user=officer,
        owner_agency=a["K01-TM"],
        code="T-01",
        name="Thăm Thanh Hóa (thử)",
        kind="visit",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=9),
        secrecy=Secrecy.MAT,
        protectee=Protectee.objects.get(title="Chủ tịch nước"),
        participating_agencies=[a["CATH"], a["BCCB"]],
    )
    world.secret_op = services.create_operation(
        acting_user=officer,
        owner_agency=a["K01-TM"],
        code="T-02",
        name="Tối mật (thử)",
        kind="delegation",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        secrecy=Secrecy.TOI_MAT,
        participating_agencies=[a["CATH"]],
    )
    world.cath_task = world.op.tasks.filter(agency=a["CATH"]).first()
    hotel = Stop.objects.create(
        operation=world.op, order=1, site=make_site(world, "KS thử", HOTEL), kind=StopKind.LODGING
    )
    venue = Stop.objects.create(operation=world.op, order=2, site=make_site(world, "Hội trường thử", VENUE))
    world.movement = Movement.objects.create(
        operation=world.op, origin=hotel, destination=venue, depart_at=START
    )
    world.route = MovementRoute.objects.create(
        movement=world.movement,
        rank=1,
        chosen=False,
        depart_at=START,
        seconds=300,
        meters=2000,
        geometry={"type": "LineString", "coordinates": [[105.85, 21.03], [105.8345, 21.0372]]},
    )
    world.closure = services.add_closure(
        operation=world.op,
        acting_user=officer,
        name="Khu A",
        ring=[[21.03, 105.84], [21.03, 105.845], [21.035, 105.845]],
    )
    world.plan = services.create_plan_version(operation=world.op, acting_user=officer, objectives="Mục tiêu")
    return world
