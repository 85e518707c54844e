"""ADR 0108: pages and API reads never load a heavy column they do not show (the sites list spent 471 ms
of 498 ms decoding the province filter's 34 boundaries; a basic survey's page 3 s decoding its sites'
ward boundaries). The inventory test requests every page and every GET of the API on data with real
boundaries, route lines, document bodies, blobs and solver output, and reads the SQL."""

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from canhve.core.secrecy import Secrecy
from canhve.core.tests import inventory
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


# ---- every page and API read (ADR 0108) ----------------------------------------------------------------


# Columns heavy enough that loading them where they are not shown costs (GeoJSON boundaries and lines,
# document bodies and images, file blobs, certificates, solver output, message bodies).
HEAVY = {
    "geo.Province.geometry",
    "geo.Province.geometry_simplified",
    "geo.Ward.geometry",
    "operations.MovementRoute.geometry",
    "operations.MovementRoute.segments",
    "operations.MovementRoute.closures_applied",
    "operations.Closure.ring",
    "operations.PlanVersion.snapshot",
    "documents.Document.content",
    "documents.Document.attachments",
    "documents.DocumentFile.data",
    "documents.SigningCredential.encrypted_pkcs12",
    "documents.SigningCredential.encrypted_passphrase",
    "documents.TrustRoot.pem",
    "documents.IncomingDocument.package",
    "documents.IncomingDocument.unrecognised",
    "documents.IncomingAttachment.data",
    "documents.IncomingMessage.package",
    "staffing.Roster.result",
    "core.Job.result",
    "exchange.InformationItem.body",
}
# Every other JSON or binary column of the project, with why it may load anywhere.
LIGHT = {
    "geo.LegacyDistrict.bbox": "four numbers",
    "operations.MovementRoute.streets": "street names, shown wherever a route is",
    "operations.MovementRoute.choke_points": "a few points, listed or counted wherever a route is",
    "operations.Closure.streets": "street names, shown with the closure",
    "sites.BasicSurvey.confirmed": "the checklist keys confirmed",
    "core.AuditEntry.changes": "what the audit pages show",
    "core.AuditEntry.shared_agency_ids": "a few ids",
    "core.AuditEntry.shared_user_ids": "a few ids",
    "core.Job.params": "the job's arguments: a few ids",
}
# The heavy columns each read shows, so may load.
SHOWN = {
    "sites-dashboard": {"geo.Province.geometry_simplified"},  # the national map
    "documents-detail": {"documents.Document.content"},
    # the edit form's instance is saved back by the same view
    "documents-edit": {"documents.Document.content", "documents.Document.attachments"},
    "documents-job": {"core.Job.result"},  # the page count
    "documents-incoming-detail": {"documents.IncomingDocument.unrecognised"},  # listed under the fields
    "exchange-detail": {"exchange.InformationItem.body"},
    "operations-map-data": {"operations.MovementRoute.geometry", "operations.Closure.ring"},
    "operations-movement": {"operations.MovementRoute.segments", "operations.MovementRoute.closures_applied"},
    "operations-plan": {"operations.PlanVersion.snapshot"},  # the frozen content once approved
    "operations-plan-diff": {"operations.PlanVersion.snapshot"},
    "staffing-roster-detail": {"staffing.Roster.result"},
    "staffing-operation": {"staffing.Roster.result"},  # unfilled places per roster
    "/api/exchange/items": {"exchange.InformationItem.body"},
    "/api/exchange/items/{item_id}": {"exchange.InformationItem.body"},
    "/api/operations/operations/{op_id}/routes": {"operations.MovementRoute.geometry"},
    "/api/operations/plans/{plan_id}/content": {"operations.PlanVersion.snapshot"},
    "/api/staffing/rosters": {"staffing.Roster.result"},
    "/api/staffing/rosters/{roster_id}": {"staffing.Roster.result"},
}


def _columns() -> dict[tuple[str, str], str]:
    """(table, column) → "app.Model.field" for every HEAVY field."""
    out = {}
    for label in HEAVY:
        app, model, field = label.split(".")
        f = apps.get_model(app, model)._meta.get_field(field)
        out[(f.model._meta.db_table, f.column)] = label
    return out


_SELECT = re.compile(
    r'^\s*(?:DECLARE\s+"[^"]+"\s+NO SCROLL CURSOR.*?FOR\s+)?SELECT\s+(.*?)\s+FROM\s+(.*)$', re.S
)
_REF = re.compile(r'^"?(\w+)"?\."(\w+)"(?:\s+AS\s+"\w+")?$')
_ALIAS = re.compile(r'"(\w+)"\s+(?:AS\s+)?"?([TUV]\d+)"?')


