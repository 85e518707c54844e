from django.contrib import admin

from canhve.core.admin import SecuredAdmin
from canhve.core.locking import VersionedAdmin

from .models import BasicSurvey, CriteriaSet, Criterion, SafePoint, Site


@admin.register(Site)
class SiteAdmin(VersionedAdmin, SecuredAdmin):
    list_display = ("name", "kind", "province", "owner_agency", "secrecy", "source")
    list_filter = ("kind", "secrecy", "source")
    search_fields = ("name", "address")
    raw_id_fields = ("province", "ward", "legacy_district", "legacy_province")


@admin.register(SafePoint)
class SafePointAdmin(VersionedAdmin, SecuredAdmin):
    list_display = ("site", "status", "score", "resurvey_due_on", "owner_agency", "secrecy")
    list_filter = ("status",)
    raw_id_fields = ("site",)
    # Status, score and approval come from surveys and the approval step, never from a typed value.
    readonly_fields = (
        "status",
        "status_note",
        "score",
        "gates_passed",
        "latest_survey",
        "approved_at",
        "approved_by",
        "resurvey_due_on",
    )


@admin.register(BasicSurvey)
class BasicSurveyAdmin(VersionedAdmin, SecuredAdmin):
    list_display = ("title", "province", "legacy_province", "effective_from", "effective_to", "owner_agency")


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # published versions are never edited: publish a new one

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "version", "is_current", "published_at")
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
