"""The site registry (địa điểm): venues, residences/workplaces (by function), airports, stations, ports,
hospitals, police and fire stations, safe havens, roadside stations and candidate stop/rest points."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from canhve.core.locking import Versioned
from canhve.core.models import Audited, Secured
from canhve.geo.models import LegacyDistrict, LegacyProvince, Province, Ward

from . import domain


class SiteKind(models.TextChoices):
    VENUE = "venue", _("Địa điểm hoạt động")
    RESIDENCE = "residence", _("Nơi ở, nơi làm việc")
    AIRPORT = "airport", _("Sân bay")
    STATION = "station", _("Nhà ga")
    PORT = "port", _("Cảng")
    HOSPITAL = "hospital", _("Bệnh viện")
    POLICE = "police", _("Trụ sở công an")
    FIRE = "fire", _("Phòng cháy chữa cháy")
    SAFE_HAVEN = "safe_haven", _("Nơi trú ẩn an toàn")
    ROADSIDE_STATION = "roadside_station", _("Trạm dừng nghỉ")
    STOP_POINT = "stop_point", _("Điểm dừng, nghỉ dự kiến")
    FUEL = "fuel", _("Cây xăng (nguồn nguy hiểm)")
    OTHER = "other", _("Khác")


class Site(Versioned, Secured):
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=SiteKind.choices, db_index=True)
    lat = models.FloatField(_("vĩ độ"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("kinh độ"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    ward = models.ForeignKey(
        Ward,
        verbose_name=_("xã, phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    legacy_district = models.ForeignKey(
        LegacyDistrict,
        verbose_name=_("quận, huyện cũ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    legacy_province = models.ForeignKey(
        LegacyProvince,
        verbose_name=_("tỉnh cũ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    operator = models.CharField(_("đơn vị quản lý"), max_length=200, blank=True)
    contact = models.CharField(_("liên hệ"), max_length=200, blank=True)
    emergency_surgery = models.BooleanField(_("cấp cứu ngoại khoa"), null=True, blank=True)
    beds = models.PositiveIntegerField(_("số giường"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=40, blank=True, help_text=_("osm, csv, manual…"))
    external_id = models.CharField(_("mã nguồn"), max_length=64, blank=True, db_index=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("địa điểm")
        verbose_name_plural = _("địa điểm")
        ordering = ["name"]
        # The list's order: a page of 50 walks the index instead of sorting every visible site after
        # joining province and ward (14 → 2 ms at 13,600 sites; ADR 0108).
        indexes = [models.Index(fields=["name"], name="sites_site_name_idx")]

    def __str__(self) -> str:
        return self.name

    def locate(self) -> None:
        """Fill the 2025 province and ward and the legacy district from the coordinates."""
        from canhve.geo.lookup import locate

        found = locate(self.lat, self.lon)
        self.province_id = found.province_code
        self.ward_id = found.ward_code
        self.legacy_district = _legacy_district_at(self.lat, self.lon)
        self.legacy_province_id = self.legacy_district.province_id if self.legacy_district else None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding or self.audit_changes().keys() & {"lat", "lon"}:
            self.locate()
        super().save(*args, **kwargs)


_district_boxes: list[LegacyDistrict] | None = None


def reset_district_cache() -> None:
    global _district_boxes
    _district_boxes = None


def _legacy_district_at(lat: float, lon: float) -> LegacyDistrict | None:
    # Legacy districts have only bounding boxes: take the smallest box that holds the point.
    # The boxes are reference data: read once per process (an import locates thousands of sites).
    global _district_boxes
    if _district_boxes is None:
        _district_boxes = list(LegacyDistrict.objects.exclude(bbox=None).only("code", "bbox", "province_id"))
        if not _district_boxes:
            _district_boxes = None
            return None
    best, best_area = None, float("inf")
    for district in _district_boxes:
        s, w, n, e = district.bbox
        if s <= lat <= n and w <= lon <= e:
            area = (n - s) * (e - w)
            if area < best_area:
                best, best_area = district, area
    return best


# ---- safe stop/rest points ----------------------------------------------------------------------------


class CriteriaSet(Audited):
    """Bộ tiêu chí điểm dừng, nghỉ an toàn: one published version. Versions are never edited after
    publication; a new version is a new row, and every survey keeps the version it was scored under."""

    audit_public = True  # published scoring criteria: reference data

    code = models.SlugField(_("mã"), max_length=40, default="safe-point")
    version = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tên"), max_length=200)
    approve_threshold = models.FloatField(_("ngưỡng phê duyệt"), default=70)
    resurvey_months = models.PositiveSmallIntegerField(_("chu kỳ khảo sát lại (tháng)"), default=12)
    published_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_current = models.BooleanField(_("đang áp dụng"), default=False)
    source = models.CharField(_("nguồn"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_set_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def spec(self) -> domain.CriteriaSpec:
        return domain.CriteriaSpec(
            code=self.code,
            version=self.version,
            title=self.title,
            criteria=tuple(c.spec() for c in self.criteria.all()),
            approve_threshold=self.approve_threshold,
            resurvey_months=self.resurvey_months,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "version": self.version,
            "title": self.title,
            "approve_threshold": self.approve_threshold,
            "resurvey_months": self.resurvey_months,
            "source": self.source,
            "criteria": [c.as_json() for c in self.criteria.all()],
        }


class CriterionKind(models.TextChoices):
    GATE = domain.GATE, _("Điều kiện bắt buộc")
    SCORED = domain.SCORED, _("Chấm điểm 0–5")


class AutoKind(models.TextChoices):
    DETOUR = "detour", _("Đi vòng so với hành lang tuyến")
    HOSPITAL = "hospital", _("Thời gian tới bệnh viện có cấp cứu ngoại khoa")
    POLICE = "police", _("Thời gian công an tới")
    HAZARD = "hazard", _("Khoảng cách tới nguồn nguy hiểm")
    SURVEY_AGE = "survey_age", _("Tuổi của khảo sát")


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(_("mã"), max_length=40)
    kind = models.CharField(_("loại"), max_length=8, choices=CriterionKind.choices)
    label = models.CharField(_("nội dung"), max_length=255)
    weight = models.PositiveSmallIntegerField(_("trọng số (%)"), default=0)
    auto = models.CharField(_("tính tự động"), max_length=12, choices=AutoKind.choices, blank=True)
    good = models.FloatField(_("giá trị đạt 5 điểm"), null=True, blank=True)
    bad = models.FloatField(_("giá trị 0 điểm"), null=True, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=16, blank=True)

    class Meta:
        ordering = ["criteria_set", "order"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_gate(self) -> bool:
        return self.kind == domain.GATE

    def spec(self) -> domain.CriterionSpec:
        return domain.CriterionSpec(
            code=self.code,
            kind=self.kind,
            label=self.label,
            weight=self.weight,
            auto=self.auto,
            good=self.good,
            bad=self.bad,
            unit=self.unit,
        )

    def as_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {"code": self.code, "kind": self.kind, "label": self.label}
        if self.kind == domain.SCORED:
            row["weight"] = self.weight
        if self.auto:
            row.update(auto=self.auto, good=self.good, bad=self.bad, unit=self.unit)
        return row


class SafePointStatus(models.TextChoices):
    PROPOSED = domain.S.PROPOSED, _("Đề xuất")
    SURVEYED = domain.S.SURVEYED, _("Đã khảo sát")
    SCORED = domain.S.SCORED, _("Đã chấm điểm")
    APPROVED = domain.S.APPROVED, _("Đã phê duyệt")
    RESURVEY_DUE = domain.S.RESURVEY_DUE, _("Đến hạn khảo sát lại")
    SUSPENDED = domain.S.SUSPENDED, _("Tạm dừng sử dụng")
    RETIRED = domain.S.RETIRED, _("Loại bỏ")


class SafePoint(Versioned, Secured):
    """Điểm dừng, nghỉ an toàn: a site proposed, surveyed, scored and approved as a pre-approved halt.
    Usable in an operation only while approved and before its re-survey date."""

    site = models.ForeignKey(
        Site, verbose_name=_("địa điểm"), on_delete=models.PROTECT, related_name="safe_points"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=14,
        choices=SafePointStatus.choices,
        default=SafePointStatus.PROPOSED,
        db_index=True,
    )
    corridor_from_lat = models.FloatField(_("hành lang tuyến: điểm đầu (vĩ độ)"), null=True, blank=True)
    corridor_from_lon = models.FloatField(_("hành lang tuyến: điểm đầu (kinh độ)"), null=True, blank=True)
    corridor_to_lat = models.FloatField(_("hành lang tuyến: điểm cuối (vĩ độ)"), null=True, blank=True)
    corridor_to_lon = models.FloatField(_("hành lang tuyến: điểm cuối (kinh độ)"), null=True, blank=True)
    latest_survey = models.ForeignKey(
        "SafePointSurvey",
        verbose_name=_("khảo sát gần nhất"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.FloatField(_("điểm"), null=True, blank=True)
    gates_passed = models.BooleanField(_("đạt điều kiện bắt buộc"), null=True, blank=True)
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resurvey_due_on = models.DateField(_("hạn khảo sát lại"), null=True, blank=True, db_index=True)
    status_note = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("điểm dừng, nghỉ an toàn")
        verbose_name_plural = _("điểm dừng, nghỉ an toàn")
        ordering = ["site__name"]

    def __str__(self) -> str:
        return self.site.name

    def is_usable(self, today: dt.date | None = None) -> bool:
        from django.utils import timezone

        return domain.is_usable(self.status, self.resurvey_due_on, today or timezone.localdate())

    @property
    def has_corridor(self) -> bool:
        return None not in (
            self.corridor_from_lat,
            self.corridor_from_lon,
            self.corridor_to_lat,
            self.corridor_to_lon,
        )


class SafePointSurvey(Audited):
    """One survey (khảo sát) of a safe point under one criteria-set version: who, when, the answers,
    evidence and the resulting score. Seen by whoever sees its safe point."""

    audit_parent = "safe_point"

    safe_point = models.ForeignKey(SafePoint, on_delete=models.CASCADE, related_name="surveys")
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT)
    surveyor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người khảo sát"), on_delete=models.PROTECT, related_name="+"
    )
    surveyed_on = models.DateField(_("ngày khảo sát"))
    notes = models.TextField(_("ghi chú"), blank=True)
    score = models.FloatField(_("điểm"), null=True, blank=True)
    gates_passed = models.BooleanField(_("đạt điều kiện bắt buộc"), null=True, blank=True)
    scored_at = models.DateTimeField(_("chấm điểm lúc"), null=True, blank=True)
    auto_note = models.CharField(_("ghi chú tính tự động"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("khảo sát điểm dừng, nghỉ")
        verbose_name_plural = _("khảo sát điểm dừng, nghỉ")
        ordering = ["-surveyed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.safe_point} — {self.surveyed_on:%d/%m/%Y}"


class AnswerSource(models.TextChoices):
    SURVEYOR = "surveyor", _("Người khảo sát")
    ENGINE = "engine", _("Tính bằng bản đồ đường")
    FALLBACK = "fallback", _("Nhập tay (ngoài phạm vi bản đồ đường)")


class SurveyAnswer(models.Model):
    survey = models.ForeignKey(SafePointSurvey, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("đạt"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("điểm 0–5"), null=True, blank=True)
    value = models.FloatField(_("giá trị đo"), null=True, blank=True)
    evidence = models.TextField(_("căn cứ"), blank=True)
    source = models.CharField(max_length=10, choices=AnswerSource.choices, default=AnswerSource.SURVEYOR)

    class Meta:
        ordering = ["criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "criterion"], name="one_answer_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.passed if self.criterion.is_gate else self.score}"


class Evidence(Audited):
    """A photo or document backing a survey. Stored under MEDIA_ROOT, never served as public media: only
    through the view that checks the safe point's visibility."""

    audit_parent = "survey.safe_point"

    survey = models.ForeignKey(SafePointSurvey, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to="sites/evidence/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=40)
    size = models.PositiveIntegerField(_("kích thước (byte)"))
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tài liệu, hình ảnh khảo sát")
        verbose_name_plural = _("tài liệu, hình ảnh khảo sát")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


# ---- basic survey per province ------------------------------------------------------------------------


class BasicSurvey(Versioned, Secured):
    """Điều tra cơ bản of one province, effective-dated: a new survey closes the previous one. For a
    2025 province (34) or, for history, a legacy province (63). Bundles the province's sites, safe points
    and contacts, with a completion checklist (automatic items from the data, the rest confirmed)."""

    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố (2025)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="basic_surveys",
    )
    legacy_province = models.ForeignKey(
        LegacyProvince,
        verbose_name=_("tỉnh cũ (trước 2025)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="basic_surveys",
    )
    title = models.CharField(_("tên"), max_length=200)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    confirmed = models.JSONField(_("mục đã xác nhận"), default=dict, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("điều tra cơ bản")
        verbose_name_plural = _("điều tra cơ bản")
        ordering = ["province_id", "legacy_province_id", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(province__isnull=False) | models.Q(legacy_province__isnull=False),
                name="basic_survey_has_province",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_effective(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)
