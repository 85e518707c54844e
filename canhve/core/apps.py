from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "canhve.core"
    label = "core"
    verbose_name = _("Hệ thống")

    nav = ((_("Tổng quan"), "home"),)

    def ready(self) -> None:
        from . import writedown
        from .models import connect_m2m_audit

        writedown.connect()
        connect_m2m_audit()
