import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from canhve.accounts.models import Role
from canhve.core.access import audited_page, can_edit, role_over
from canhve.core.locking import (
    VersionConflict,
    answers_conflicts,
    conflict_response,
    posted_flag,
    posted_version,
)
from canhve.core.refusals import act, act_on_form, create_page, form_errors, refuse
from canhve.core.writedown import mark_visibility, visible_only
from canhve.sites.models import Site

from . import domain, routing, services
from .forms import (
    ClosureForm,
    ContingencyForm,
    MovementForm,
    OperationForm,
    PlanForm,
    StopForm,
    TaskStatusForm,
)
from .models import (
    Closure,
    Movement,
    MovementRoute,
    Operation,
    OperationKind,
    OperationStatus,
    PlanStatus,
    PlanVersion,
    Task,
)
from .selectors import (
    PLAN_HEAVY,
    PROVINCE_HEAVY,
    ROUTE_HEAVY,
    current_routes_prefetch,
    get_operation,
    get_plan_version,
    lean_routes,
    operations_visible_to,
    tasks_by_agency,
)


def _back_to_operation(record: Any) -> str:
    return reverse("operations-detail", args=[record.operation_id])


def _act(
    request: HttpRequest, fn: Callable[[], Any], ok: str, back: str, source: Any = None, **kw: Any
) -> HttpResponse:
    """`act` back to the named page; `source` (a model or form) names the refused fields."""
    return act(request, fn, done=ok, back=reverse(back, kwargs=kw), source=source)


@login_required
def operation_list(request: HttpRequest) -> HttpResponse:
    qs = operations_visible_to(request.user).select_related("owner_agency", "protectee")
    status, kind = request.GET.get("status"), request.GET.get("kind")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    page = audited_page(request, qs)
    return render(
        request,
        "operations/list.html",
        {
            "page": page,
            "statuses": OperationStatus.choices,
            "kinds": OperationKind.choices,
            "status": status,
            "kind": kind,
        },
    )


