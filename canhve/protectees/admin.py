from django.contrib import admin

from canhve.core.locking import VersionedAdmin

from .models import CategoryMeasure, Measure, Protectee, ProtecteeCategory


class CategoryMeasureInline(admin.TabularInline):
    model = CategoryMeasure
    extra = 0


@admin.register(ProtecteeCategory)
class ProtecteeCategoryAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "group", "legal_basis")
    inlines = [CategoryMeasureInline]


@admin.register(Measure)
class MeasureAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "legal_ref", "offset_hours", "gate", "mandatory", "lead_agency_code")


@admin.register(Protectee)
class ProtecteeAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("title", "category", "active")
