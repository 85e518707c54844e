"""Reads for the staffing pages, always scoped to the user."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from django.utils import timezone

from . import domain
from .models import Assignment, MobilisationRequest, MobilisationStatus, Personnel, Post, Roster

REASON_LABELS = {
    "missing_skill": "Thiếu chuyên môn",
    "clearance": "Không đủ mức tiếp cận bí mật",
    "unavailable": "Cán bộ vắng mặt",
    "people": "Thiếu người",
    "time_limit": "Hết thời gian xếp",
}


def roster_view(roster: Roster, user: Any, *, day: str | None = None) -> dict[str, Any]:
    """One day of the roster as a grid (shifts × posts), the unfilled places with reasons, and the spread
    of night shifts across people."""
    shifts = list(roster.shifts.all())
    posts = list(roster.posts.prefetch_related("required_skills").order_by("zone", "name"))
    days = sorted({timezone.localtime(s.start).date() for s in shifts})
    try:
        current = date.fromisoformat(day) if day else (days[0] if days else None)
    except ValueError:
        current = days[0] if days else None
    day_shifts = [s for s in shifts if timezone.localtime(s.start).date() == current]

    visible_people = set(Personnel.objects.visible_to(user).values_list("pk", flat=True))
    rows = list(roster.assignments.select_related("personnel", "shift").order_by("personnel__full_name"))
    cells: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for a in rows:
        a.hidden = a.personnel_id not in visible_people  # type: ignore[attr-defined]
        cells[a.shift_id, a.post_id].append(a)

    post_by_pk = {p.pk: p for p in posts}
    shift_by_pk = {s.pk: s for s in shifts}
    missing = {(u["shift"], u["post"]): u["missing"] for u in roster.result.get("unfilled", [])}
    grid = [
        {
            "shift": s,
            "cells": [
                {"post": p, "assignments": cells[s.pk, p.pk], "missing": missing.get((s.pk, p.pk), 0)}
                for p in posts
            ],
        }
        for s in day_shifts
    ]
    unfilled = [
        {
            "post": post_by_pk.get(u["post"]),
            "shift": shift_by_pk.get(u["shift"]),
            "missing": u["missing"],
            "reasons": [{"label": REASON_LABELS.get(r["code"], r["code"]), **r} for r in u["reasons"]],
        }
        for u in roster.result.get("unfilled", [])
    ]
    shortfalls = [
        {"post": post_by_pk.get(a["post"]), "shift": shift_by_pk.get(a["shift"]), **a}
        for a in roster.result.get("agency_shortfalls", [])
    ]

    nights: Counter[int] = Counter()
    total: Counter[int] = Counter()
    for a in rows:
        total[a.personnel_id] += 1
        if domain.is_night_slot(timezone.localtime(a.shift.start), timezone.localtime(a.shift.end)):
            nights[a.personnel_id] += 1
    people = len(total)
    spread = {
        "people": people,
        "assignments": len(rows),
        "pinned": sum(1 for a in rows if a.pinned),
        "night_max": max(nights.values(), default=0),
        "night_min": min((nights[p] for p in total), default=0),
    }
    signed = sum(1 for a in rows if a.signed_in_at)
    return {
        "days": days,
        "day": current,
        "grid": grid,
        "posts": posts,
        "unfilled": unfilled[:200],
        "unfilled_total": len(unfilled),
        "shortfalls": shortfalls[:100],
        "spread": spread,
        "signed": signed,
        "violations": roster.result.get("violations", []),
    }


def operation_staffing(operation: Any, user: Any) -> dict[str, Any]:
    """What an operation has and still lacks: its posts, its rosters' unfilled places and its open
    mobilisation requests, per skill."""
    posts = list(
        Post.objects.visible_to(user)
        .filter(operation=operation)
        .prefetch_related("required_skills", "agency_mix__agency")
    )
    rosters = list(Roster.objects.visible_to(user).filter(operation=operation))
    roster_rows = [
        {
            "roster": r,
            "unfilled_places": sum(u["missing"] for u in r.result.get("unfilled", [])),
            "assignments": r.assignments.count(),
        }
        for r in rosters
    ]
    requests = list(
        MobilisationRequest.objects.visible_to(user)
        .filter(operation=operation)
        .select_related("partner_agency", "skill")
        .prefetch_related("provided")
    )
    needs = domain.missing_by_skill(
        (str(r.skill) if r.skill else "Lực lượng chung", r.head_count, len(r.provided.all()), r.status)
        for r in requests
    )
    return {
        "posts": posts,
        "heads_per_shift": sum(p.head_count for p in posts),
        "roster_rows": roster_rows,
        "requests": requests,
        "needs": needs,
        "missing_total": sum(n.missing for n in needs),
        "open_requests": sum(
            1 for r in requests if r.status in (MobilisationStatus.SENT, MobilisationStatus.PARTIAL)
        ),
    }
