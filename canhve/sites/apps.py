from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "canhve.sites"
    label = "sites"
    verbose_name = _("Địa điểm và điều tra cơ bản")
