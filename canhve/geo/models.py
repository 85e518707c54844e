"""Administrative units: the 2025 two-tier units (34 provinces, 3,321 wards/communes) and the legacy
63 provinces / 696 districts / ~10,040 wards kept for pre-2025 statistics, with the old → new mapping.

Reference data, loaded by `canhve load-reference` from `data/admin/` (see data/admin/PROVENANCE.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """A 2025 province or centrally-run city (tỉnh, thành phố; NQ 202/2025/QH15)."""

    code = models.CharField(_("mã"), max_length=2, primary_key=True)
    name = models.CharField(_("tên"), max_length=80)
    full_name = models.CharField(_("tên đầy đủ"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=80, blank=True)
    kind = models.CharField(_("loại"), max_length=40, blank=True)
    area_km2 = models.FloatField(_("diện tích (km²)"), null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    geometry = models.JSONField(_("ranh giới (GeoJSON)"), null=True, blank=True)
    geometry_simplified = models.JSONField(null=True, blank=True, help_text=_("Dùng để vẽ bản đồ toàn quốc."))
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("tỉnh, thành phố (2025)")
        verbose_name_plural = _("tỉnh, thành phố (2025)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name


class Ward(models.Model):
    """A 2025 commune-level unit (phường, xã, đặc khu)."""

    code = models.CharField(_("mã"), max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="wards")
    name = models.CharField(_("tên"), max_length=80)
    full_name = models.CharField(_("tên đầy đủ"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    kind = models.CharField(_("loại"), max_length=20, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("xã, phường (2025)")
        verbose_name_plural = _("xã, phường (2025)")
        ordering = ["province", "code"]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.province.name}"


class LegacyProvince(models.Model):
    """A province of the 63 before 1 July 2025, and the 2025 province it merged into."""

    code = models.CharField(_("mã"), max_length=2, primary_key=True)
    name = models.CharField(_("tên"), max_length=120)
    successor = models.ForeignKey(
        Province, verbose_name=_("thuộc tỉnh mới"), on_delete=models.PROTECT, related_name="predecessors"
    )
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("tỉnh cũ (trước 2025)")
        verbose_name_plural = _("tỉnh cũ (trước 2025)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LegacyDistrict(models.Model):
    code = models.CharField(_("mã"), max_length=3, primary_key=True)
    name = models.CharField(_("tên"), max_length=120)
    province = models.ForeignKey(LegacyProvince, on_delete=models.PROTECT, related_name="districts")
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    bbox = models.JSONField(null=True, blank=True, help_text="[south, west, north, east]")

    class Meta:
        verbose_name = _("quận, huyện cũ")
        verbose_name_plural = _("quận, huyện cũ")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"

    @property
    def successor_province(self) -> Province:
        return self.province.successor


class LegacyWard(models.Model):
    code = models.CharField(_("mã"), max_length=5, primary_key=True)
    name = models.CharField(_("tên"), max_length=120)
    district = models.ForeignKey(LegacyDistrict, on_delete=models.PROTECT, related_name="wards")
    successor = models.ForeignKey(
        Ward,
        verbose_name=_("thuộc xã, phường mới"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("xã, phường cũ")
        verbose_name_plural = _("xã, phường cũ")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}, {self.district.name}"
