"""Every write of the sites app: keyword-only arguments with `acting_user`, one transaction, the permission
check, validation as ValidationError({field: [message]}). The audit rows come from the models' save()."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from canhve.accounts.models import Role
from canhve.agencies.models import Agency
from canhve.core import uploads
from canhve.core.access import can_create_in, can_edit
from canhve.core.locking import claim_version
from canhve.core.models import write_bulk_audit
from canhve.core.secrecy import Secrecy
from canhve.geo.models import LegacyProvince, Province

from . import auto, domain
from .models import (
    AnswerSource,
    BasicSurvey,
    CriteriaSet,
    Criterion,
    Evidence,
    SafePoint,
    SafePointStatus,
    SafePointSurvey,
    Site,
    SiteKind,
    SurveyAnswer,
)

DEFAULT_CRITERIA_FILE = "criteria/safe_point_default_v1.json"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})
DUPLICATE_RADIUS_M = 100.0


def _check_secrecy(acting_user: Any, secrecy: int) -> None:
    if secrecy not in Secrecy.values:
        raise ValidationError({"secrecy": ["Độ mật không hợp lệ."]})
    if secrecy > acting_user.clearance:
        raise ValidationError({"secrecy": ["Không thể tạo bản ghi có độ mật cao hơn mức được tiếp cận."]})


# ---- criteria sets ------------------------------------------------------------------------------------


def _store_criteria(spec: domain.CriteriaSpec, *, source: str, user: Any, current: bool) -> CriteriaSet:
    cset = CriteriaSet.objects.create(
        code=spec.code,
        version=spec.version,
        title=spec.title,
        approve_threshold=spec.approve_threshold,
        resurvey_months=spec.resurvey_months,
        source=source[:255],
        published_at=timezone.now(),
        published_by=user,
        is_current=current,
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            criteria_set=cset,
            order=i,
            code=c.code,
            kind=c.kind,
            label=c.label,
            weight=c.weight,
            auto=c.auto,
            good=c.good,
            bad=c.bad,
            unit=c.unit,
        )
        for i, c in enumerate(spec.criteria)
    )
    write_bulk_audit(
        obj=cset, name="criteria", created=[[c.pk, c.code] for c in criteria], note="ban hành bộ tiêu chí"
    )
    return cset


def load_default_criteria(data_dir: Path | None = None) -> CriteriaSet:
    """The shipped default set (domain brief §5), version 1. Idempotent: found by code and version."""
    path = (data_dir or Path(settings.DATA_DIR)) / DEFAULT_CRITERIA_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    spec = domain.parse_criteria(data)
    existing = CriteriaSet.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        has_current = CriteriaSet.objects.filter(code=spec.code, is_current=True).exists()
        return _store_criteria(
            spec, source=str(data.get("source", path.name)), user=None, current=not has_current
        )


def current_criteria(code: str = "safe-point") -> CriteriaSet:
    cset = CriteriaSet.objects.filter(code=code, is_current=True).first()
    return cset or load_default_criteria()


def publish_criteria_set(
    *, acting_user: Any, data: Mapping[str, Any], code: str = "safe-point"
) -> CriteriaSet:
    """Publish a new version (administrators only). Earlier versions stay, with every survey scored
    under them; new surveys use the new version."""
    if not (acting_user.is_superuser or acting_user.max_role() >= Role.ADMINISTRATOR):
        raise PermissionDenied("Chỉ quản trị viên được ban hành bộ tiêu chí.")
    try:
        spec = domain.parse_criteria({**data, "code": code})
    except ValueError as exc:
        problems = exc.args[0] if exc.args and isinstance(exc.args[0], list) else [str(exc)]
        raise ValidationError({"criteria": problems}) from exc
    with transaction.atomic():
        latest = CriteriaSet.objects.select_for_update().filter(code=code).order_by("-version").first()
        version = (latest.version if latest else 0) + 1
        spec = domain.CriteriaSpec(
            code=code,
            version=version,
            title=spec.title or (latest.title if latest else code),
            criteria=spec.criteria,
            approve_threshold=spec.approve_threshold,
            resurvey_months=spec.resurvey_months,
        )
        for old in CriteriaSet.objects.filter(code=code, is_current=True):
            old.is_current = False
            old.save()
        return _store_criteria(spec, source=str(data.get("source", "")), user=acting_user, current=True)


# ---- sites --------------------------------------------------------------------------------------------

SITE_FIELDS = (
    "name",
    "kind",
    "lat",
    "lon",
    "address",
    "operator",
    "contact",
    "emergency_surgery",
    "beds",
    "external_id",
    "notes",
)


def create_site(
    *, acting_user: Any, owner_agency: Agency, secrecy: int, source: str = "manual", **fields: Any
) -> Site:
    if not can_create_in(acting_user, owner_agency.pk, Role.OFFICER):
        raise PermissionDenied("Cần quyền cán bộ của đơn vị chủ quản.")
    _check_secrecy(acting_user, secrecy)
    unknown = set(fields) - set(SITE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": [f"Trường không có: {', '.join(sorted(unknown))}."]})
    with transaction.atomic():
        site = Site(owner_agency=owner_agency, secrecy=secrecy, source=source, **fields)
        site.full_clean(exclude=["province", "ward", "legacy_district", "legacy_province"])
        site.save()
    return site


def update_site(*, acting_user: Any, site: Site, expected_version: int | None = None, **fields: Any) -> Site:
    """`expected_version`: the version the editor loaded; a stale one raises VersionConflict (ADR 0105)."""
    if not can_edit(acting_user, site, Role.OFFICER):
        raise PermissionDenied("Cần quyền cán bộ của đơn vị chủ quản và mức tiếp cận phù hợp.")
    if "secrecy" in fields:
        _check_secrecy(acting_user, fields["secrecy"])
    with transaction.atomic():
        claim_version(site, expected_version)
        for name, value in fields.items():
            if name not in (*SITE_FIELDS, "secrecy"):
                raise ValidationError({"__all__": [f"Trường không có: {name}."]})
            setattr(site, name, value)
        site.full_clean(exclude=["province", "ward", "legacy_district", "legacy_province"])
        site.save()
    return site


@dataclass
class ImportReport:
    created: list[Site] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (line, what it duplicates)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    rolled_back: bool = False

    @property
    def created_count(self) -> int:
        return 0 if self.rolled_back else len(self.created)


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).lower().split())


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _bool(value: Any) -> bool | None:
    if value is None or value == "" or isinstance(value, bool):
        return value if isinstance(value, bool) else None
    text = str(value).strip().lower()
    if text in {"1", "yes", "true", "co", "có", "x", "y"}:
        return True
    if text in {"0", "no", "false", "khong", "không", "n"}:
        return False
    raise ValueError(f"'{value}' không phải có/không")


def _clean_row(row: dict[str, Any], default_kind: str) -> dict[str, Any]:
    """One row → Site fields; raises ValueError with the reason a person can act on."""
    if row.get("_error"):
        raise ValueError(row["_error"])
    name = str(row.get("name", "")).strip()
    if not name:
        raise ValueError("thiếu tên")
    kind = str(row.get("kind") or default_kind).strip()
    if kind not in SiteKind.values:
        labels = {str(label).lower(): value for value, label in SiteKind.choices}
        kind = labels.get(kind.lower(), "")
        if not kind:
            raise ValueError(
                f"loại '{row.get('kind')}' không có; dùng một trong: {', '.join(SiteKind.values)}"
            )
    try:
        lat, lon = (
            float(str(row.get("lat", "")).replace(",", ".")),
            float(str(row.get("lon", "")).replace(",", ".")),
        )
    except ValueError:
        raise ValueError("thiếu hoặc sai tọa độ (lat, lon phải là số)") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"tọa độ không hợp lệ: {lat}, {lon}")
    if not (5 <= lat <= 24 and 100 <= lon <= 120):
        if 5 <= lon <= 24 and 100 <= lat <= 120:
            raise ValueError(f"tọa độ {lat}, {lon}: có vẻ đảo vĩ độ và kinh độ")
        raise ValueError(f"tọa độ {lat}, {lon} nằm ngoài lãnh thổ Việt Nam")
    out: dict[str, Any] = {"name": name[:200], "kind": kind, "lat": lat, "lon": lon}
    for key in ("address", "operator", "contact", "external_id", "notes"):
        if row.get(key):
            out[key] = str(row[key])[: 64 if key == "external_id" else 255]
    if row.get("emergency_surgery") not in (None, ""):
        out["emergency_surgery"] = _bool(row["emergency_surgery"])
    if row.get("beds") not in (None, ""):
        try:
            beds = int(float(str(row["beds"])))
        except ValueError:
            raise ValueError(f"số giường '{row['beds']}' không phải số") from None
        if beds < 0:
            raise ValueError("số giường âm")
        out["beds"] = beds
    return out


class _Rollback(Exception):
    pass


def import_sites(
    *,
    acting_user: Any,
    owner_agency: Agency,
    rows: Iterable[tuple[int, dict[str, Any]]],
    source: str,
    secrecy: int = Secrecy.NONE,
    default_kind: str = "",
    all_or_nothing: bool = False,
) -> ImportReport:
    """Import rows into the registry. Duplicates (same source id, or same kind and name within 100 m,
    in the registry or earlier in the file) are skipped and listed; a bad row is reported with its line
    and reason and the rest imports — unless `all_or_nothing`, when any error imports nothing."""
    if not can_create_in(acting_user, owner_agency.pk, Role.OFFICER):
        raise PermissionDenied("Cần quyền cán bộ của đơn vị chủ quản.")
    _check_secrecy(acting_user, secrecy)
    report = ImportReport()
    existing = list(
        Site.objects.filter(owner_agency=owner_agency).values_list(
            "kind", "name", "lat", "lon", "source", "external_id"
        )
    )
    by_ext = {(s, e): n for _, n, _, _, s, e in existing if e}
    by_kind: dict[str, list[tuple[str, float, float]]] = {}
    for kind, name, lat, lon, _, _ in existing:
        by_kind.setdefault(kind, []).append((_fold(name), lat, lon))
    try:
        with transaction.atomic():
            for line, row in rows:
                try:
                    data = _clean_row(row, default_kind)
                except ValueError as exc:
                    report.errors.append((line, str(exc)))
                    continue
                ext = data.get("external_id", "")
                folded = _fold(data["name"])
                if ext and (source, ext) in by_ext:
                    report.duplicates.append((line, f"trùng mã nguồn {ext} ({by_ext[(source, ext)]})"))
                    continue
                near = next(
                    (
                        n
                        for n, la, lo in by_kind.get(data["kind"], [])
                        if n == folded
                        and _distance_m((la, lo), (data["lat"], data["lon"])) <= DUPLICATE_RADIUS_M
                    ),
                    None,
                )
                if near is not None:
                    report.duplicates.append((line, f"trùng tên và vị trí với '{data['name']}'"))
                    continue
                site = Site(owner_agency=owner_agency, secrecy=secrecy, source=source, **data)
                site.save(audit_note=f"import {source} line {line}")
                report.created.append(site)
                if ext:
                    by_ext[(source, ext)] = data["name"]
                by_kind.setdefault(data["kind"], []).append((folded, data["lat"], data["lon"]))
            if all_or_nothing and report.errors:
                raise _Rollback
    except _Rollback:
        report.rolled_back = True
    return report


def import_osm_pois(
    *,
    acting_user: Any,
    owner_agency: Agency,
    amenities: Iterable[str] = ("hospital", "police", "fire_station"),
    province_code: str | None = None,
    paths: Iterable[Path] | None = None,
) -> ImportReport:
    """Hospitals, police and fire stations (and fuel stations, as hazards) from the shipped OSM POI data."""
    from .importers import read_osm_pois

    wanted = set(amenities)
    files = (
        list(paths)
        if paths is not None
        else [
            auto.pois_dir() / "hanoi_hospitals_2024-09-27.overpass.json",
            auto.pois_dir() / "vn5cities_emergency_pois.geojson",
        ]
    )

    def rows() -> Iterable[tuple[int, dict[str, Any]]]:
        for path in files:
            if not path.is_file():
                continue
            for line, row in read_osm_pois(path, wanted, province_code):
                if row.pop("_unnamed", False):
                    row["name"] = f"{SiteKind(row['kind']).label} (OSM {row['external_id']})"
                yield line, row

    return import_sites(
        acting_user=acting_user, owner_agency=owner_agency, rows=rows(), source="osm", secrecy=Secrecy.NONE
    )


# ---- safe points --------------------------------------------------------------------------------------


def _transition(point: SafePoint, target: str, note: str = "") -> None:
    if not domain.can_transition(point.status, target):
        raise ValidationError(
            {
                "status": [
                    f"Không chuyển được từ '{SafePointStatus(point.status).label}' "
                    f"sang '{SafePointStatus(target).label}'."
                ]
            }
        )
    point.status = target
    point.save(audit_note=note)


def propose_safe_point(
    *,
    acting_user: Any,
    site: Site,
    owner_agency: Agency | None = None,
    secrecy: int | None = None,
    corridor: tuple[float, float, float, float] | None = None,
) -> SafePoint:
    """Propose a site as a safe stop/rest point (đề xuất). Needs officer rights in the owning agency."""
    owner = owner_agency or site.owner_agency
    level = site.secrecy if secrecy is None else secrecy
    if not can_create_in(acting_user, owner.pk, Role.OFFICER):
        raise PermissionDenied("Cần quyền cán bộ của đơn vị chủ quản.")
    if not site.is_visible_to(acting_user):
        raise PermissionDenied("Không có quyền với địa điểm này.")
    _check_secrecy(acting_user, level)
    if level < site.secrecy:
        raise ValidationError({"secrecy": ["Độ mật của điểm không được thấp hơn độ mật của địa điểm."]})
    with transaction.atomic():
        point = SafePoint(site=site, owner_agency=owner, secrecy=level)
        if corridor:
            point.corridor_from_lat, point.corridor_from_lon, point.corridor_to_lat, point.corridor_to_lon = (
                corridor
            )
        point.save()
        if site.kind not in (SiteKind.STOP_POINT, SiteKind.ROADSIDE_STATION) and owner != site.owner_agency:
            point.shared_with_agencies.add(site.owner_agency)
    return point


def set_corridor(
    *, acting_user: Any, point: SafePoint, corridor: tuple[float, float, float, float] | None
) -> None:
    if not can_edit(acting_user, point, Role.OFFICER):
        raise PermissionDenied("Cần quyền cán bộ của đơn vị chủ quản.")
    with transaction.atomic():
        values = corridor or (None, None, None, None)
        point.corridor_from_lat, point.corridor_from_lon, point.corridor_to_lat, point.corridor_to_lon = (
            values
        )
        point.save()


def record_survey(
    *,
    acting_user: Any,
    point: SafePoint,
    surveyed_on: dt.date,
    gates: Mapping[str, bool | None],
    scores: Mapping[str, int | None],
    evidence: Mapping[str, str] | None = None,
    notes: str = "",
    fallback_values: Mapping[str, float] | None = None,
    today: dt.date | None = None,
    router: Any = None,
) -> SafePointSurvey:
    """Record a survey under the current criteria set, compute the automatic criteria with the routing
    engine, score it, and move the point to surveyed → scored. Automatic criteria are never typed in: a
    typed value (`fallback_values`) is used only where the engine cannot compute one (outside the graph)."""
    if not can_edit(acting_user, point, Role.OFFICER):
        raise PermissionDenied("Cần quyền cán bộ của đơn vị chủ quản và mức tiếp cận phù hợp.")
    today = today or timezone.localdate()
    if surveyed_on > today:
        raise ValidationError({"surveyed_on": ["Ngày khảo sát không được ở tương lai."]})
    if point.status == SafePointStatus.RETIRED:
        raise ValidationError({"status": ["Điểm đã loại bỏ, không khảo sát lại."]})
    cset = current_criteria()
    criteria = list(cset.criteria.all())
    evidence, fallback_values = evidence or {}, fallback_values or {}
    for code, s in scores.items():
        if s is not None and not 0 <= int(s) <= domain.MAX_SCORE:
            raise ValidationError({f"score_{code}": ["Điểm phải từ 0 đến 5."]})
    computed = auto.compute(point, surveyed_on, today, router=router)
    with transaction.atomic():
        survey = SafePointSurvey.objects.create(
            safe_point=point,
            criteria_set=cset,
            surveyor=acting_user,
            surveyed_on=surveyed_on,
            notes=notes,
            auto_note=" ".join(computed.notes)[:255],
        )
        gate_values: dict[str, bool | None] = {}
        score_values: dict[str, int | None] = {}
        answers = []
        for c in criteria:
            ans = SurveyAnswer(survey=survey, criterion=c, evidence=evidence.get(c.code, ""))
            if c.is_gate:
                ans.passed = gates.get(c.code)
                gate_values[c.code] = ans.passed
            elif c.auto:
                value = computed.values.get(c.auto)
                ans.source = AnswerSource.ENGINE
                if value is None and c.code in fallback_values:
                    value, ans.source = float(fallback_values[c.code]), AnswerSource.FALLBACK
                ans.value = value
                ans.score = (
                    domain.auto_score(value, c.good, c.bad)
                    if c.good is not None and c.bad is not None
                    else None
                )
                ans.evidence = (
                    computed.evidence.get(c.auto, "")
                    if ans.source == AnswerSource.ENGINE
                    else (ans.evidence or "Nhập tay: ngoài phạm vi bản đồ đường")
                )
                score_values[c.code] = ans.score
            else:
                s = scores.get(c.code)
                ans.score = int(s) if s is not None else None
                score_values[c.code] = ans.score
            answers.append(ans)
        SurveyAnswer.objects.bulk_create(answers)
        write_bulk_audit(
            obj=survey, name="answers", created=[[a.pk, a.criterion.code] for a in answers], note="khảo sát"
        )
        result = domain.evaluate(cset.spec(), gate_values, score_values)
        survey.score, survey.gates_passed, survey.scored_at = (
            result.score,
            result.gates_passed,
            timezone.now(),
        )
        survey.save()
        point.latest_survey = survey
        point.approved_at, point.approved_by = None, None
        point.resurvey_due_on = domain.resurvey_due_on(surveyed_on, cset.resurvey_months)
        _transition(point, SafePointStatus.SURVEYED, note=f"survey {survey.pk}")
        point.score, point.gates_passed = result.score, result.gates_passed
        _transition(point, SafePointStatus.SCORED, note=f"score {result.score:g}")
    return survey


def evidence_type(upload: UploadedFile) -> str:
    """The content type of an evidence file, decided by its content (a photo must decode with Pillow);
    ValidationError on `file` otherwise. The survey and evidence forms call it too, before any write."""
    try:
        return uploads.file_type(upload, EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc


def add_evidence(
    *, acting_user: Any, survey: SafePointSurvey, upload: UploadedFile, caption: str = ""
) -> Evidence:
    """Attach a photo (JPEG/PNG) or PDF to a survey: at most 10 MB, type decided by the content."""
    point = survey.safe_point
    if not can_edit(acting_user, point, Role.OFFICER):
        raise PermissionDenied("Cần quyền cán bộ của đơn vị chủ quản.")
    content_type = evidence_type(upload)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original = Path(upload.name or "tep").name
    ext = uploads.EXTENSION[content_type]
    upload.name = f"{digest.hexdigest()[:24]}{ext}"  # never trust the uploaded name on disk
    with transaction.atomic():
        item = Evidence(
            survey=survey,
            file=upload,
            original_name=original[:200],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            caption=caption[:200],
            uploaded_by=acting_user,
        )
        item.save()
    return item


def approve_safe_point(*, acting_user: Any, point: SafePoint, today: dt.date | None = None) -> SafePoint:
    """Approve (phê duyệt) a scored point: commander of the owning agency; every gate passed, score at
    or above the threshold of the version it was scored under, survey not past its re-survey date."""
    if not can_edit(acting_user, point, Role.COMMANDER):
        raise PermissionDenied("Cần quyền chỉ huy của đơn vị chủ quản.")
    today = today or timezone.localdate()
    survey = point.latest_survey
    if survey is None or survey.score is None:
        raise ValidationError({"status": ["Chưa có khảo sát được chấm điểm."]})
    if point.resurvey_due_on is not None and today >= point.resurvey_due_on:
        raise ValidationError({"status": ["Khảo sát đã quá hạn, cần khảo sát lại."]})
    spec = survey.criteria_set.spec()
    gates = {a.criterion.code: a.passed for a in survey.answers.select_related("criterion")}
    scores = {a.criterion.code: a.score for a in survey.answers.select_related("criterion")}
    result = domain.evaluate(spec, gates, scores)
    if not result.approvable:
        raise ValidationError({"status": list(result.reasons)})
    with transaction.atomic():
        point.approved_at, point.approved_by = timezone.now(), acting_user
        _transition(point, SafePointStatus.APPROVED, note="approved")
    return point


def change_safe_point_status(*, acting_user: Any, point: SafePoint, target: str, reason: str) -> SafePoint:
    """Suspend (tạm dừng) or retire (loại bỏ) a point; planners of the owning agency, with a reason."""
    if target not in (SafePointStatus.SUSPENDED, SafePointStatus.RETIRED):
        raise ValidationError({"status": ["Chỉ tạm dừng hoặc loại bỏ bằng thao tác này."]})
    if not can_edit(acting_user, point, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị chủ quản.")
    if not reason.strip():
        raise ValidationError({"reason": ["Cần nêu lý do."]})
    with transaction.atomic():
        point.status_note = reason.strip()[:255]
        _transition(point, target, note=reason)
    return point


def mark_due_resurveys(*, today: dt.date | None = None) -> int:
    """The daily sweep: approved points whose re-survey date has come become 're-survey due'."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        for point in SafePoint.objects.filter(status=SafePointStatus.APPROVED, resurvey_due_on__lte=today):
            point.status = domain.state_on(point.status, point.resurvey_due_on, today)
            point.save(audit_note="re-survey due")
            count += 1
    return count


