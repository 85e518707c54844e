from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "canhve.agencies"
    label = "agencies"
    verbose_name = _("Đơn vị")

    nav = ((_("Danh bạ đơn vị"), "agency-list"),)
