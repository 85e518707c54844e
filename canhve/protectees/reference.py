"""Load the Law on Guard's protectee categories and measure sets (data/guard_law.json), idempotently.

Existing rows are matched by code; a measure link is matched by (category, measure, effective_from), so
an administrator's later amendments (new links with other dates) are kept.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from .models import CategoryMeasure, Measure, Protectee, ProtecteeCategory

DATA = Path(__file__).parent / "data" / "guard_law.json"


def load_guard_law(path: Path = DATA) -> dict[str, int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = {"measures": 0, "categories": 0, "links": 0, "protectees": 0}
    with transaction.atomic():
        measures = {}
        for m in data["measures"]:
            obj = Measure.objects.filter(code=m["code"]).first()
            if obj is None:
                obj = Measure.objects.create(**m)
                counts["measures"] += 1
            measures[m["code"]] = obj
        for c in data["categories"]:
            links = c.pop("measures")
            cat = ProtecteeCategory.objects.filter(code=c["code"]).first()
            if cat is None:
                cat = ProtecteeCategory.objects.create(**c)
                counts["categories"] += 1
            for link in links:
                start = dt.date.fromisoformat(link["from"])
                end = dt.date.fromisoformat(link["to"]) if link.get("to") else None
                _, made = CategoryMeasure.objects.get_or_create(
                    category=cat,
                    measure=measures[link["measure"]],
                    effective_from=start,
                    defaults={"effective_to": end, "legal_basis": link.get("basis", "")},
                )
                counts["links"] += made
        for p in data["protectees"]:
            if not Protectee.objects.filter(title=p["title"]).exists():
                Protectee.objects.create(
                    title=p["title"],
                    category=ProtecteeCategory.objects.get(code=p["category"]),
                    notes=p.get("notes", ""),
                )
                counts["protectees"] += 1
    return counts
