"""Reads scoped to the user. Children of an operation are visible exactly when the operation is."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Func, Prefetch, QuerySet

from canhve.core.access import get_visible_or_404

from .models import Closure, Movement, MovementRoute, Operation, PlanVersion, Task

# Heavy columns (ADR 0108): a route's line and per-segment facilities, a closure's ring, a plan's frozen
# snapshot and texts, a province's boundaries. A page defers the ones it does not show.
ROUTE_HEAVY = ("geometry", "segments", "closures_applied")
PROVINCE_HEAVY = ("geometry", "geometry_simplified")
PLAN_HEAVY = ("snapshot", *PlanVersion.TEXT_FIELDS)


class WorstSegment(Func):
    """`segments[worst_segment]`, computed by the database: the one segment a route line shows (its
    street, or its geometry on the map) without loading and decoding every segment of the route."""

    output_field = models.JSONField()

    def __init__(self) -> None:
        super().__init__(F("segments"), F("worst_segment"))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        # PostgreSQL: jsonb -> integer
        segments, index = (compiler.compile(e) for e in self.get_source_expressions())
        return f"({segments[0]} -> {index[0]})", (*segments[1], *index[1])

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        segments, index = (compiler.compile(e) for e in self.get_source_expressions())
        return (
            f"json_extract({segments[0]}, '$[' || {index[0]} || ']')",
            (*segments[1], *index[1]),
        )


def lean_routes(*, keep: tuple[str, ...] = ()) -> QuerySet[MovementRoute]:
    """Routes without their heavy columns (all but `keep`), with `worst` = the worst segment."""
    return MovementRoute.objects.defer(*(f for f in ROUTE_HEAVY if f not in keep)).annotate(
        worst=WorstSegment()
    )


def lean_closures() -> QuerySet[Closure]:
    return Closure.objects.defer("ring")


def current_routes_prefetch(*, keep: tuple[str, ...] = ()) -> Prefetch:
    """A movement's current routes by rank, lean, as `movement.current_routes` (a list)."""
    return Prefetch(
        "routes",
        queryset=lean_routes(keep=keep).filter(current=True).order_by("rank", "-computed_at"),
        to_attr="current_routes",
    )


def operations_visible_to(user: Any) -> QuerySet[Operation]:
    return Operation.objects.visible_to(user)


def get_operation(user: Any, pk: int) -> Operation:
    """The operation or 404 (audited when Tối mật or above)."""
    return get_visible_or_404(
        Operation.objects.select_related("owner_agency", "protectee__category"), user, pk=pk
    )


def plan_versions_visible_to(user: Any) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(operation__in=operations_visible_to(user))


def get_plan_version(user: Any, pk: int, *, defer: tuple[str, ...] = ()) -> PlanVersion:
    plan = PlanVersion.objects.select_related("operation").defer(*defer).filter(pk=pk).first()
    if plan is None:
        from django.http import Http404

        raise Http404
    get_operation(user, plan.operation_id)  # 404 and audit through the operation
    return plan


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    return Task.objects.filter(operation__in=operations_visible_to(user))


def current_routes(movement: Movement) -> list[MovementRoute]:
    return [r for r in movement.routes.all() if r.current]


def tasks_by_agency(operation: Operation) -> list[tuple[Any, list[Task]]]:
    groups: dict[int, tuple[Any, list[Task]]] = {}
    for task in operation.tasks.select_related("agency", "measure").order_by("agency__name", "due_at"):
        groups.setdefault(task.agency_id, (task.agency, []))[1].append(task)
    return list(groups.values())


def route_line(route: MovementRoute) -> str:
    streets = ", ".join(route.streets[:6]) + ("…" if len(route.streets) > 6 else "")
    return f"{route.get_rank_display()}: {route.km} km, {route.minutes} phút — {streets}"


def _shown_site_ids(ids: set[int], reader: Any) -> set[int]:
    """The sites of `ids` that `reader` may see: a user (pages, API), or the compartment of a document
    about to be written from the plan (every reader of that document, ADR 0107)."""
    from canhve.core.writedown import Compartment, problem
    from canhve.sites.models import Site

    if isinstance(reader, Compartment):
        return {s.pk for s in Site.objects.filter(pk__in=ids) if problem(reader, s) is None}
    return set(Site.objects.visible_to(reader).filter(pk__in=ids).values_list("pk", flat=True))


def _visible_itinerary(itinerary: list[dict[str, Any]], reader: Any) -> list[dict[str, Any]]:
    """The itinerary with the name of every site `reader` may not see replaced by the placeholder. A
    frozen snapshot keeps the names of approval time; its site ids decide what each reader is shown now
    (an entry frozen before the ids were stored is shown as the placeholder: it cannot be checked)."""
    from canhve.core.writedown import PLACEHOLDER

    keys = {"site": "site_id", "from": "from_site_id", "to": "to_site_id"}
    ids = {e[k] for e in itinerary for k in keys.values() if e.get(k)}
    shown = _shown_site_ids(ids, reader)
    out = []
    for entry in itinerary:
        entry = dict(entry)
        for name, key in keys.items():
            if name in entry and entry.get(key) not in shown:
                entry[name] = str(PLACEHOLDER)
        out.append(entry)
    return out


