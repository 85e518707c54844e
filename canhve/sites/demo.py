"""Demo data of the sites app: fictional stop/rest points and basic surveys, plus the real public OSM
hospitals, police and fire stations of the shipped POI data. Idempotent (looked up by natural keys)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from canhve.core.secrecy import Secrecy
from canhve.geo.models import LegacyProvince, Province

from . import services
from .models import BasicSurvey, SafePoint, SafePointStatus, Site, SiteKind

GOOD_GATES = {
    "perimeter": True,
    "two_accesses": True,
    "motorcade_parking": True,
    "private_room": True,
    "sweepable": True,
    "operator": True,
    "fire_exits": True,
}
GOOD_SCORES = {"comms": 5, "overlook": 4, "footfall": 4, "utilities": 5, "helipad": 3, "flood": 5}
WEAK_SCORES = {"comms": 2, "overlook": 1, "footfall": 1, "utilities": 2, "helipad": 0, "flood": 2}
# Corridor through central Hà Nội (inside the shipped road graph): south-west → north-east.
HN_CORRIDOR = (21.0100, 105.8300, 21.0450, 105.8500)

# name, lat, lon, owner, kind, plan: (months ago surveyed, scores, approve?) or None
POINTS: list[tuple[str, float, float, str, str, Any]] = [
    (
        "Điểm dừng nghỉ A1 – nhà khách giả định Ba Đình",
        21.0335,
        105.8405,
        "K01-TM",
        SiteKind.STOP_POINT,
        (1, GOOD_SCORES, True),
    ),
    (
        "Điểm dừng nghỉ A2 – trụ sở giả định Hoàn Kiếm",
        21.0245,
        105.8530,
        "K01-TM",
        SiteKind.STOP_POINT,
        (11.5, GOOD_SCORES, True),
    ),
    (
        "Điểm dừng nghỉ A3 – hội trường giả định Đống Đa",
        21.0150,
        105.8300,
        "K01-TM",
        SiteKind.STOP_POINT,
        (2, WEAK_SCORES, False),
    ),
    ("Điểm dừng nghỉ A4 – khách sạn giả định Tây Hồ", 21.0500, 105.8380, "K01-TM", SiteKind.STOP_POINT, None),
    (
        "Trạm dừng nghỉ giả định Quốc lộ 1A – Thanh Hóa",
        19.7600,
        105.8000,
        "CATH",
        SiteKind.ROADSIDE_STATION,
        (3, GOOD_SCORES, False),
    ),
]
VENUES = [
    ("Trung tâm hội nghị (giả định)", 21.0280, 105.8470, "K01-TM", SiteKind.VENUE, Secrecy.MAT),
    ("Sân bay quốc tế Nội Bài", 21.2187, 105.8042, "K01-TM", SiteKind.AIRPORT, Secrecy.NONE),
    ("Ga Hà Nội", 21.0245, 105.8412, "K01-TM", SiteKind.STATION, Secrecy.NONE),
    ("Nơi trú ẩn an toàn giả định H1", 21.0400, 105.8450, "K01-TM", SiteKind.SAFE_HAVEN, Secrecy.TOI_MAT),
    ("Cảng hàng không Thọ Xuân", 19.9016, 105.4676, "CATH", SiteKind.AIRPORT, Secrecy.NONE),
]


def seed(ctx: Any) -> None:
    services.load_default_criteria()
    today = timezone.localdate()
    users = ctx.users
    planner_of = {
        "K01-TM": users["k01.kehoach"],
        "CATH": users["th.lienlac"],
        "CACT": users["ct.canbo"],
        "CAHN": users["hn.kehoach"],
    }

    # OSM POIs: each agency imports its own province's public facilities (duplicates are skipped on re-runs).
    for code, province in (("K01-TM", "01"), ("CATH", "38"), ("CACT", "92")):
        if not Site.objects.filter(owner_agency=ctx.agencies[code], source="osm").exists():
            report = services.import_osm_pois(
                acting_user=planner_of[code],
                owner_agency=ctx.agencies[code],
                province_code=province,
                amenities=("hospital", "police", "fire_station", "fuel"),
            )
            ctx.say(f"sites: {report.created_count} OSM POIs for {code}")
    if not Site.objects.filter(source="osm", external_id__startswith="way/").exists():
        services.import_osm_pois(
            acting_user=planner_of["K01-TM"],
            owner_agency=ctx.agencies["K01-TM"],
            amenities=("hospital",),
            paths=[services.auto.pois_dir() / "hanoi_hospitals_2024-09-27.overpass.json"],
        )

    for name, lat, lon, owner, kind, secrecy in VENUES:
        if not Site.objects.filter(name=name).exists():
            services.create_site(
                acting_user=planner_of[owner],
                owner_agency=ctx.agencies[owner],
                secrecy=secrecy,
                name=name,
                kind=kind,
                lat=lat,
                lon=lon,
            )

    commander = users["k01.chihuy"]
    for name, lat, lon, owner, kind, plan in POINTS:
        site = Site.objects.filter(name=name).first() or services.create_site(
            acting_user=planner_of[owner],
            owner_agency=ctx.agencies[owner],
            secrecy=Secrecy.MAT,
            name=name,
            kind=kind,
            lat=lat,
            lon=lon,
            operator="Đơn vị quản lý (giả định)",
        )
        point = SafePoint.objects.filter(site=site).first()
        if point is None:
            point = services.propose_safe_point(
                acting_user=planner_of[owner],
                site=site,
                secrecy=Secrecy.MAT,
                corridor=HN_CORRIDOR if owner == "K01-TM" else None,
            )
            if owner == "K01-TM":
                # Shared with the Hà Nội police, who then see the site it names too (ADR 0107).
                site.shared_with_agencies.add(ctx.agencies["CAHN"])
                point.shared_with_agencies.add(ctx.agencies["CAHN"])
        if plan is None or point.surveys.exists():
            continue
        months_ago, scores, approve = plan
        surveyed_on = today - dt.timedelta(days=round(months_ago * 30.4))
        fallback = {"detour": 3, "hospital": 12, "police": 8} if owner == "CATH" else {}
        services.record_survey(
            acting_user=planner_of[owner],
            point=point,
            surveyed_on=surveyed_on,
            gates=GOOD_GATES,
            scores=scores,
            evidence={"comms": "Đo sóng Viettel, VNPT tại cổng và phòng nghỉ (giả định)"},
            notes="Khảo sát giả định phục vụ trình diễn.",
            fallback_values=fallback,
            today=today,
        )
        if approve:
            point.refresh_from_db()
            services.approve_safe_point(acting_user=commander, point=point, today=today)

    surveys = [
        ("K01-TM", "01", None, dt.date(2025, 7, 1), ["CAHN"], ["routes", "plan"]),
        ("CATH", "38", None, dt.date(2025, 7, 1), [], ["routes"]),
        ("CACT", "92", None, dt.date(2025, 7, 1), [], []),
        ("CACT", None, "93", dt.date(2023, 1, 1), [], []),  # Hậu Giang before the merger: history
    ]
    for owner, code, legacy, start, shared, confirmed in surveys:
        province = Province.objects.filter(code=code).first() if code else None
        legacy_province = LegacyProvince.objects.filter(code=legacy).first() if legacy else None
        if province is None and legacy_province is None:
            continue  # reference data not loaded
        scope = {"province": province} if province else {"legacy_province": legacy_province}
        if BasicSurvey.objects.filter(**scope, effective_from=start).exists():
            continue
        survey = (
            services.create_basic_survey(
                acting_user=planner_of[owner] if owner != "K01-TM" else users["k01.kehoach"],
                owner_agency=ctx.agencies[owner],
                effective_from=start,
                secrecy=Secrecy.MAT,
                **scope,
            )
            if owner != "CACT" and owner != "CATH"
            else _local_survey(ctx, owner, start, scope)
        )
        if legacy_province is not None:
            survey.effective_to = dt.date(2025, 6, 30)
            survey.save()
        survey.shared_with_agencies.set([ctx.agencies[c] for c in shared])
        for key in confirmed:
            survey.confirmed[key] = {"by": "demo", "on": today.isoformat()}
        if confirmed:
            survey.save()
    ctx.say(
        f"sites: {SafePoint.objects.filter(status=SafePointStatus.APPROVED).count()} approved safe points"
    )


def _local_survey(ctx: Any, owner: str, start: dt.date, scope: dict[str, Any]) -> BasicSurvey:
    # Local police officers hold the officer role, so the demo writes their province's survey directly.
    unit = scope.get("province") or scope.get("legacy_province")
    survey = BasicSurvey(
        owner_agency=ctx.agencies[owner],
        secrecy=Secrecy.MAT,
        effective_from=start,
        title=f"Điều tra cơ bản {unit.name} ({start:%d/%m/%Y})",
        **scope,
    )
    survey.save()
    return survey
