from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ProtecteesConfig(AppConfig):
    name = "canhve.protectees"
    label = "protectees"
    verbose_name = _("Đối tượng cảnh vệ")
    nav = ((_("Đối tượng, biện pháp"), "protectees-list"),)

    def load_reference(self) -> None:
        from .reference import load_guard_law

        load_guard_law()

    def seed_demo(self, ctx: Any) -> None:
        from .reference import load_guard_law

        load_guard_law()

    def dashboard_cards(self, user: Any) -> list[dict[str, Any]]:
        from .models import ProtecteeCategory

        return [
            {
                "label": _("Nhóm đối tượng cảnh vệ"),
                "value": ProtecteeCategory.objects.count(),
                "url": reverse("protectees-list"),
            }
        ]
