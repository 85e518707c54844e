from django.contrib import admin

from canhve.core.locking import VersionedAdmin

from .models import Operation


@admin.register(Operation)
class OperationAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "status", "owner_agency", "secrecy", "starts_at")
    list_filter = ("kind", "status", "secrecy")
    # The life-cycle moves only through the services' transitions (checks, approvals, audit reasons).
    readonly_fields = ("status",)

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return Operation.objects.visible_to(request.user)
