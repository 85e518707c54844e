"""Operations (nhiệm vụ cảnh vệ): the operation with its life-cycle, its task checklist, its itinerary of
stops and movements with the computed routes, road closures, the protection plan (phương án / kế hoạch
cảnh vệ) as versions, and the plan's contingencies.

Only `Operation` is a `Secured` record; everything else belongs to one operation and is visible exactly when
the operation is (see `selectors.py`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from canhve.core.locking import Versioned
from canhve.core.models import Audited, Secured
from canhve.protectees.models import TaskGate


class OperationKind(models.TextChoices):
    VISIT = "visit", _("Hoạt động của đối tượng cảnh vệ")
    DELEGATION = "delegation", _("Đoàn khách quốc tế")
    EVENT = "event", _("Sự kiện đặc biệt quan trọng")
    KEY_AREA = "key_area", _("Bảo vệ khu vực trọng yếu")
    EXERCISE = "exercise", _("Diễn tập")


class OperationStatus(models.TextChoices):
    REQUESTED = "requested", _("Tiếp nhận yêu cầu")
    PLANNING = "planning", _("Xây dựng phương án")
    APPROVED = "approved", _("Đã phê duyệt")
    ADVANCE = "advance", _("Đi trước, kiểm tra")
    REHEARSAL = "rehearsal", _("Tổng duyệt")
    EXECUTING = "executing", _("Đang thực hiện")
    STAND_DOWN = "stand_down", _("Kết thúc, thu quân")
    REVIEW = "review", _("Rút kinh nghiệm")
    CLOSED = "closed", _("Đã đóng")
    CANCELLED = "cancelled", _("Đã hủy")


class Operation(Versioned, Secured):
    """Nhiệm vụ cảnh vệ: a protectee's activity, an international delegation, a special event or a key-area
    duty. Its compartment (shared_with_agencies) is the participating agencies."""

    code = models.CharField(_("số hiệu"), max_length=30, unique=True)
    name = models.CharField(_("tên nhiệm vụ"), max_length=255)
    kind = models.CharField(_("loại"), max_length=12, choices=OperationKind.choices)
    protectee = models.ForeignKey(
        "protectees.Protectee",
        verbose_name=_("đối tượng cảnh vệ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operations",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=OperationStatus.choices,
        default=OperationStatus.REQUESTED,
        db_index=True,
    )
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    provinces = models.ManyToManyField(
        "geo.Province", verbose_name=_("tỉnh, thành phố"), blank=True, related_name="+"
    )
    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chỉ huy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("nội dung"), blank=True)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ cảnh vệ")
        verbose_name_plural = _("nhiệm vụ cảnh vệ")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def current_plan(self) -> PlanVersion | None:
        return self.plan_versions.exclude(status=PlanStatus.SUPERSEDED).order_by("-number").first()


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    NOT_APPLICABLE = "not_applicable", _("Không áp dụng")


class Task(Versioned, Audited):
    """Nhiệm vụ cụ thể: one item of the checklist, generated from a measure or added by hand."""

    audit_parent = "operation"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="tasks")
    measure = models.ForeignKey(
        "protectees.Measure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("biện pháp"),
    )
    title = models.CharField(_("nhiệm vụ"), max_length=255)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị thực hiện")
    )
    offset_hours = models.IntegerField(_("hạn (giờ so với bắt đầu)"), default=-24)
    due_at = models.DateTimeField(_("hạn"))
    gate = models.CharField(_("phải xong"), max_length=10, choices=TaskGate.choices, blank=True)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    na_reason = models.CharField(_("lý do không áp dụng"), max_length=255, blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người xác nhận"),
    )

    class Meta:
        verbose_name = _("nhiệm vụ cụ thể")
        verbose_name_plural = _("nhiệm vụ cụ thể")
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)

    def is_overdue(self, now: Any = None) -> bool:
        from django.utils import timezone

        return not self.is_closed and self.due_at < (now or timezone.now())


class StopKind(models.TextChoices):
    ARRIVAL = "arrival", _("Điểm đến (sân bay, nhà ga)")
    VENUE = "venue", _("Địa điểm hoạt động")
    LODGING = "lodging", _("Nơi nghỉ")
    REST = "rest", _("Điểm dừng, nghỉ")
    DEPARTURE = "departure", _("Điểm đi")
    SAFE_POINT = "safe_point", _("Điểm an toàn")


class Stop(Audited):
    """Điểm trong lịch trình: a timed stop at a site."""

    audit_parent = "operation"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="stops")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("địa điểm")
    )
    kind = models.CharField(_("loại"), max_length=12, choices=StopKind.choices, default=StopKind.VENUE)
    arrive_at = models.DateTimeField(_("đến lúc"), null=True, blank=True)
    depart_at = models.DateTimeField(_("rời lúc"), null=True, blank=True)
    activity = models.CharField(_("hoạt động"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("điểm trong lịch trình")
        verbose_name_plural = _("điểm trong lịch trình")
        ordering = ["operation", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.site}"


class Movement(Audited):
    """Di chuyển: the motorcade's movement between two stops, departing at a given time."""

    audit_parent = "operation"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="movements")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    origin = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="+", verbose_name=_("từ"))
    destination = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="+", verbose_name=_("đến"))
    depart_at = models.DateTimeField(_("khởi hành"))
    notes = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("di chuyển")
        verbose_name_plural = _("di chuyển")
        ordering = ["operation", "order", "depart_at"]

    def __str__(self) -> str:
        return f"{self.origin.site} → {self.destination.site}"