@login_required
def operation_create(request: HttpRequest) -> HttpResponse:
    return create_page(
        request,
        OperationForm(request.POST or None, user=request.user),
        lambda d: services.create_operation(
            acting_user=request.user,
            owner_agency=d["owner_agency"],
            name=d["name"],
            kind=d["kind"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            secrecy=d["secrecy"],
            protectee=d["protectee"],
            participating_agencies=list(d["participating_agencies"]),
            provinces=list(d["provinces"]),
            summary=d["summary"],
        ),
        done=_("Đã tạo nhiệm vụ và danh mục nhiệm vụ cụ thể."),
        detail="operations-detail",
        template="operations/form.html",
        context={"title": _("Tạo nhiệm vụ cảnh vệ")},
    )


@login_required
def operation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation(request.user, pk)
    role = role_over(request.user, op)
    editable = can_edit(request.user, op, Role.PLANNER)
    # Only what the page shows (ADR 0108): no route line, segments, closure ring, plan text or snapshot,
    # province boundary; the worst segment comes from the database (`route.worst`).
    movements = list(
        op.movements.select_related("origin__site", "destination__site").prefetch_related(
            current_routes_prefetch()
        )
    )
    transitions = [
        (t, OperationStatus(t).label)
        for t in domain.next_states(op.status)
        if role >= (domain.role_needed(op.status, t) or 99)
    ]
    stops = list(op.stops.select_related("site"))
    mark_visibility(request.user, [s.site for s in stops])  # one query for the stops' sites only
    return render(
        request,
        "operations/detail.html",
        {
            "op": op,
            "groups": tasks_by_agency(op),
            "now": timezone.now(),
            "editable": editable,
            "transitions": transitions,
            "stops": stops,
            "movements": movements,
            "closures": op.closures.defer("ring"),
            "plans": op.plan_versions.defer(*PLAN_HEAVY),
            "participants": op.shared_with_agencies.all(),
            "provinces": op.provinces.defer(*PROVINCE_HEAVY),
            "movement_form": MovementForm(operation=op) if editable else None,
            "closure_form": ClosureForm() if editable else None,
            "task_states": Task._meta.get_field("status").choices,
        },
    )


@login_required
@require_POST
def operation_transition(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation(request.user, pk)
    target = request.POST.get("target", "")
    return _act(
        request,
        lambda: services.change_status(
            operation=op, target=target, acting_user=request.user, reason=request.POST.get("reason", "")
        ),
        _("Đã chuyển trạng thái."),
        "operations-detail",
        pk=op.pk,
        source=Operation,
    )


@login_required
@require_POST
@answers_conflicts(back=_back_to_operation)
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("operation"), pk=pk)
    get_operation(request.user, task.operation_id)
    services.require_task_edit(request.user, task)
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        return refuse(request, form.errors, _back_to_operation(task), source=form)
    return _act(
        request,
        lambda: services.set_task_status(task=task, acting_user=request.user, **form.cleaned_data),
        _("Đã cập nhật nhiệm vụ."),
        "operations-detail",
        pk=task.operation_id,
        source=Task,
    )


@login_required
@require_http_methods(["GET", "POST"])
def stop_add(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation(request.user, pk)
    if not can_edit(request.user, op, Role.PLANNER):
        raise PermissionDenied
    if request.method == "GET":
        # The form, fetched when the planner opens "Thêm điểm": its site list is every site the planner
        # may see (thousands), which cost the operation page more than the rest of it (ADR 0108).
        return render(
            request, "operations/_stop_form.html", {"op": op, "stop_form": StopForm(user=request.user)}
        )
    return act_on_form(
        request,
        StopForm(request.POST, user=request.user),
        lambda data: services.add_stop(operation=op, acting_user=request.user, **data),
        done=_("Đã thêm điểm vào lịch trình."),
        back=reverse("operations-detail", args=[op.pk]),
    )


@login_required
@require_POST
def movement_add(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation(request.user, pk)
    if not can_edit(request.user, op, Role.PLANNER):
        raise PermissionDenied
    form = MovementForm(request.POST, operation=op)
    if not form.is_valid():
        return refuse(request, form.errors, reverse("operations-detail", args=[op.pk]), source=form)

    def run() -> None:
        mv = services.add_movement(operation=op, acting_user=request.user, **form.cleaned_data)
        routing.plan_movement_routes(movement=mv, acting_user=request.user)

    return _act(
        request, run, _("Đã thêm di chuyển và tính tuyến."), "operations-detail", source=Movement, pk=op.pk
    )


@login_required
@require_POST
def closure_add(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation(request.user, pk)
    if not can_edit(request.user, op, Role.PLANNER):
        raise PermissionDenied
    form = ClosureForm(request.POST)
    if not form.is_valid():
        return refuse(request, form.errors, reverse("operations-detail", args=[op.pk]), source=form)
    return _act(
        request,
        lambda: services.add_closure(
            operation=op,
            acting_user=request.user,
            name=form.cleaned_data["name"],
            ring=form.ring_points(),
            streets=form.cleaned_data["streets"].splitlines(),
        ),
        _("Đã thêm cấm đường. Tính lại tuyến để áp dụng."),
        "operations-detail",
        pk=op.pk,
        source=Closure,
    )


@login_required
@require_POST
@answers_conflicts(back=_back_to_operation)
def closure_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """The button posts the state it asks for (`active` 1/0) and the version it saw."""
    closure = get_object_or_404(Closure.objects.select_related("operation"), pk=pk)
    get_operation(request.user, closure.operation_id)
    return _act(
        request,
        lambda: services.set_closure_active(
            closure=closure,
            active=posted_flag(request, "active", absent=not closure.active),
            acting_user=request.user,
            expected_version=posted_version(request),
        ),
        _("Đã cập nhật cấm đường."),
        "operations-detail",
        pk=closure.operation_id,
        source=Closure,
    )


@login_required
@require_POST
def replan(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation(request.user, pk)
    if not can_edit(request.user, op, Role.PLANNER):
        raise PermissionDenied
    return _act(
        request,
        lambda: routing.plan_operation_routes(operation=op, acting_user=request.user),
        _("Đã tính lại tuyến đường theo các cấm đường đang áp dụng."),
        "operations-detail",
        pk=op.pk,
        source=Operation,
    )


@login_required
@require_POST
def route_choose(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_object_or_404(MovementRoute.objects.select_related("movement__operation"), pk=pk)
    get_operation(request.user, route.movement.operation_id)
    return _act(
        request,
        lambda: routing.choose_route(route=route, acting_user=request.user),
        _("Đã chọn tuyến."),
        "operations-detail",
        pk=route.movement.operation_id,
        source=MovementRoute,
    )


@login_required
def movement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mv = get_object_or_404(Movement.objects.select_related("origin__site", "destination__site"), pk=pk)
    op = get_operation(request.user, mv.operation_id)
    # The page lists each current route's segments, choke points and closures, not its line.
    routes = list(mv.routes.filter(current=True).defer("geometry").order_by("rank", "-computed_at"))
    history = (
        mv.routes.filter(current=False)
        .defer(*ROUTE_HEAVY)
        .select_related("plan_version")
        .defer(*(f"plan_version__{f}" for f in PLAN_HEAVY))
    )
    return render(
        request,
        "operations/movement.html",
        {"op": op, "mv": mv, "routes": routes, "history": history},
    )


# ---- the map --------------------------------------------------------------------------------------------


@login_required
def operation_map(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation(request.user, pk)
    return render(request, "operations/map.html", {"op": op})


def _bbox(points: list[tuple[float, float]], pad: float = 0.01) -> tuple[float, float, float, float]:
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return min(lats) - pad, min(lons) - pad, max(lats) + pad, max(lons) + pad


def visible_stops(user: Any, stops: Any) -> list[Any]:
    stops = list(stops)
    seen = {s.pk for s in visible_only(user, [s.site for s in stops])}
    return [s for s in stops if s.site_id in seen]


@login_required
def operation_map_data(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the map draws, as GeoJSON: routes, facilities, the operation's sites and its closures,
    and where to fetch the roads of its area (`map_roads`)."""
    op = get_operation(request.user, pk)
    # Only stops whose site the reader may see: no name or coordinates of a site above them (ADR 0107).
    stops = visible_stops(request.user, op.stops.select_related("site"))
    # The lines and the worst segment of each route, not every segment (ADR 0108); the movement's two
    # sites name the route.
    routes = list(
        lean_routes(keep=("geometry",))
        .filter(movement__operation=op, current=True)
        .select_related("movement__origin__site", "movement__destination__site")
    )
    closures = list(op.closures.all())
    points = [(s.site.lat, s.site.lon) for s in stops]
    for r in routes:
        points.extend((lat, lon) for lon, lat in r.geometry["coordinates"])
    for c in closures:
        points.extend((lat, lon) for lat, lon in c.ring)
    features_routes = [
        {
            "type": "Feature",
            "geometry": r.geometry,
            "properties": {
                "rank": r.rank,
                "chosen": r.chosen,
                "label": f"{r.movement}: {r.get_rank_display()}",
                "minutes": r.minutes,
                "km": r.km,
            },
        }
        for r in routes
    ]
    worst = []
    for r in routes:
        if r.rank == 0 and r.worst:
            seg = r.worst
            worst.append(
                {
                    "type": "Feature",
                    "geometry": seg["geometry"],
                    "properties": {
                        "label": f"Đoạn xấu nhất: {seg['street']} — bệnh viện {seg.get('hospital')} "
                        f"{round((seg.get('hospital_s') or 0) / 60, 1)} phút"
                    },
                }
            )
    sites = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [s.site.lon, s.site.lat]},
            "properties": {"name": f"{s.order}. {s.site.name}", "kind": s.kind},
        }
        for s in stops
    ]
    closures = [
        {
            "type": "Feature",
            "properties": {"name": c.name, "active": c.active},
            "geometry": {"type": "Polygon", "coordinates": [[[lon, lat] for lat, lon in c.ring]]},
        }
        for c in closures
        if c.ring
    ]
    bbox = _bbox(points) if points else (21.0, 105.82, 21.06, 105.87)
    extra = Site.objects.visible_to(request.user).filter(
        kind__in=["hospital", "police", "safe_haven"],
        lat__gte=bbox[0],
        lat__lte=bbox[2],
        lon__gte=bbox[1],
        lon__lte=bbox[3],
    )
    facilities = routing.facilities_geojson(bbox)
    facilities["features"] += [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
            "properties": {"name": s.name, "kind": s.kind},
        }
        for s in extra
    ]
    rest = json.dumps(
        {
            "bbox": bbox,
            "roads": f"{reverse('operations-map-roads')}?bbox={','.join(map(str, routing.road_box(bbox)))}",
            "routes": {"type": "FeatureCollection", "features": features_routes},
            "worst": {"type": "FeatureCollection", "features": worst},
            "sites": {"type": "FeatureCollection", "features": sites},
            "closures": {"type": "FeatureCollection", "features": closures},
            "facilities": facilities,
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
    return HttpResponse(rest, content_type="application/json")


@login_required
def map_roads(request: HttpRequest) -> HttpResponse:
    """The streets in `bbox` (south,west,north,east), for every map: the project's public OSM roads, so
    any signed-in user may ask; a box is at most one degree a side."""
    try:
        s, w, n, e = (float(v) for v in request.GET.get("bbox", "").split(","))
    except ValueError:
        return _bad_box(_("bốn số: nam, tây, bắc, đông."))
    if not (-90 <= s < n <= 90 and -180 <= w < e <= 180):
        return _bad_box(_("nam nhỏ hơn bắc, tây nhỏ hơn đông, trong giới hạn kinh vĩ độ."))
    if n - s > 1 or e - w > 1:
        return _bad_box(_("mỗi cạnh không quá 1 độ."))
    return HttpResponse(routing.roads_in_box((s, w, n, e)), content_type="application/json")


def _bad_box(reason: str) -> HttpResponse:
    return JsonResponse({"errors": [{"field": "bbox", "reason": reason}]}, status=400)


# ---- plan versions --------------------------------------------------------------------------------------


@login_required
@require_POST
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation(request.user, pk)
    try:
        plan = services.create_plan_version(operation=op, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, reverse("operations-detail", args=[op.pk]))
    return redirect("operations-plan", pk=plan.pk)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_version(request.user, pk)
    op = plan.operation
    editable = plan.is_editable and can_edit(request.user, op, Role.PLANNER)
    form = PlanForm(request.POST or None, instance=plan)
    status = 200
    conflict = None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_plan_version(
                    plan=plan,
                    acting_user=request.user,
                    expected_version=data["expected_version"],
                    **{f: data[f] for f in PlanVersion.TEXT_FIELDS},
                )
            except VersionConflict as exc:
                conflict = exc
            except ValidationError as exc:
                form_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Đã lưu phương án."))
                return redirect("operations-plan", pk=plan.pk)
        else:
            status = 400
    role = role_over(request.user, op)
    transitions = [
        (t, PlanStatus(t).label)
        for t in domain.plan_next_states(plan.status)
        if domain.check_plan_transition(plan.status, t, role=role).allowed
        and can_edit(request.user, op, Role.OFFICER)
    ]
    context = {
        "plan": plan,
        "op": op,
        "form": form,
        "editable": editable,
        "transitions": transitions,
        "contingencies": plan.contingencies.select_related("agency", "safe_haven", "alternate_route").defer(
            *(f"alternate_route__{f}" for f in ROUTE_HEAVY)
        ),
        "contingency_form": ContingencyForm() if editable else None,
        "others": op.plan_versions.exclude(pk=plan.pk).defer(*PLAN_HEAVY),
        "content": plan.as_document_content(request.user),
    }
    if conflict is not None:
        return conflict_response(request, "operations/plan.html", context, conflict, form)
    return render(request, "operations/plan.html", context, status=status)


@login_required
@require_POST
def plan_transition(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_version(request.user, pk)
    return _act(
        request,
        lambda: services.change_plan_status(
            plan=plan, target=request.POST.get("target", ""), acting_user=request.user
        ),
        _("Đã chuyển trạng thái phương án."),
        "operations-plan",
        pk=plan.pk,
        source=PlanVersion,
    )


@login_required
@require_POST
def contingency_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_version(request.user, pk)
    if not can_edit(request.user, plan.operation, Role.PLANNER):
        raise PermissionDenied
    return act_on_form(
        request,
        ContingencyForm(request.POST),
        lambda data: services.add_contingency(plan=plan, acting_user=request.user, **data),
        done=_("Đã thêm tình huống."),
        back=reverse("operations-plan", args=[plan.pk]),
    )


@login_required
def plan_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed from another version (default: the one this version is based on)."""
    plan = get_plan_version(request.user, pk)
    other_pk = request.GET.get("against") or plan.based_on_id
    other = plan.operation.plan_versions.filter(pk=other_pk).first() if other_pk else None
    labels = {f: str(PlanVersion._meta.get_field(f).verbose_name) for f in PlanVersion.TEXT_FIELDS}
    texts, lists = [], []
    if other is not None:
        texts = domain.diff_texts(
            {f: getattr(other, f) for f in labels}, {f: getattr(plan, f) for f in labels}, labels
        )
        a, b = other.as_document_content(request.user), plan.as_document_content(request.user)
        for key, label, render_item in (
            ("contingencies", _("Tình huống"), lambda c: f"{c['kind']}: {c['response']} ({c['agency']})"),
            ("tasks_by_agency", _("Nhiệm vụ"), None),
            ("itinerary", _("Lịch trình, tuyến đường"), None),
        ):
            if render_item is None:
                removed, added = domain.diff_lists(_flatten(key, a[key]), _flatten(key, b[key]))
            else:
                removed, added = domain.diff_lists(map(render_item, a[key]), map(render_item, b[key]))
            if removed or added:
                lists.append({"label": label, "removed": removed, "added": added})
    return render(
        request,
        "operations/diff.html",
        {
            "plan": plan,
            "other": other,
            "texts": texts,
            "lists": lists,
            "op": plan.operation,
            "versions": plan.operation.plan_versions.exclude(pk=plan.pk).defer(*PLAN_HEAVY),
        },
    )


def _flatten(key: str, items: list[dict]) -> list[str]:
    if key == "tasks_by_agency":
        return [f"{g['agency']}: {t['title']} ({t['due_label']})" for g in items for t in g["tasks"]]
    out = []
    for item in items:
        if item["type"] == "stop":
            out.append(f"{item['order']}. {item['site']} {item['arrive_at']}–{item['depart_at']}")
        else:
            for r in item["routes"]:
                out.append(
                    f"{item['from']} → {item['to']} {item['depart_at']}: {r['rank']} {r['km']} km, "
                    f"{r['minutes']} phút{' (chọn)' if r['chosen'] else ''}"
                )
    return out
