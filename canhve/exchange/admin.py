from django.contrib import admin

from .models import InformationItem


@admin.register(InformationItem)
class InformationItemAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "owner_agency", "secrecy", "created_at")
    list_filter = ("kind", "secrecy")

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return InformationItem.objects.visible_to(request.user)