class ClosureKind(models.TextChoices):
    POLYGON = "polygon", _("Vùng cấm")
    STREETS = "streets", _("Tuyến phố")


class Closure(Versioned, Audited):
    """Phân luồng, cấm đường: an area (polygon) or named streets closed for the operation."""

    audit_parent = "operation"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="closures")
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(
        _("loại"), max_length=10, choices=ClosureKind.choices, default=ClosureKind.POLYGON
    )
    ring = models.JSONField(_("vùng (lat, lon)"), default=list, blank=True)
    streets = models.JSONField(_("tên phố"), default=list, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    starts_at = models.DateTimeField(_("từ"), null=True, blank=True)
    ends_at = models.DateTimeField(_("đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("cấm đường, phân luồng")
        verbose_name_plural = _("cấm đường, phân luồng")
        ordering = ["operation", "id"]

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    REVIEWED = "reviewed", _("Đã thẩm định")
    APPROVED = "approved", _("Đã phê duyệt")
    ISSUED = "issued", _("Đã ban hành")
    AMENDED = "amended", _("Đã sửa đổi")
    SUPERSEDED = "superseded", _("Đã thay thế")


class PlanVersion(Versioned, Audited):
    """Phương án / kế hoạch cảnh vệ, one version (`number`). `version` is the optimistic-lock counter
    (ADR 0105): a save that carries an older counter gets 409 (two editors never overwrite each other)."""

    audit_parent = "operation"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveSmallIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("dựa trên")
    )
    objectives = models.TextField(_("mục đích, yêu cầu"), blank=True)
    organisation = models.TextField(_("tổ chức lực lượng, chỉ huy"), blank=True)
    communications = models.TextField(_("thông tin liên lạc"), blank=True)
    medical = models.TextField(_("y tế"), blank=True)
    posts = models.TextField(_("bố trí chốt, vị trí"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    snapshot = models.JSONField(
        _("nội dung chốt"),
        default=dict,
        blank=True,
        help_text=_("Nhiệm vụ, lịch trình, tuyến đường tại thời điểm phê duyệt."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người soạn"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người phê duyệt"),
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)

    TEXT_FIELDS = ("objectives", "organisation", "posts", "communications", "medical", "notes")

    class Meta:
        verbose_name = _("phương án cảnh vệ")
        verbose_name_plural = _("phương án cảnh vệ")
        ordering = ["operation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "number"], name="one_plan_number_per_operation")
        ]

    def __str__(self) -> str:
        return f"{self.operation.code} · PA v{self.number}"

    @property
    def owner_agency_id(self) -> int:
        return self.operation.owner_agency_id

    @property
    def secrecy(self) -> int:
        return self.operation.secrecy

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT

    def as_document_content(self, reader: Any) -> dict:
        """The plan's content as `reader` (a user, or a document's compartment) may see it."""
        from .selectors import plan_document_content

        return plan_document_content(self, reader=reader)


class RouteRank(models.IntegerChoices):
    PRIMARY = 0, _("Tuyến chính")
    ALTERNATE_1 = 1, _("Tuyến dự phòng 1")
    ALTERNATE_2 = 2, _("Tuyến dự phòng 2")


class MovementRoute(Audited):
    """Tuyến đường: one computed route of a movement at its departure hour, stored with the plan version."""

    audit_parent = "movement.operation"

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="routes")
    plan_version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="routes"
    )
    rank = models.PositiveSmallIntegerField(
        _("loại tuyến"), choices=RouteRank.choices, default=RouteRank.PRIMARY
    )
    chosen = models.BooleanField(_("được chọn"), default=True)
    depart_at = models.DateTimeField(_("khởi hành"))
    seconds = models.FloatField(_("thời gian (giây)"))
    meters = models.FloatField(_("độ dài (m)"))
    geometry = models.JSONField(_("hình học (GeoJSON LineString)"))
    streets = models.JSONField(_("các tuyến phố"), default=list, blank=True)
    choke_points = models.JSONField(_("điểm nghẽn"), default=list, blank=True)
    segments = models.JSONField(_("cơ sở dọc tuyến theo đoạn"), default=list, blank=True)
    worst_segment = models.IntegerField(_("đoạn xấu nhất"), null=True, blank=True)
    closures_applied = models.JSONField(_("cấm đường đã tính"), default=list, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"), auto_now_add=True)
    current = models.BooleanField(_("hiện hành"), default=True, db_index=True)

    audit_exclude = frozenset({"geometry", "segments", "choke_points", "streets"})

    class Meta:
        verbose_name = _("tuyến đường")
        verbose_name_plural = _("tuyến đường")
        ordering = ["movement", "-current", "rank", "-computed_at"]

    def __str__(self) -> str:
        return f"{self.movement} · {self.get_rank_display()}"

    @property
    def minutes(self) -> float:
        return round(self.seconds / 60, 1)

    @property
    def km(self) -> float:
        return round(self.meters / 1000, 2)


class ContingencyKind(models.TextChoices):
    MOTORCADE_ATTACK = "motorcade_attack", _("Tấn công đoàn xe")
    MEDICAL = "medical", _("Cấp cứu y tế")
    FIRE = "fire", _("Cháy, nổ")
    BOMB_THREAT = "bomb_threat", _("Đe dọa bom mìn")
    BREAKDOWN = "breakdown", _("Hỏng xe")
    CROWD = "crowd", _("Tụ tập đông người, chen lấn")
    FLOOD = "flood", _("Ngập lụt, thời tiết xấu")
    OTHER = "other", _("Khác")


class Contingency(Audited):
    """Tình huống và phương án xử lý: a worst case of the plan with its response and the agency in charge."""

    audit_parent = "plan_version.operation"

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="contingencies")
    kind = models.CharField(_("tình huống"), max_length=20, choices=ContingencyKind.choices)
    trigger = models.CharField(_("dấu hiệu, điều kiện"), max_length=255, blank=True)
    response = models.TextField(_("xử lý"))
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị chủ trì")
    )
    movement = models.ForeignKey(
        Movement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("di chuyển liên quan"),
    )
    alternate_route = models.ForeignKey(
        MovementRoute,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tuyến dự phòng"),
    )
    safe_haven = models.ForeignKey(
        "sites.Site",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("nơi trú ẩn an toàn"),
    )
    safe_haven_note = models.CharField(_("nơi trú ẩn / bệnh viện (tính sẵn)"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tình huống")
        verbose_name_plural = _("tình huống")
        ordering = ["plan_version", "kind", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()
