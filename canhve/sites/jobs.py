"""Background jobs of the sites app (run by `canhve worker`)."""

from __future__ import annotations

from typing import Any

from canhve.agencies.models import Agency
from canhve.core.jobs import Progress, job_handler
from canhve.core.models import Job

from . import services

IMPORT_OSM = "sites.import_osm"
RESURVEY_SWEEP = "sites.resurvey_sweep"


@job_handler(IMPORT_OSM)
def import_osm(job: Job, progress: Progress) -> dict[str, Any]:
    progress(5, "Đang đọc dữ liệu OSM")
    agency = Agency.objects.get(pk=job.params["owner_agency_id"])
    report = services.import_osm_pois(
        acting_user=job.created_by,
        owner_agency=agency,
        amenities=job.params.get("amenities") or ("hospital", "police", "fire_station", "fuel"),
        province_code=job.params.get("province_code") or None,
    )
    return {
        "created": report.created_count,
        "duplicates": len(report.duplicates),
        "errors": [{"line": line, "reason": reason} for line, reason in report.errors[:200]],
    }


@job_handler(RESURVEY_SWEEP)
def resurvey_sweep(job: Job, progress: Progress) -> dict[str, Any]:
    return {"marked_due": services.mark_due_resurveys()}
