from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry, Job


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: audit rows can be looked at here, never changed or removed."""

    list_display = ("at", "actor_name", "action", "object_type", "object_id", "object_repr", "ip")
    list_filter = ("action", "via", "secrecy")
    search_fields = ("actor_name", "object_type", "object_id", "object_repr")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        """The audit page's scope: auditors only, and only rows of records they could see."""
        if not getattr(request.user, "is_auditor", False):
            return AuditEntry.objects.none()
        return AuditEntry.objects.visible_to(request.user)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "progress", "created_at", "finished_at")
    list_filter = ("kind", "status")
