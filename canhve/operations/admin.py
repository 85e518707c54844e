from django.contrib import admin

from canhve.core.admin import SecuredAdmin
from canhve.core.locking import VersionedAdmin

from .models import Operation


@admin.register(Operation)
class OperationAdmin(VersionedAdmin, SecuredAdmin):
    list_display = ("code", "name", "kind", "status", "owner_agency", "secrecy", "starts_at")
    list_filter = ("kind", "status", "secrecy")
    # The life-cycle moves only through the services' transitions (checks, approvals, audit reasons).
    readonly_fields = ("status",)