def _items(select: str) -> list[str]:
    """The select list split at its top-level commas."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(select):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(select[start:i].strip())
            start = i + 1
    items.append(select[start:].strip())
    return items


def heavy_selected(sql: str, columns: dict[tuple[str, str], str]) -> set[str]:
    """The HEAVY fields a query returns whole: select-list items that are the bare column (by table or
    join alias). A column only inside an expression (the worst segment of a route) is not loaded."""
    m = _SELECT.match(sql)
    if m is None:
        return set()
    select, rest = m.groups()
    aliases = {alias: table for table, alias in _ALIAS.findall(rest)}
    found = set()
    for item in _items(select):
        ref = _REF.match(item)
        if ref is not None:
            key = (aliases.get(ref[1], ref[1]), ref[2])
            if key in columns:
                found.add(columns[key])
    return found


def test_every_json_or_binary_column_is_classified():
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("canhve."):
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.JSONField | models.BinaryField):
                found.add(f"{model._meta.label}.{f.name}")
    for label in HEAVY | set(LIGHT):  # each name is a real field
        app, model, field = label.split(".")
        apps.get_model(app, model)._meta.get_field(field)
    assert found - HEAVY - set(LIGHT) == set(), "classify these columns in HEAVY or LIGHT"


def test_heavy_column_detection():
    columns = {("geo_province", "geometry"): "geo.Province.geometry"}
    joined = (
        'SELECT "sites_site"."id", T3."code", "T3"."geometry" FROM "sites_site" '
        'INNER JOIN "geo_province" T3 ON ("sites_site"."province_id" = T3."code")'
    )
    assert heavy_selected(joined, columns) == {"geo.Province.geometry"}
    where = 'SELECT "geo_province"."code" FROM "geo_province" WHERE "geo_province"."geometry" IS NULL'
    assert heavy_selected(where, columns) == set()
    inside = (
        'SELECT "geo_province"."code", json_extract("geo_province"."geometry", \'$[0]\') FROM "geo_province"'
    )
    assert heavy_selected(inside, columns) == set()
    cursor = (
        'DECLARE "_django_curs_1" NO SCROLL CURSOR WITH HOLD FOR '
        'SELECT "geo_province"."geometry" FROM "geo_province"'
    )
    assert heavy_selected(cursor, columns) == {"geo.Province.geometry"}


def test_inventory_covers_every_page_and_endpoint():
    names = inventory.url_names()
    missing = [
        n
        for n, args in names.items()
        if args and n not in inventory.PAGE_ARGS and n not in inventory.SKIPPED_PAGES
    ]
    assert not missing, f"give these URLs arguments in inventory.PAGE_ARGS: {missing}"
    paths = [p for p in inventory.api_get_paths() if "{" in p]
    missing = [p for p in paths if p not in inventory.API_ARGS and p not in inventory.SKIPPED_API]
    assert not missing, f"give these endpoints parameters in inventory.API_ARGS: {missing}"
    stale = (set(inventory.PAGE_ARGS) - set(names)) | (
        set(SHOWN) - set(names) - set(inventory.api_get_paths())
    )
    assert not stale, f"entries for URLs that no longer exist: {stale}"


@pytest.mark.django_db
def test_no_page_or_api_read_loads_a_heavy_column_it_does_not_show(world, built):
    inventory.grow(world, built, 1)
    columns = _columns()
    failures = []
    answered = 0
    for read in inventory.everything(built):
        client = world.client(read.persona)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(read.url, read.query)
        if response.status_code == 405:  # POST-only
            continue
        assert response.status_code in (200, 403), (read.url, response.status_code)
        answered += 1
        loaded = set().union(*(heavy_selected(q["sql"], columns) for q in ctx.captured_queries))
        extra = loaded - SHOWN.get(read.key, set())
        if extra:
            failures.append(f"{read.key} ({read.url}) loads {sorted(extra)}")
    assert answered > 80
    assert not failures, "\n".join(failures)


# ---- long choice lists -----------------------------------------------------------------------------------


def _markup(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "2", ["1", "3"]])
def test_fast_select_writes_the_markup_django_writes(value):
    from django import forms

    from canhve.core.choices import FastSelect, FastSelectMultiple

    choices = [("", "---------"), (1, "Nhà khách <A> & B"), (2, 'Hội trường "C"'), (3, "D")]
    many = isinstance(value, list)
    plain = (forms.SelectMultiple if many else forms.Select)(attrs={"size": 4}, choices=choices)
    fast = (FastSelectMultiple if many else FastSelect)(attrs={"size": 4}, choices=choices)
    attrs = {"id": "id_site", "required": True}
    assert _markup(fast.render("site", value, attrs)) == _markup(plain.render("site", value, attrs))


@pytest.mark.django_db
def test_lean_choice_field_reads_only_the_label_and_validates_against_its_queryset(world):
    from canhve.core.choices import LeanModelChoiceField

    k01 = world.agencies["K01-TM"]
    sites = [
        Site.objects.create(name=f"Địa điểm {i}", kind="venue", lat=21.0, lon=105.8, owner_agency=k01)
        for i in range(3)
    ]
    field = LeanModelChoiceField(queryset=Site.objects.filter(pk__in=[s.pk for s in sites[:2]]))
    with CaptureQueriesContext(connection) as ctx:
        html = field.widget.render("site", sites[1].pk)
    assert len(ctx.captured_queries) == 1
    assert '"sites_site"."notes"' not in ctx.captured_queries[0]["sql"]
    assert f'<option value="{sites[1].pk}" selected>Địa điểm 1</option>' in html
    assert field.clean(str(sites[0].pk)) == sites[0]
    with pytest.raises(ValidationError):
        field.clean(str(sites[2].pk))  # outside the queryset


@pytest.mark.django_db
def test_the_worst_segment_comes_from_the_database(world, built):
    """Pages that show only a route's worst segment get it from `WorstSegment()` (segments[worst]),
    not from every segment: the operation page, the map data and the plan's content."""
    from canhve.operations.models import MovementRoute
    from canhve.operations.selectors import lean_routes

    route = lean_routes().get(pk=built.route.pk)
    assert "segments" in route.get_deferred_fields()
    whole = MovementRoute.objects.get(pk=built.route.pk)
    assert route.worst == whole.segments[whole.worst_segment]
    MovementRoute.objects.filter(pk=built.route.pk).update(worst_segment=None)
    assert lean_routes().get(pk=built.route.pk).worst is None
    MovementRoute.objects.filter(pk=built.route.pk).update(worst_segment=whole.worst_segment)

    street = whole.segments[whole.worst_segment]["street"]
    client = world.client("k01_commander")
    page = client.get(reverse("operations-detail", kwargs={"pk": built.op.pk})).content.decode()
    assert f'<span class="worst">{street}</span>' in page
    data = client.get(reverse("operations-map-data", kwargs={"pk": built.op.pk})).json()
    assert any(street in f["properties"]["label"] for f in data["worst"]["features"])
    assert client.get(data["roads"]).json()["type"] == "FeatureCollection"
    content = client.get(f"/api/operations/plans/{built.plan.pk}/content").json()
    moves = [i for i in content["itinerary"] if i["type"] == "movement"]
    assert {r["worst_segment"]["street"] for m in moves for r in m["routes"]} >= {street}


