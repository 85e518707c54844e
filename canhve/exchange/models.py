from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from canhve.core.locking import Versioned
from canhve.core.models import Secured


class InformationKind(models.TextChoices):
    SITUATION = "situation", _("Tình hình")
    REQUEST = "request", _("Đề nghị phối hợp")
    NOTICE = "notice", _("Thông báo")
    WARNING = "warning", _("Cảnh báo")


class InformationItem(Versioned, Secured):
    """Thông tin trao đổi: one item of information an agency passes to named partner agencies on a
    need-to-know basis (quy chế phối hợp, information exchange). Recipients are its compartment."""

    title = models.CharField(_("tiêu đề"), max_length=200)
    kind = models.CharField(
        _("loại"), max_length=12, choices=InformationKind.choices, default=InformationKind.NOTICE
    )
    body = models.TextField(_("nội dung"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("thông tin trao đổi")
        verbose_name_plural = _("thông tin trao đổi")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # Nobody writes above what they may read, whichever path creates the item (form, API, seeder).
        if self.author_id and self.secrecy > self.author.clearance:
            raise ValidationError(
                {"secrecy": _("Người gửi không có mức tiếp cận đủ cho độ mật của thông tin.")}
            )
