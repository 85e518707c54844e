"""Lực lượng và ca trực: personnel (cán bộ chiến sĩ, fictional in the demo), their qualifications and leave,
posts (vị trí, chốt) with their requirements, rosters of shifts and assignments, and mobilisation requests
(đề nghị điều động lực lượng) to partner agencies."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from canhve.core.locking import Versioned
from canhve.core.models import Audited, Job, Secured
from canhve.core.secrecy import Secrecy


class Skill(Versioned, models.Model):
    """Chuyên môn, nghiệp vụ: reference data (close protection, driver, EOD, CBRN, …)."""

    code = models.SlugField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    scarce = models.BooleanField(
        _("khan hiếm"), default=False, help_text=_("Thường phải điều động từ đơn vị bạn.")
    )

    class Meta:
        verbose_name = _("chuyên môn")
        verbose_name_plural = _("chuyên môn")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Personnel(Versioned, Secured):
    """Cán bộ, chiến sĩ: one officer who can be put on a post. Owned by their agency (unit)."""

    full_name = models.CharField(_("họ tên"), max_length=150)
    service_number = models.CharField(_("số hiệu"), max_length=32, unique=True)
    rank = models.CharField(_("cấp bậc"), max_length=60, blank=True)
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    clearance = models.PositiveSmallIntegerField(
        _("mức tiếp cận bí mật"), choices=Secrecy.choices, default=Secrecy.NONE
    )
    weekly_hours = models.PositiveSmallIntegerField(
        _("giờ trực tối đa mỗi tuần"), default=40, validators=[MinValueValidator(8), MaxValueValidator(84)]
    )
    avoids_night = models.BooleanField(_("hạn chế ca đêm"), default=False)
    is_active = models.BooleanField(_("đang công tác"), default=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="personnel",
    )

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.rank} {self.full_name}".strip()


class Qualification(Audited):
    """Chứng chỉ, trình độ chuyên môn: a skill a person holds, valid through `expires_on` when set."""

    audit_parent = "personnel"

    personnel = models.ForeignKey(Personnel, on_delete=models.CASCADE, related_name="qualifications")
    skill = models.ForeignKey(Skill, verbose_name=_("chuyên môn"), on_delete=models.PROTECT, related_name="+")
    expires_on = models.DateField(_("hết hạn"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chuyên môn của cán bộ")
        verbose_name_plural = _("chuyên môn của cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["personnel", "skill"], name="one_qualification_per_skill")
        ]
        ordering = ["skill__name"]

    def __str__(self) -> str:
        return f"{self.personnel}: {self.skill}"


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("Nghỉ phép")
    SICK = "sick", _("Ốm")
    TRAINING = "training", _("Học tập, tập huấn")
    DUTY = "duty", _("Nhiệm vụ khác")


class Absence(Audited):
    """Vắng mặt: a period the person cannot be rostered."""

    audit_parent = "personnel"

    personnel = models.ForeignKey(Personnel, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("lý do"), max_length=10, choices=AbsenceKind.choices, default=AbsenceKind.LEAVE)
    start = models.DateTimeField(_("từ"))
    end = models.DateTimeField(_("đến"))
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("vắng mặt")
        verbose_name_plural = _("vắng mặt")
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.personnel}: {self.get_kind_display()} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


class Post(Versioned, Secured):
    """Vị trí, chốt trực: a place officers stand on every shift of a roster, for an operation's zone or
    site or a key area's standing duty."""

    name = models.CharField(_("tên vị trí"), max_length=200)
    operation = models.ForeignKey(
        "operations.Operation",
        verbose_name=_("nhiệm vụ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    zone = models.CharField(_("khu vực"), max_length=120, blank=True)
    site = models.ForeignKey(
        "sites.Site",
        verbose_name=_("địa điểm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    standing_duty = models.BooleanField(_("trực thường xuyên (khu vực trọng yếu)"), default=False)
    required_skills = models.ManyToManyField(
        Skill, verbose_name=_("chuyên môn bắt buộc"), blank=True, related_name="+"
    )
    min_clearance = models.PositiveSmallIntegerField(
        _("mức tiếp cận tối thiểu"), choices=Secrecy.choices, default=Secrecy.NONE
    )
    head_count = models.PositiveSmallIntegerField(
        _("quân số mỗi ca"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    is_active = models.BooleanField(_("đang sử dụng"), default=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("vị trí trực")
        verbose_name_plural = _("vị trí trực")
        ordering = ["zone", "name"]

    def __str__(self) -> str:
        return self.name


class PostAgencyRequirement(Audited):
    """Cơ cấu lực lượng: at least `min_count` officers of `agency` (or its units) on each shift of the post,
    e.g. K01 plus local police as a coordination regulation requires."""

    audit_parent = "post"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="agency_mix")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    min_count = models.PositiveSmallIntegerField(_("tối thiểu"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("cơ cấu lực lượng")
        verbose_name_plural = _("cơ cấu lực lượng")
        constraints = [models.UniqueConstraint(fields=["post", "agency"], name="one_mix_row_per_agency")]

    def __str__(self) -> str:
        return f"{self.post}: ≥{self.min_count} {self.agency}"


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SOLVING = "solving", _("Đang xếp ca")
    SOLVED = "solved", _("Đã xếp ca")
    PUBLISHED = "published", _("Đã ban hành")


class ShiftPattern(models.TextChoices):
    THREE_EIGHT = "3x8", _("3 ca 8 giờ (06–14, 14–22, 22–06)")
    TWO_TWELVE = "2x12", _("2 ca 12 giờ (06–18, 18–06)")


class Roster(Versioned, Secured):
    """Lịch phân công ca trực: the posts to staff over a period, its shifts and the assignments."""

    name = models.CharField(_("tên"), max_length=200)
    operation = models.ForeignKey(
        "operations.Operation",
        verbose_name=_("nhiệm vụ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("từ ngày"))
    days = models.PositiveSmallIntegerField(
        _("số ngày"), default=7, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    pattern = models.CharField(
        _("chế độ ca"), max_length=8, choices=ShiftPattern.choices, default=ShiftPattern.THREE_EIGHT
    )
    posts = models.ManyToManyField(Post, verbose_name=_("vị trí"), related_name="rosters", blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RosterStatus.choices, default=RosterStatus.DRAFT
    )
    time_limit = models.PositiveSmallIntegerField(
        _("thời gian xếp tối đa (giây)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(300)],
    )
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The last solve: objective, stats, unfilled places with reasons, agency shortfalls, violations.
    result = models.JSONField(_("kết quả xếp ca"), default=dict, blank=True)
    solved_at = models.DateTimeField(_("xếp lúc"), null=True, blank=True)

    audit_exclude = frozenset({"result"})

    class Meta:
        verbose_name = _("lịch ca trực")
        verbose_name_plural = _("lịch ca trực")
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """Ca trực of a roster (start/end, timezone-aware)."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    start = models.DateTimeField(_("bắt đầu"))
    end = models.DateTimeField(_("kết thúc"))
    label = models.CharField(_("ca"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("ca trực")
        verbose_name_plural = _("ca trực")
        ordering = ["start"]

    def __str__(self) -> str:
        return self.label or f"{self.start:%d/%m %H:%M}"


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", _("Bộ xếp ca")
    MANUAL = "manual", _("Chỉ định")


class Assignment(Versioned, Audited):
    """Phân công: one person on one post for one shift, with sign-in/sign-out on the day."""

    audit_parent = "roster"

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="assignments")
    shift = models.ForeignKey(
        Shift, verbose_name=_("ca"), on_delete=models.CASCADE, related_name="assignments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("vị trí"), on_delete=models.CASCADE, related_name="assignments"
    )
    personnel = models.ForeignKey(
        Personnel, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="assignments"
    )
    pinned = models.BooleanField(_("giữ cố định"), default=False)
    source = models.CharField(
        _("nguồn"), max_length=8, choices=AssignmentSource.choices, default=AssignmentSource.SOLVER
    )
    signed_in_at = models.DateTimeField(_("nhận ca lúc"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("giao ca lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.UniqueConstraint(fields=["shift", "personnel"], name="one_post_per_person_per_shift"),
        ]
        ordering = ["shift__start", "post__name"]

    def __str__(self) -> str:
        return f"{self.personnel} @ {self.post} ({self.shift})"


class MobilisationStatus(models.TextChoices):
    SENT = "sent", _("Đã gửi")
    ACCEPTED = "accepted", _("Đã đáp ứng đủ")
    PARTIAL = "partial", _("Đáp ứng một phần")
    DECLINED = "declined", _("Từ chối")
    CANCELLED = "cancelled", _("Đã hủy")


class MobilisationRequest(Versioned, Secured):
    """Đề nghị điều động lực lượng: "N officers with skill X for operation Y on these dates" sent to a partner
    agency, which answers with named people or declines. The partner sees it through the compartment."""

    title = models.CharField(_("nội dung"), max_length=200)
    partner_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("đơn vị được đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("chuyên môn"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    operation = models.ForeignKey(
        "operations.Operation",
        verbose_name=_("nhiệm vụ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    head_count = models.PositiveSmallIntegerField(
        _("số lượng"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    roster = models.ForeignKey(
        Roster,
        verbose_name=_("lịch ca trực"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=MobilisationStatus.choices, default=MobilisationStatus.SENT
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    response_note = models.TextField(_("ý kiến trả lời"), blank=True)
    provided = models.ManyToManyField(
        Personnel, verbose_name=_("cán bộ được cử"), blank=True, related_name="mobilisations"
    )

    class Meta:
        verbose_name = _("đề nghị điều động")
        verbose_name_plural = _("đề nghị điều động")
        ordering = ["-start_date", "-created_at"]

    def __str__(self) -> str:
        return self.title
