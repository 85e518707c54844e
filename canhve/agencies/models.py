"""Agencies (đơn vị): a tree from the Ministry down to K01 departments, provincial police, partners."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from canhve.core.locking import Versioned
from canhve.core.models import Audited, write_bulk_audit


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ")
    GUARD_COMMAND = "guard_command", _("Bộ Tư lệnh Cảnh vệ")
    GUARD_UNIT = "guard_unit", _("Đơn vị thuộc Bộ Tư lệnh Cảnh vệ")
    PROVINCIAL_POLICE = "provincial_police", _("Công an tỉnh, thành phố")
    COMMUNE_POLICE = "commune_police", _("Công an xã, phường")
    MILITARY = "military", _("Đơn vị quân đội")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    VENUE_OPERATOR = "venue_operator", _("Đơn vị quản lý địa điểm")
    MEDICAL = "medical", _("Cơ sở y tế")
    OTHER = "other", _("Khác")


def lineage_of(path: str) -> list[int]:
    """The ids on a materialised path, from the root down to the agency itself."""
    return [int(part) for part in path.strip("/").split("/") if part]


def subtree_of(paths: Mapping[int, str], roots: Iterable[int]) -> list[int]:
    """The ids of `roots` and of everything below them, in a tree given as {id: path}."""
    prefixes = tuple(paths[r] for r in roots if r in paths)
    if not prefixes:
        return []
    return [pk for pk, p in paths.items() if p.startswith(prefixes)]


def moved_paths(paths: Mapping[int, str], agency_id: int, parent_id: int | None) -> dict[int, str]:
    """The tree {id: path} as it will be once `agency_id` (and its subtree) sits under `parent_id`."""
    old = paths[agency_id]
    new = (paths[parent_id] if parent_id is not None else "/") + f"{agency_id}/"
    return {pk: new + p[len(old) :] if p.startswith(old) else p for pk, p in paths.items()}


class Agency(Versioned, Audited):
    """An agency. `path` (materialised path of ids) makes subtree queries one indexed prefix match."""

    audit_public = True  # the agency registry is reference data

    code = models.SlugField(_("mã"), max_length=32, unique=True, help_text=_("Ký hiệu, ví dụ K01, CATH."))
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=24, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "geo.Province",
        verbose_name=_("tỉnh, thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        limit_choices_to={"is_current": True},
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def clean(self) -> None:
        super().clean()
        self._refuse_a_cycle()

    def _refuse_a_cycle(self) -> None:
        """An agency may not be its own parent or sit below one of its own units: the tree would loop."""
        if self.pk is None or self.parent is None:
            return
        if self.parent_id == self.pk or f"/{self.pk}/" in self.parent.path:
            raise ValidationError(
                {"parent": _("Một đơn vị không thể nằm dưới chính nó hoặc đơn vị cấp dưới của nó.")}
            )

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self._refuse_a_cycle()
        with transaction.atomic():
            super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent is not None else "/"
            new_path = parent_path + f"{self.pk}/"
            if new_path != self.path:
                self._move_path(self.path, new_path)

    def _move_path(self, old: str, new: str) -> None:
        """Rewrite the materialised path of this agency and of everything below it (queryset updates,
        which bypass save()), with one summary audit row naming each [id, old path, new path]."""
        moved = [[self.pk, old, new]]
        Agency.objects.filter(pk=self.pk).update(path=new)
        if old:
            for child in Agency.objects.filter(path__startswith=old).exclude(pk=self.pk):
                child_path = new + child.path[len(old) :]
                Agency.objects.filter(pk=child.pk).update(path=child_path)
                moved.append([child.pk, child.path, child_path])
        self.path = new
        self._audit_snapshot = self._audit_values()
        write_bulk_audit(obj=self, name="path", updated=moved, note="đường dẫn cây đơn vị")

    @classmethod
    def subtree_ids(cls, roots: Iterable[int]) -> list[int]:
        # The tree is small (hundreds of agencies), so one query of all paths beats a recursive CTE.
        # No cross-request cache: a moved agency must change visibility at once on every app server.
        return subtree_of(cls.paths(), roots)

    @classmethod
    def paths(cls) -> dict[int, str]:
        """The whole tree as {id: materialised path}."""
        return dict(cls.objects.values_list("pk", "path"))

    @classmethod
    def lineage_ids(cls, agency_id: int) -> list[int]:
        return lineage_of(cls.objects.filter(pk=agency_id).values_list("path", flat=True).first() or "")

    def ancestors(self) -> list[Agency]:
        ids = [i for i in self.lineage_ids(self.pk) if i != self.pk]
        by_id = Agency.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class ContactPoint(Audited):
    """A duty desk or liaison of an agency (by function: the office answers, not a private person)."""

    audit_public = True  # published contact points of an agency

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("đơn vị")
    )
    function = models.CharField(_("bộ phận, chức danh"), max_length=150)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    radio_channel = models.CharField(_("kênh vô tuyến"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    available = models.CharField(_("thời gian trực"), max_length=80, blank=True, default="24/7")

    class Meta:
        verbose_name = _("đầu mối liên hệ")
        verbose_name_plural = _("đầu mối liên hệ")
        ordering = ["agency", "function"]

    def __str__(self) -> str:
        return f"{self.agency.short_name or self.agency.name}: {self.function}"
