from django.contrib import admin

from canhve.core.admin import SecuredAdmin
from canhve.core.locking import VersionedAdmin

from .models import InformationItem


@admin.register(InformationItem)
class InformationItemAdmin(VersionedAdmin, SecuredAdmin):
    list_display = ("title", "kind", "owner_agency", "secrecy", "created_at")
    list_filter = ("kind", "secrecy")
