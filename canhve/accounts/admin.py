from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from canhve.core.locking import VersionedAdmin, VersionedAdminForm

from .models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("agency",)


class UserAdminForm(VersionedAdminForm, UserChangeForm):
    """Django's user change form (the password link, the username rules) with the version check."""

    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(VersionedAdmin, BaseUserAdmin):
    form = UserAdminForm
    list_display = ("username", "full_name", "rank", "clearance", "is_auditor", "is_active")
    list_filter = ("clearance", "is_auditor", "is_active", "memberships__agency")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Cảnh vệ"), {"fields": ("full_name", "rank", "title", "clearance", "is_auditor")}),
    )
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "scope", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "key_hash", "last_used_at")
