"""State-secret levels (Law 29/2018/QH14 Art 8) shared by records, documents and user clearances."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Secrecy(models.IntegerChoices):
    """Độ mật of a record. A user's clearance uses the same scale: a record is visible only at or below it."""

    NONE = 0, _("Không mật")
    MAT = 1, _("Mật")
    TOI_MAT = 2, _("Tối mật")
    TUYET_MAT = 3, _("Tuyệt mật")


# Reads of records at this level or above are audited.
AUDITED_READ_LEVEL = Secrecy.TOI_MAT