# ---- basic survey -------------------------------------------------------------------------------------


def create_basic_survey(
    *,
    acting_user: Any,
    owner_agency: Agency,
    effective_from: dt.date,
    title: str = "",
    province: Province | None = None,
    legacy_province: LegacyProvince | None = None,
    secrecy: int = Secrecy.MAT,
    notes: str = "",
) -> BasicSurvey:
    """Start a province's basic survey effective from a date; the one in force ends the day before."""
    if not can_create_in(acting_user, owner_agency.pk, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị chủ quản.")
    _check_secrecy(acting_user, secrecy)
    if (province is None) == (legacy_province is None):
        raise ValidationError({"province": ["Chọn đúng một tỉnh: tỉnh mới (2025) hoặc tỉnh cũ."]})
    scope = {"province": province} if province else {"legacy_province": legacy_province}
    with transaction.atomic():
        earlier = BasicSurvey.objects.filter(**scope, effective_from__gte=effective_from)
        if earlier.exists():
            raise ValidationError(
                {"effective_from": ["Đã có điều tra cơ bản hiệu lực từ ngày này hoặc sau đó."]}
            )
        for previous in BasicSurvey.objects.filter(**scope, effective_to__isnull=True):
            previous.effective_to = effective_from - dt.timedelta(days=1)
            previous.save(audit_note="superseded")
        unit = province or legacy_province
        survey = BasicSurvey(
            owner_agency=owner_agency,
            secrecy=secrecy,
            effective_from=effective_from,
            notes=notes,
            title=title or f"Điều tra cơ bản {unit.name} ({effective_from:%d/%m/%Y})",
            **scope,  # type: ignore[union-attr]
        )
        survey.full_clean()
        survey.save()
    return survey


def confirm_checklist_item(*, acting_user: Any, survey: BasicSurvey, key: str, done: bool) -> BasicSurvey:
    if not can_edit(acting_user, survey, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị chủ quản.")
    manual = {i.key for i in domain.CHECKLIST if i.manual}
    if key not in manual:
        raise ValidationError({"key": ["Mục này tính tự động từ dữ liệu, không xác nhận tay."]})
    with transaction.atomic():
        # Re-read under a row lock: two planners ticking different items must not drop each other's.
        survey.refresh_from_db(from_queryset=BasicSurvey.objects.select_for_update())
        confirmed = dict(survey.confirmed)
        if done:
            confirmed[key] = {"by": acting_user.get_username(), "on": timezone.localdate().isoformat()}
        else:
            confirmed.pop(key, None)
        survey.confirmed = confirmed
        survey.save()
    return survey
