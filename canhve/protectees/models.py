"""Protectee categories (nhóm đối tượng cảnh vệ, Law on Guard Art 10), guard measures (biện pháp cảnh vệ,
Art 11a) with the effective-dated set each category gets, and protectees as offices or titles.

A protectee is an office or title plus a category ("Chủ tịch nước" / top four) — never a private dossier.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from canhve.agencies.models import AgencyKind
from canhve.core.locking import Versioned
from canhve.core.models import Audited


class CategoryGroup(models.TextChoices):
    LEADER = "leader", _("Lãnh đạo Đảng, Nhà nước (Điều 10.1)")
    FOREIGN = "foreign", _("Khách quốc tế (Điều 10.2)")
    KEY_AREA = "key_area", _("Khu vực trọng yếu (Điều 13)")
    EVENT = "event", _("Sự kiện đặc biệt quan trọng (Điều 14)")
    OTHER = "other", _("Khác (do Bộ trưởng Bộ Công an quyết định)")


class TaskGate(models.TextChoices):
    """The operation state a task of this measure must be finished (or set not applicable) before."""

    APPROVED = "approved", _("Trước khi phê duyệt")
    EXECUTING = "executing", _("Trước khi triển khai")
    NONE = "", _("Không chặn")


class ProtecteeCategory(Versioned, Audited):
    """Nhóm đối tượng cảnh vệ: one group of Art 10 (or a key area / special event), editable data."""

    audit_public = True  # Guard Law categories: reference data

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=200)
    group = models.CharField(_("loại"), max_length=10, choices=CategoryGroup.choices)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm đối tượng cảnh vệ")
        verbose_name_plural = _("nhóm đối tượng cảnh vệ")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def measures_on(self, day: dt.date) -> models.QuerySet[CategoryMeasure]:
        """The measure set in force on `day` (the law changed on 1/1/2025 and changes again 1/7/2026)."""
        return (
            self.measure_links.filter(effective_from__lte=day)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
            .select_related("measure")
            .order_by("measure__order", "measure__code")
        )


class Measure(Versioned, Audited):
    """Biện pháp cảnh vệ (Art 11a): a measure, with how its task is generated for an operation."""

    audit_public = True  # Guard Law measures: reference data

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên biện pháp"), max_length=200)
    description = models.TextField(_("nội dung"), blank=True)
    legal_ref = models.CharField(_("điều khoản"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    offset_hours = models.IntegerField(
        _("hạn (giờ so với bắt đầu)"),
        default=-24,
        help_text=_("Âm: trước giờ bắt đầu, ví dụ -72 là T-72 giờ."),
    )
    gate = models.CharField(
        _("phải xong"), max_length=10, choices=TaskGate.choices, default=TaskGate.EXECUTING, blank=True
    )
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    lead_agency_code = models.CharField(
        _("đơn vị chủ trì (mã)"),
        max_length=20,
        blank=True,
        help_text=_("Ví dụ K01-BVTC. Trống: theo loại đơn vị hoặc đơn vị chủ quản nhiệm vụ."),
    )
    lead_agency_kind = models.CharField(
        _("loại đơn vị chủ trì"),
        max_length=20,
        choices=AgencyKind.choices,
        blank=True,
        help_text=_("Đơn vị tham gia thuộc loại này chủ trì (ví dụ Công an tỉnh nơi đến)."),
    )

    class Meta:
        verbose_name = _("biện pháp cảnh vệ")
        verbose_name_plural = _("biện pháp cảnh vệ")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def due_label(self) -> str:
        return f"T{self.offset_hours:+d} h" if self.offset_hours else "T"


class CategoryMeasure(Audited):
    """One measure in a category's set, in force from `effective_from` until `effective_to` (exclusive)."""

    audit_public = True  # Guard Law category → measure table: reference data

    category = models.ForeignKey(
        ProtecteeCategory, on_delete=models.CASCADE, related_name="measure_links", verbose_name=_("nhóm")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="category_links", verbose_name=_("biện pháp")
    )
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("biện pháp của nhóm")
        verbose_name_plural = _("biện pháp của nhóm")
        ordering = ["category", "measure__order", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "measure", "effective_from"], name="one_measure_link_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category.code} · {self.measure.code} ({self.effective_from:%d/%m/%Y})"

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


class Protectee(Versioned, Audited):
    """Đối tượng cảnh vệ: an office or title (e.g. "Chủ tịch nước") with its category. No personal data."""

    audit_public = True  # an office or title, no personal data: reference data

    title = models.CharField(_("chức danh"), max_length=200, unique=True)
    category = models.ForeignKey(
        ProtecteeCategory, on_delete=models.PROTECT, related_name="protectees", verbose_name=_("nhóm")
    )
    notes = models.CharField(_("ghi chú"), max_length=255, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("đối tượng cảnh vệ")
        verbose_name_plural = _("đối tượng cảnh vệ")
        ordering = ["category__order", "title"]

    def __str__(self) -> str:
        return self.title
