"""Reads of the sites app, always scoped to the user (visible_to): the basic-survey checklist and the
nationwide dashboard. Counts are grouped queries, so the number of queries does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from canhve.agencies.models import ContactPoint
from canhve.geo.models import Province

from . import domain
from .models import BasicSurvey, SafePoint, SafePointStatus, Site

DUE_WINDOW_DAYS = 30


def effective_on(qs: QuerySet[BasicSurvey], day: dt.date) -> QuerySet[BasicSurvey]:
    return qs.filter(effective_from__lte=day).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def usable_points(user: Any, today: dt.date) -> QuerySet[SafePoint]:
    """Approved points whose re-survey date has not come: the only ones an operation may use."""
    return SafePoint.objects.visible_to(user).filter(
        status=SafePointStatus.APPROVED, resurvey_due_on__gt=today
    )


def _province_scope(survey: BasicSurvey) -> dict[str, Any]:
    if survey.province_id:
        return {"province_id": survey.province_id}
    return {"legacy_province_id": survey.legacy_province_id}


def survey_bundle(survey: BasicSurvey, user: Any, today: dt.date) -> dict[str, Any]:
    """The sites, safe points and contacts a basic survey bundles, and its checklist."""
    scope = _province_scope(survey)
    sites = Site.objects.visible_to(user).filter(**scope)
    counts = dict(sites.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    point_scope = {f"site__{k}": v for k, v in scope.items()}
    points = SafePoint.objects.visible_to(user).filter(**point_scope).select_related("site")
    approved = usable_points(user, today).filter(**point_scope).count()
    if survey.province_id:
        contacts = ContactPoint.objects.filter(agency__province_id=survey.province_id).select_related(
            "agency"
        )
    else:
        contacts = ContactPoint.objects.none()
    results = domain.checklist(counts, approved, contacts.count(), survey.confirmed.keys())
    return {
        # The ward's name only: its boundary took 3 s to decode for a province's few hundred sites.
        "sites": sites.select_related("ward").defer("ward__geometry").order_by("kind", "name"),
        "site_counts": counts,
        "points": points,
        "contacts": contacts,
        "checklist": results,
        "completion": domain.completion(results),
    }


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str
    survey_id: int | None
    completion: int
    approved_points: int
    due_soon: int


def dashboard(user: Any, today: dt.date) -> dict[str, Any]:
    """Per 2025 province: completion of the basic survey in force today, approved (usable) safe points,
    and the re-surveys due in the next 30 days — each over what `user` may see."""
    provinces = list(Province.objects.filter(is_current=True).order_by("code").values_list("code", "name"))
    site_counts: dict[str, dict[str, int]] = {}
    for code, kind, n in (
        Site.objects.visible_to(user)
        .exclude(province_id=None)
        .values_list("province_id", "kind")
        .annotate(n=Count("id"))
        .values_list("province_id", "kind", "n")
    ):
        site_counts.setdefault(code, {})[kind] = n
    approved = dict(
        usable_points(user, today)
        .values_list("site__province_id")
        .annotate(n=Count("id"))
        .values_list("site__province_id", "n")
    )
    horizon = today + dt.timedelta(days=DUE_WINDOW_DAYS)
    due_qs = (
        SafePoint.objects.visible_to(user)
        .filter(
            status__in=[SafePointStatus.APPROVED, SafePointStatus.RESURVEY_DUE], resurvey_due_on__lte=horizon
        )
        .select_related("site", "site__province")
        .defer("site__province__geometry", "site__province__geometry_simplified")
        .order_by("resurvey_due_on")
    )
    due = list(due_qs)
    due_by_province: dict[str, int] = {}
    for p in due:
        if p.site.province_id:
            due_by_province[p.site.province_id] = due_by_province.get(p.site.province_id, 0) + 1
    contacts = dict(
        ContactPoint.objects.exclude(agency__province_id=None)
        .values_list("agency__province_id")
        .annotate(n=Count("id"))
        .values_list("agency__province_id", "n")
    )
    surveys = {
        s.province_id: s
        for s in effective_on(
            BasicSurvey.objects.visible_to(user).filter(province__isnull=False), today
        ).order_by("effective_from")
    }
    rows = []
    for code, name in provinces:
        survey = surveys.get(code)
        pct = 0
        if survey is not None:
            results = domain.checklist(
                site_counts.get(code, {}),
                approved.get(code, 0),
                contacts.get(code, 0),
                survey.confirmed.keys(),
            )
            pct = domain.completion(results)
        rows.append(
            ProvinceRow(
                code,
                name,
                survey.pk if survey else None,
                pct,
                approved.get(code, 0),
                due_by_province.get(code, 0),
            )
        )
    return {"rows": rows, "due": due, "horizon": horizon, "today": today}


def province_geojson(rows: list[ProvinceRow]) -> dict[str, Any]:
    """The 34 provinces (simplified polygons, keeping Hoàng Sa and Trường Sa) with the dashboard numbers."""
    by_code = {r.code: r for r in rows}
    features = []
    for code, geometry in (
        Province.objects.filter(is_current=True)
        .exclude(geometry_simplified=None)
        .values_list("code", "geometry_simplified")
    ):
        row = by_code.get(code)
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": code,
                    "name": row.name if row else code,
                    "completion": row.completion if row else 0,
                    "approved": row.approved_points if row else 0,
                    "due": row.due_soon if row else 0,
                    "survey_id": row.survey_id if row else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
