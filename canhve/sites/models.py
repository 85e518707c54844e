"""The site registry (địa điểm): venues, residences/workplaces (by function), airports, stations, ports,
hospitals, police and fire stations, safe havens, roadside stations and candidate stop/rest points."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from canhve.core.models import Secured
from canhve.geo.models import LegacyDistrict, Province, Ward


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


class Site(Secured):
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=SiteKind.choices, db_index=True)
    lat = models.FloatField(_("vĩ độ"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("kinh độ"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh, thành phố"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="sites",
    )
    ward = models.ForeignKey(
        Ward, verbose_name=_("xã, phường"), null=True, blank=True, on_delete=models.PROTECT, related_name="sites"
    )
    legacy_district = models.ForeignKey(
        LegacyDistrict, verbose_name=_("quận, huyện cũ"), null=True, blank=True, on_delete=models.PROTECT,
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

    def __str__(self) -> str:
        return self.name

    def locate(self) -> None:
        """Fill the 2025 province and ward and the legacy district from the coordinates."""
        from canhve.geo.lookup import locate

        found = locate(self.lat, self.lon)
        self.province_id = found.province_code
        self.ward_id = found.ward_code
        self.legacy_district = _legacy_district_at(self.lat, self.lon)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding or self.audit_changes().keys() & {"lat", "lon"}:
            self.locate()
        super().save(*args, **kwargs)


def _legacy_district_at(lat: float, lon: float) -> LegacyDistrict | None:
    # Legacy districts have only bounding boxes: take the smallest box that holds the point.
    best, best_area = None, float("inf")
    for district in LegacyDistrict.objects.exclude(bbox=None).only("code", "bbox"):
        s, w, n, e = district.bbox
        if s <= lat <= n and w <= lon <= e:
            area = (n - s) * (e - w)
            if area < best_area:
                best, best_area = district, area
    return best
