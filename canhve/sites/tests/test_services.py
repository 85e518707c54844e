import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from canhve.accounts.models import Membership, Role
from canhve.core.models import AuditAction, AuditEntry
from canhve.core.secrecy import Secrecy
from canhve.engines import routing
from canhve.sites import auto, selectors, services
from canhve.sites.importers import ImportFormatError, read_csv, read_geojson, read_xlsx
from canhve.sites.models import CriteriaSet, SafePoint, SafePointStatus, Site, SiteKind

from .conftest import GOOD_GATES, HN_POINT, PNG, make_point, survey

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def admin_user(world):
    user = world.user("k01_commander")
    Membership.objects.create(user=user, agency=world.agencies["BCA"], role=Role.ADMINISTRATOR)
    user.refresh_from_db()
    return user


# ---- criteria versions --------------------------------------------------------------------------------


def test_publishing_a_new_version_keeps_scores_made_under_the_old(sites_world, admin_user):
    v1 = services.current_criteria()
    old_survey = sites_world.survey
    data = v1.as_json() | {"approve_threshold": 80, "resurvey_months": 6}
    v2 = services.publish_criteria_set(acting_user=admin_user, data=data)
    assert v2.version == 2 and v2.is_current
    v1.refresh_from_db()
    assert not v1.is_current
    old_survey.refresh_from_db()
    assert old_survey.criteria_set_id == v1.pk and old_survey.answers.count() == v1.criteria.count()
    new_point = make_point(sites_world, "Điểm mới")
    new_survey = survey(sites_world, new_point)
    assert new_survey.criteria_set_id == v2.pk
    new_point.refresh_from_db()
    # the new version's 6-month cycle applies to surveys under it
    assert new_point.resurvey_due_on == services.domain.resurvey_due_on(new_survey.surveyed_on, 6)
    assert CriteriaSet.objects.filter(code="safe-point").count() == 2


def test_only_administrators_publish_and_bad_sets_are_refused(sites_world, admin_user):
    data = services.current_criteria().as_json()
    with pytest.raises(PermissionDenied):
        services.publish_criteria_set(acting_user=sites_world.user("k01_officer"), data=data)
    data["criteria"][-1]["weight"] = 50
    with pytest.raises(ValidationError) as err:
        services.publish_criteria_set(acting_user=admin_user, data=data)
    assert "Tổng trọng số" in str(err.value)


def test_loading_the_default_set_twice_keeps_one(db):
    a, b = services.load_default_criteria(), services.load_default_criteria()
    assert a.pk == b.pk and a.criteria.count() == 18


# ---- automatic criteria on the Hà Nội graph -----------------------------------------------------------


def test_automatic_criteria_come_from_the_routing_engine(sites_world):
    point = sites_world.point
    answers = {a.criterion.code: a for a in sites_world.survey.answers.select_related("criterion")}
    router = routing.get_default_router()
    here = routing.LatLon(*HN_POINT)
    # hospital: the nearest emergency-surgery hospital by the engine's own route is no faster than the value
    hospitals = [f for f in router.facilities if f.kind == "hospital" and f.emergency_surgery]
    assert answers["hospital"].source == "engine" and answers["hospital"].value is not None
    times = []
    for h in hospitals:
        try:
            times.append(router.route(here, routing.LatLon(h.lat, h.lon)).travel_time_s)
        except routing.RoutingError:
            continue  # a hospital too far from the graph's roads
    best = min(times)
    assert answers["hospital"].value <= best / 60 + 1.0
    assert answers["hospital"].value >= best / 60 - 3.0  # snapping differs: a facility node vs its point
    assert answers["police"].value is not None and answers["police"].value > 0
    # detour from the corridor: the point is off the straight route, so some detour, and it matches legs
    a = routing.LatLon(point.corridor_from_lat, point.corridor_from_lon)
    b = routing.LatLon(point.corridor_to_lat, point.corridor_to_lon)
    expected = (
        router.route(a, here).travel_time_s
        + router.route(here, b).travel_time_s
        - router.route(a, b).travel_time_s
    )
    assert answers["detour"].value == pytest.approx(max(0, expected) / 60, abs=0.11)
    assert answers["hazards"].value is not None and answers["hazards"].value > 0
    assert answers["survey_age"].value == pytest.approx(10 / 30.4375, abs=0.01)


