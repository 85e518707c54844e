"""The map page in headless Chromium: the route layers are drawn from the app's own data, offline."""

import os
import shutil

import pytest

from canhve.core.testing_browser import needs_chromium, signed_in_page
from canhve.operations import routing

from .conftest import HOTEL, VENUE, make_site

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.mark.django_db(transaction=True)
def test_the_map_draws_roads_routes_and_attribution(ops_world, live_server, tmp_path):
    from canhve.operations.models import Movement, Stop

    op, officer = ops_world.op, ops_world.users["k01_officer"]
    a = Stop.objects.create(operation=op, order=7, site=make_site(ops_world, "Điểm A", HOTEL))
    b = Stop.objects.create(operation=op, order=8, site=make_site(ops_world, "Điểm B", VENUE))
    mv = Movement.objects.create(operation=op, origin=a, destination=b, depart_at=op.starts_at)
    routing.plan_movement_routes(movement=mv, acting_user=officer)
    ops_world.movement.routes.all().delete()  # the fixture's hand-made route is not part of this picture

    shot = tmp_path / "map.png"
    with signed_in_page(live_server, ops_world.client("k01_officer")) as (page, watch):
        outside, errors = [], watch.console
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
        page.goto(f"{live_server.url}/operations/{op.pk}/map/")
        try:
            page.wait_for_selector("#opmap[data-ready='1']", state="attached", timeout=30000)
        except Exception as exc:
            raise AssertionError(f"map not drawn: {errors} {page.content()[:3000]}") from exc
        primary = page.locator("path.op-route-primary").count()
        alternates = page.locator("path.op-route-alt").count()
        roads = page.locator("path.op-road").count()
        attribution = page.locator(".leaflet-control-attribution").inner_text()
        page.locator("#opmap").screenshot(path=str(shot))
    assert primary >= 1 and alternates >= 1 and roads > 100
    assert "© OpenStreetMap contributors" in attribution
    assert outside == [], "the map must not touch the network"
    keep = os.environ.get("CANHVE_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, os.path.join(keep, "operations-map.png"))

    # pixels: the primary route's red (#c0392b) and the alternates' blue (#2471a3) are on the picture
    import zlib

    import numpy as np

    png = shot.read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    depth_type = png[24:26]
    assert depth_type in (b"\x08\x02", b"\x08\x06")
    channels = 3 if depth_type == b"\x08\x02" else 4
    data, pos = b"", 8
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(data), dtype=np.uint8).reshape(height, 1 + width * channels)
    pixels = _unfilter(raw, width, channels).reshape(height, width, channels)[:, :, :3].astype(int)

    def near(rgb: tuple[int, int, int]) -> int:
        return int((np.abs(pixels - np.array(rgb)).sum(axis=2) < 40).sum())

    assert near((0xC0, 0x39, 0x2B)) > 200, "primary route colour not drawn"
    assert near((0x24, 0x71, 0xA3)) > 50, "alternate route colour not drawn"


def _unfilter(raw, width, channels):
    import numpy as np

    stride = width * channels
    out = np.zeros((raw.shape[0], stride), dtype=np.int32)
    for y in range(raw.shape[0]):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        prev = out[y - 1] if y else np.zeros(stride, dtype=np.int32)
        if f == 0:
            out[y] = line
        elif f == 2:
            out[y] = (line + prev) % 256
        else:
            row = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                left = row[x - channels] if x >= channels else 0
                up = prev[x]
                ul = prev[x - channels] if x >= channels else 0
                if f == 1:
                    pred = left
                elif f == 3:
                    pred = (left + up) // 2
                else:
                    p = left + up - ul
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else ul)
                row[x] = (line[x] + pred) % 256
            out[y] = row
    return out.astype(np.uint8)


HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.mark.django_db(transaction=True)
def test_a_hostile_stop_name_shows_as_text_and_runs_nothing(ops_world, live_server):
    from canhve.operations.models import Stop

    op = ops_world.op
    Stop.objects.create(
        operation=op, order=0, site=make_site(ops_world, HOSTILE, (HOTEL[0] + 0.003, HOTEL[1]))
    )
    client = ops_world.client("k01_officer")
    data = client.get(f"/operations/{op.pk}/map/data.json")
    assert data["Content-Type"] == "application/json"
    assert HOSTILE in [f["properties"]["name"].split(". ", 1)[1] for f in data.json()["sites"]["features"]]
    with signed_in_page(live_server, client) as (page, _):
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{live_server.url}/operations/{op.pk}/map/")
        page.wait_for_selector("#opmap[data-ready='1']", state="attached", timeout=30000)
        tooltips = page.locator(".leaflet-tooltip").all_inner_texts()
        injected = page.locator(".leaflet-tooltip img").count()
    assert dialogs == []
    assert injected == 0
    assert any(HOSTILE in t for t in tooltips), tooltips
