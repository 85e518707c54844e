from django.contrib import admin

from canhve.core.admin import SecuredAdmin
from canhve.core.locking import VersionedAdmin

from .models import MobilisationRequest, Personnel, Post, Roster, Skill


@admin.register(Skill)
class SkillAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "scarce")


@admin.register(Personnel)
class PersonnelAdmin(VersionedAdmin, SecuredAdmin):
    list_display = ("full_name", "service_number", "rank", "owner_agency", "clearance", "is_active")
    search_fields = ("full_name", "service_number")


@admin.register(Post)
class PostAdmin(VersionedAdmin, SecuredAdmin):
    list_display = ("name", "zone", "owner_agency", "head_count", "min_clearance")


@admin.register(Roster)
class RosterAdmin(VersionedAdmin, SecuredAdmin):
    list_display = ("name", "start_date", "days", "status", "owner_agency")


@admin.register(MobilisationRequest)
class MobilisationRequestAdmin(VersionedAdmin, SecuredAdmin):
    list_display = ("title", "owner_agency", "partner_agency", "head_count", "status")