def plan_document_content(plan: PlanVersion, *, reader: Any) -> dict[str, Any]:
    """Plain content of a protection plan version for the documents app (kế hoạch cảnh vệ, KH), as
    `reader` (a user, or the compartment of the document being written) may see it: a site they may not
    see is named by the placeholder, in the itinerary and as a safe haven.

    When the version is approved or later, its frozen snapshot is used for tasks, itinerary and routes.
    """
    from canhve.core.writedown import PLACEHOLDER

    op = plan.operation
    live = plan_snapshot(plan)
    frozen = plan.snapshot if plan.status != "draft" and plan.snapshot else live
    contingencies = list(
        plan.contingencies.select_related("agency", "safe_haven", "alternate_route").defer(
            *(f"alternate_route__{f}" for f in ROUTE_HEAVY)
        )
    )
    havens = _shown_site_ids({c.safe_haven_id for c in contingencies if c.safe_haven_id}, reader)
    return {
        "operation": {
            "code": op.code,
            "name": op.name,
            "kind": op.get_kind_display(),
            "protectee": str(op.protectee) if op.protectee else "",
            "category": str(op.protectee.category) if op.protectee else "",
            "starts_at": op.starts_at.isoformat(),
            "ends_at": op.ends_at.isoformat(),
            "owner_agency": str(op.owner_agency),
            "secrecy": op.secrecy,
            "participating_agencies": [str(a) for a in op.shared_with_agencies.all()],
            "provinces": [p.name for p in op.provinces.defer(*PROVINCE_HEAVY)],
        },
        "version": plan.number,
        "status": plan.status,
        "objectives": plan.objectives,
        "organisation": plan.organisation,
        "posts": plan.posts,
        "communications": plan.communications,
        "medical": plan.medical,
        "notes": plan.notes,
        "tasks_by_agency": frozen["tasks_by_agency"],
        "itinerary": _visible_itinerary(frozen["itinerary"], reader),
        "contingencies": [
            {
                "kind": c.get_kind_display(),
                "trigger": c.trigger,
                "response": c.response,
                "agency": str(c.agency),
                "safe_haven": (str(c.safe_haven) if c.safe_haven_id in havens else str(PLACEHOLDER))
                if c.safe_haven
                else c.safe_haven_note,
                "alternate_route": route_line(c.alternate_route) if c.alternate_route else "",
            }
            for c in contingencies
        ],
    }


def plan_snapshot(plan: PlanVersion) -> dict[str, Any]:
    """Tasks per agency and the itinerary with the routes stored with this version (or the current ones)."""
    from django.utils import timezone

    op = plan.operation
    tasks = [
        {
            "agency": str(agency),
            "tasks": [
                {
                    "title": t.title,
                    "due": timezone.localtime(t.due_at).strftime("%H:%M %d/%m/%Y"),
                    "due_label": f"T{t.offset_hours:+d} h",
                    "status": t.get_status_display(),
                    "mandatory": t.mandatory,
                }
                for t in items
            ],
        }
        for agency, items in tasks_by_agency(op)
    ]
    itinerary = []
    for stop in op.stops.select_related("site").order_by("order", "id"):
        itinerary.append(
            {
                "type": "stop",
                "order": stop.order,
                "site": stop.site.name,
                "site_id": stop.site_id,
                "kind": stop.get_kind_display(),
                "arrive_at": timezone.localtime(stop.arrive_at).strftime("%H:%M %d/%m/%Y")
                if stop.arrive_at
                else "",
                "depart_at": timezone.localtime(stop.depart_at).strftime("%H:%M %d/%m/%Y")
                if stop.depart_at
                else "",
                "activity": stop.activity,
            }
        )
    routes_of = Prefetch("routes", queryset=lean_routes(), to_attr="lean_routes")
    for mv in op.movements.select_related("origin__site", "destination__site").prefetch_related(routes_of):
        routes = [r for r in mv.lean_routes if r.plan_version_id == plan.pk] or [
            r for r in mv.lean_routes if r.current
        ]
        itinerary.append(
            {
                "type": "movement",
                "order": mv.order,
                "from": mv.origin.site.name,
                "from_site_id": mv.origin.site_id,
                "to": mv.destination.site.name,
                "to_site_id": mv.destination.site_id,
                "depart_at": timezone.localtime(mv.depart_at).strftime("%H:%M %d/%m/%Y"),
                "routes": [
                    {
                        "rank": r.get_rank_display(),
                        "km": r.km,
                        "minutes": r.minutes,
                        "streets": r.streets,
                        "chosen": r.chosen,
                        "choke_points": len(r.choke_points),
                        "worst_segment": r.worst,
                    }
                    for r in sorted(routes, key=lambda r: r.rank)
                ],
            }
        )
    return {"tasks_by_agency": tasks, "itinerary": itinerary}
