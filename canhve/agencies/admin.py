from django.contrib import admin

from canhve.core.admin import WritedownAdmin
from canhve.core.locking import VersionedAdmin

from .models import Agency, ContactPoint


class ContactInline(admin.TabularInline):
    model = ContactPoint
    extra = 0


@admin.register(Agency)
class AgencyAdmin(VersionedAdmin, WritedownAdmin):
    list_display = ("code", "name", "kind", "parent", "province")
    list_filter = ("kind", "province")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("parent",)
    inlines = [ContactInline]