def test_a_point_on_the_corridor_has_no_detour(sites_world):
    router = routing.get_default_router()
    route = router.route(routing.LatLon(21.0100, 105.8300), routing.LatLon(21.0450, 105.8500))
    lon, lat = route.coordinates[len(route.coordinates) // 2]
    point = make_point(sites_world, "Trên tuyến", lat=lat, lon=lon)
    values = auto.compute(point, TODAY, TODAY).values
    assert values["detour"] is not None and values["detour"] <= 0.5


def test_outside_the_graph_automatic_values_are_missing_and_only_then_typed_in(sites_world):
    point = make_point(sites_world, "Thanh Hóa", lat=19.76, lon=105.80, corridor=None)
    s = services.record_survey(
        acting_user=sites_world.user("k01_officer"),
        point=point,
        surveyed_on=TODAY,
        gates=GOOD_GATES,
        scores={},
        fallback_values={"hospital": 12},
        today=TODAY,
    )
    answers = {a.criterion.code: a for a in s.answers.select_related("criterion")}
    assert answers["hospital"].source == "fallback" and answers["hospital"].score == 5
    assert answers["police"].value is None and answers["police"].score is None
    assert "Ngoài phạm vi" in s.auto_note
    # inside the graph, a typed value is ignored: the engine's value wins
    s2 = services.record_survey(
        acting_user=sites_world.user("k01_officer"),
        point=sites_world.point2,
        surveyed_on=TODAY,
        gates=GOOD_GATES,
        scores={},
        fallback_values={"hospital": 99},
        today=TODAY,
    )
    hospital = s2.answers.get(criterion__code="hospital")
    assert hospital.source == "engine" and hospital.value != 99


# ---- life-cycle ---------------------------------------------------------------------------------------


def test_lifecycle_proposed_to_approved_then_due_then_resurveyed(sites_world):
    point = make_point(sites_world, "Vòng đời")
    assert point.status == SafePointStatus.PROPOSED
    survey(sites_world, point, days_ago=0, today=TODAY)
    point.refresh_from_db()
    assert point.status == SafePointStatus.SCORED and point.score >= 70
    assert point.resurvey_due_on == dt.date(2027, 6, 15)
    with pytest.raises(PermissionDenied):  # the planner who surveyed cannot approve
        services.approve_safe_point(acting_user=sites_world.user("k01_officer"), point=point, today=TODAY)
    services.approve_safe_point(acting_user=sites_world.user("k01_commander"), point=point, today=TODAY)
    assert point.is_usable(TODAY) and not point.is_usable(dt.date(2027, 6, 15))
    transitions = AuditEntry.objects.filter(action=AuditAction.TRANSITION, object_id=str(point.pk))
    assert [e.changes["status"][1] for e in transitions.order_by("id")] == ["surveyed", "scored", "approved"]
    assert services.mark_due_resurveys(today=dt.date(2027, 6, 14)) == 0
    assert services.mark_due_resurveys(today=dt.date(2027, 6, 15)) >= 1
    point.refresh_from_db()
    assert point.status == SafePointStatus.RESURVEY_DUE
    survey(sites_world, point, days_ago=0, today=dt.date(2027, 6, 20))
    point.refresh_from_db()
    assert point.status == SafePointStatus.SCORED and point.resurvey_due_on == dt.date(2028, 6, 20)


def test_a_failed_gate_or_low_score_cannot_be_approved(sites_world):
    point = make_point(sites_world, "Thiếu lối thoát")
    survey(sites_world, point, gates=GOOD_GATES | {"fire_exits": False})
    point.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.approve_safe_point(acting_user=sites_world.user("k01_commander"), point=point)
    assert "fire_exits" in str(err.value)
    low = make_point(sites_world, "Điểm thấp")
    survey(
        sites_world,
        low,
        scores={k: 0 for k in ("comms", "overlook", "footfall", "utilities", "helipad", "flood")},
    )
    low.refresh_from_db()
    with pytest.raises(ValidationError, match="dưới ngưỡng"):
        services.approve_safe_point(acting_user=sites_world.user("k01_commander"), point=low)


def test_an_overdue_survey_cannot_be_approved(sites_world):
    point = make_point(sites_world, "Cũ")
    survey(sites_world, point, days_ago=400)
    point.refresh_from_db()
    with pytest.raises(ValidationError, match="quá hạn"):
        services.approve_safe_point(acting_user=sites_world.user("k01_commander"), point=point)


def test_partner_and_outsider_cannot_survey(sites_world):
    for persona in ("th_liaison", "ct_outsider", "k01_low"):
        with pytest.raises(PermissionDenied):
            services.record_survey(
                acting_user=sites_world.user(persona),
                point=sites_world.point2,
                surveyed_on=TODAY,
                gates={},
                scores={},
                today=TODAY,
            )


# ---- evidence -----------------------------------------------------------------------------------------


def test_evidence_type_is_checked_by_content_and_size_limited(sites_world, monkeypatch):
    officer = sites_world.user("k01_officer")
    fake = SimpleUploadedFile("anh.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError, match="JPEG, PNG"):
        services.add_evidence(acting_user=officer, survey=sites_world.survey, upload=fake)
    pdf = services.add_evidence(
        acting_user=officer,
        survey=sites_world.survey,
        upload=SimpleUploadedFile("bien-ban.txt", b"%PDF-1.7\n...\n%%EOF\n", content_type="text/plain"),
    )
    assert pdf.content_type == "application/pdf" and pdf.original_name == "bien-ban.txt"
    assert "bien-ban" not in pdf.file.name  # stored under its hash, not the uploaded name
    monkeypatch.setattr(services, "EVIDENCE_MAX_BYTES", 32)
    with pytest.raises(ValidationError, match="quá lớn"):
        services.add_evidence(
            acting_user=officer,
            survey=sites_world.survey,
            upload=SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        )


# ---- import -------------------------------------------------------------------------------------------

CSV = """name,kind,lat,lon,address,emergency_surgery,beds
Bệnh viện giả định 1,hospital,21.03,105.85,Số 1 phố A,có,300
,hospital,21.02,105.84,,,
Bệnh viện giả định 2,hospital,abc,105.84,,,
Bệnh viện giả định 3,spaceport,21.02,105.84,,,
Bệnh viện giả định 4,hospital,105.84,21.02,,,
Bệnh viện giả định 1,hospital,21.0301,105.8501,,,
Trạm xăng giả định,fuel,21.01,105.83,,,
"""


def test_csv_import_reports_bad_rows_with_line_and_reason_and_imports_the_rest(sites_world):
    report = services.import_sites(
        acting_user=sites_world.user("k01_officer"),
        owner_agency=sites_world.agencies["K01-TM"],
        rows=read_csv(CSV.encode()),
        source="csv",
    )
    assert [s.name for s in report.created] == ["Bệnh viện giả định 1", "Trạm xăng giả định"]
    errors = dict(report.errors)
    assert set(errors) == {3, 4, 5, 6}
    assert "thiếu tên" in errors[3] and "tọa độ" in errors[4] and "spaceport" in errors[5]
    assert "đảo vĩ độ" in errors[6]
    assert [line for line, _ in report.duplicates] == [7]
    hospital = report.created[0]
    assert hospital.emergency_surgery is True and hospital.beds == 300 and hospital.province_id == "01"


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(sites_world):
    before = Site.objects.count()
    report = services.import_sites(
        acting_user=sites_world.user("k01_officer"),
        owner_agency=sites_world.agencies["K01-TM"],
        rows=read_csv(CSV.encode()),
        source="csv",
        all_or_nothing=True,
    )
    assert report.rolled_back and report.created_count == 0 and Site.objects.count() == before


def test_geojson_import_and_non_point_rows(sites_world):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Đồn công an giả định", "kind": "police"},
                "geometry": {"type": "Point", "coordinates": [105.85, 21.03]},
            },
            {
                "type": "Feature",
                "properties": {"name": "Vùng", "kind": "police"},
                "geometry": {"type": "Polygon", "coordinates": []},
            },
        ],
    }
    report = services.import_sites(
        acting_user=sites_world.user("k01_officer"),
        owner_agency=sites_world.agencies["K01-TM"],
        rows=read_geojson(json.dumps(doc).encode()),
        source="geojson",
    )
    assert len(report.created) == 1 and report.errors[0][0] == 2 and "Point" in report.errors[0][1]


