from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "canhve.accounts"
    label = "accounts"
    verbose_name = _("Người dùng")

    def ready(self) -> None:
        from . import security, signals  # noqa: F401

    def seed_demo(self, ctx: Any) -> None:
        from .demo import seed_demo_devices

        seed_demo_devices(ctx)