def test_choice_labels_are_djangos_in_the_active_language():
    """`get_<field>_display()` answers from a table kept on the field (ADR 0108): the same label as
    Django's, in the language active at the call, and the value itself when it is not a choice."""
    from django.db.models import Model
    from django.utils import translation

    from canhve.operations.models import Operation, OperationStatus

    op = Operation(status=OperationStatus.REQUESTED, secrecy=Secrecy.TOI_MAT)
    field = Operation._meta.get_field("status")
    for lang in ("vi", "en", "vi"):
        with translation.override(lang):
            assert op.get_status_display() == Model._get_FIELD_display(op, field)
            assert op.get_secrecy_display() == Model._get_FIELD_display(
                op, Operation._meta.get_field("secrecy")
            )
    with translation.override("en"):
        english = op.get_status_display()
    with translation.override("vi"):
        assert op.get_status_display() != english  # labels stay lazy: no language frozen in the table
    op.status = "no-such-status"
    assert op.get_status_display() == "no-such-status"


@pytest.mark.django_db
def test_the_operation_page_checks_only_its_stops_sites(world):
    """Its stops' sites are checked in one query over their pks (writedown.mark_visibility), not by
    loading the pk of every site the reader may see; a site the reader may not see stays a placeholder."""
    import datetime as dt

    from canhve.core import writedown
    from canhve.operations.models import Operation, Stop

    k01, cath = world.agencies["K01-TM"], world.agencies["CATH"]
    start = dt.datetime(2030, 1, 1, 8, tzinfo=dt.UTC)
    op = Operation.objects.create(
        owner_agency=k01, code="WD-1", name="Chung", kind="visit", starts_at=start, ends_at=start, secrecy=1
    )
    op.shared_with_agencies.add(cath)
    shown, hidden = (
        Site.objects.create(name=name, kind="venue", lat=21.0, lon=105.8, owner_agency=k01, secrecy=1)
        for name in ("Nơi được xem", "Nơi bị ẩn")
    )
    for order, site in enumerate((shown, hidden)):
        site.shared_with_agencies.add(cath)
        Stop.objects.create(operation=op, order=order, site=site)
    # The share withdrawn behind the write-down check (data from before it, or an import).
    hidden.shared_with_agencies.through.objects.filter(site_id=hidden.pk, agency_id=cath.pk).delete()
    for i in range(5):
        Site.objects.create(name=f"Khác {i}", kind="venue", lat=21.0, lon=105.8, owner_agency=k01, secrecy=1)
    with CaptureQueriesContext(connection) as ctx:
        page = world.client("th_liaison").get(reverse("operations-detail", args=[op.pk]))
    html = page.content.decode()
    assert "Nơi được xem" in html and "Nơi bị ẩn" not in html and str(writedown.PLACEHOLDER) in html
    site_checks = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "sites_site"."id"')]
    assert len(site_checks) == 1 and '"sites_site"."id" IN' in site_checks[0], site_checks
