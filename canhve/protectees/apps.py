from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtecteesConfig(AppConfig):
    name = "canhve.protectees"
    label = "protectees"
    verbose_name = _("Đối tượng cảnh vệ")
