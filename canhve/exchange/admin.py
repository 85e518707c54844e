from django.contrib import admin

from canhve.core.locking import VersionedAdmin

from .models import InformationItem


@admin.register(InformationItem)
class InformationItemAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("title", "kind", "owner_agency", "secrecy", "created_at")
    list_filter = ("kind", "secrecy")

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return InformationItem.objects.visible_to(request.user)
