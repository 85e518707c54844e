from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "canhve.operations"
    label = "operations"
    verbose_name = _("Nhiệm vụ cảnh vệ")
    nav = ((_("Nhiệm vụ cảnh vệ"), "operations-list"),)

    def dashboard_cards(self, user: Any) -> list[dict[str, Any]]:
        from django.utils import timezone

        from .models import Operation, OperationStatus, Task, TaskStatus

        ops = Operation.objects.visible_to(user)
        active = ops.exclude(status__in=[OperationStatus.CLOSED, OperationStatus.CANCELLED])
        overdue = Task.objects.filter(
            operation__in=active,
            due_at__lt=timezone.now(),
            status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS],
        ).count()
        return [
            {
                "label": _("Nhiệm vụ đang triển khai"),
                "value": active.count(),
                "url": reverse("operations-list"),
                "note": _("%(n)d nhiệm vụ cụ thể quá hạn") % {"n": overdue},
            }
        ]

    def seed_demo(self, ctx: Any) -> None:
        from .demo import seed

        seed(ctx)
