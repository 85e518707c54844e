import datetime as dt
from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "canhve.sites"
    label = "sites"
    verbose_name = _("Địa điểm và điều tra cơ bản")
    nav = (
        (_("Địa điểm"), "sites-list"),
        (_("Điểm dừng, nghỉ"), "sites-safepoint-list"),
        (_("Điều tra cơ bản"), "sites-dashboard"),
    )

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the job handlers

    def dashboard_cards(self, user: Any) -> list[dict[str, Any]]:
        from .models import SafePoint, SafePointStatus
        from .selectors import usable_points

        today = timezone.localdate()
        usable = usable_points(user, today).count()
        due = (
            SafePoint.objects.visible_to(user)
            .filter(
                status__in=[SafePointStatus.APPROVED, SafePointStatus.RESURVEY_DUE],
                resurvey_due_on__lte=today + dt.timedelta(days=30),
            )
            .count()
        )
        return [
            {
                "label": _("Điểm dừng, nghỉ an toàn đã phê duyệt"),
                "value": usable,
                "url": reverse("sites-dashboard"),
                "note": _("%(n)d điểm đến hạn khảo sát lại trong 30 ngày") % {"n": due},
            }
        ]

    def load_reference(self) -> None:
        from .services import load_default_criteria

        load_default_criteria()

    def seed_demo(self, ctx: Any) -> None:
        from .demo import seed

        seed(ctx)