def test_unreadable_files_and_missing_xlsx_library_give_clear_errors():
    with pytest.raises(ImportFormatError):
        list(read_geojson(b"not json"))
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        with pytest.raises(ImportFormatError, match="openpyxl"):
            list(read_xlsx(b"PK"))


def test_osm_import_skips_duplicates_on_a_second_run(sites_world):
    kwargs = {
        "acting_user": sites_world.user("k01_officer"),
        "owner_agency": sites_world.agencies["K01-TM"],
        "province_code": "01",
        "amenities": ("hospital", "police"),
    }
    first = services.import_osm_pois(**kwargs)
    assert first.created_count > 40 and not first.errors
    assert Site.objects.filter(source="osm", kind=SiteKind.HOSPITAL).exists()
    second = services.import_osm_pois(**kwargs)
    assert second.created_count == 0 and len(second.duplicates) >= first.created_count


def test_import_needs_a_role_in_the_owning_agency(sites_world):
    with pytest.raises(PermissionDenied):
        services.import_sites(
            acting_user=sites_world.user("th_liaison"),
            owner_agency=sites_world.agencies["K01-TM"],
            rows=[],
            source="csv",
        )


# ---- basic survey and dashboard -----------------------------------------------------------------------


def test_a_new_basic_survey_closes_the_previous_one(sites_world, provinces):
    new = services.create_basic_survey(
        acting_user=sites_world.user("k01_officer"),
        owner_agency=sites_world.agencies["K01-TM"],
        province=provinces["01"],
        effective_from=dt.date(2026, 1, 1),
    )
    sites_world.basic.refresh_from_db()
    assert sites_world.basic.effective_to == dt.date(2025, 12, 31) and new.effective_to is None
    with pytest.raises(ValidationError):
        services.create_basic_survey(
            acting_user=sites_world.user("k01_officer"),
            owner_agency=sites_world.agencies["K01-TM"],
            province=provinces["01"],
            effective_from=dt.date(2025, 12, 1),
        )


