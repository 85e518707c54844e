from django.contrib import admin

from .models import LegacyDistrict, LegacyProvince, LegacyWard, Province, Ward


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "name_en", "area_km2")
    search_fields = ("code", "name", "full_name")
    exclude = ("geometry", "geometry_simplified")


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "province")
    list_filter = ("province",)
    search_fields = ("code", "name", "full_name")
    exclude = ("geometry",)


@admin.register(LegacyProvince)
class LegacyProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "successor")
    search_fields = ("code", "name")


@admin.register(LegacyDistrict)
class LegacyDistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province")
    search_fields = ("code", "name")


@admin.register(LegacyWard)
class LegacyWardAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "district", "successor")
    search_fields = ("code", "name")
    raw_id_fields = ("district", "successor")