def test_dashboard_numbers_match_the_data(sites_world, provinces):
    today = dt.date.today()
    commander = sites_world.user("k01_commander")
    services.approve_safe_point(acting_user=commander, point=sites_world.point)
    due_soon = make_point(sites_world, "Sắp đến hạn")
    survey(sites_world, due_soon, days_ago=350)  # 12 months after → due in about 15 days
    due_soon.refresh_from_db()
    services.approve_safe_point(acting_user=commander, point=due_soon)
    secret = make_point(sites_world, "Điểm Tối mật", secrecy=Secrecy.TOI_MAT, shared=())
    survey(sites_world, secret)
    secret.refresh_from_db()
    services.approve_safe_point(acting_user=commander, point=secret)
    services.confirm_checklist_item(
        acting_user=sites_world.user("k01_officer"), survey=sites_world.basic, key="routes", done=True
    )

    data = selectors.dashboard(commander, today)
    rows = {r.code: r for r in data["rows"]}
    usable = SafePoint.objects.filter(status="approved", resurvey_due_on__gt=today, site__province_id="01")
    assert rows["01"].approved_points == usable.count() == 3
    assert rows["38"].approved_points == 0 and rows["38"].survey_id is None and rows["38"].completion == 0
    assert [p.site.name for p in data["due"]] == ["Sắp đến hạn"] and rows["01"].due_soon == 1
    bundle = selectors.survey_bundle(sites_world.basic, commander, today)
    assert rows["01"].completion == bundle["completion"]
    done = {r.key for r in bundle["checklist"] if r.done}
    assert done == {"venues", "havens", "safe_points", "routes"}
    assert bundle["completion"] == round(100 * 4 / 11)

    # the Mật-cleared partner sees only what is shared with it: not the Tối mật point
    liaison = selectors.dashboard(sites_world.user("th_liaison"), today)
    assert {r.code: r for r in liaison["rows"]}["01"].approved_points == 2
    outsider = selectors.dashboard(sites_world.user("ct_outsider"), today)
    assert all(r.approved_points == 0 and r.survey_id is None for r in outsider["rows"])

    geo = selectors.province_geojson(data["rows"])
    props = {f["properties"]["code"]: f["properties"] for f in geo["features"]}
    assert props["01"]["approved"] == 3 and props["01"]["completion"] == rows["01"].completion


def test_sites_are_located_in_the_2025_province(sites_world, provinces):
    site = services.create_site(
        acting_user=sites_world.user("k01_officer"),
        owner_agency=sites_world.agencies["K01-TM"],
        secrecy=0,
        name="Thanh Hóa",
        kind=SiteKind.VENUE,
        lat=19.8,
        lon=105.77,
    )
    assert site.province_id == "38"
    services.update_site(acting_user=sites_world.user("k01_officer"), site=site, lat=21.0, lon=105.8)
    site.refresh_from_db()
    assert site.province_id == "01"
