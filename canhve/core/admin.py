from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .access import record_read, record_reads
from .models import AuditEntry, Job


class SecuredAdmin(admin.ModelAdmin):
    """The admin of a Secured model: the same scope as the pages (`visible_to`), and the same audit of
    secret reads (ADR 0108): a change list audits the Tối mật and Tuyệt mật rows of the page it shows, a
    change or delete page the record it opens."""

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset: Any = super().get_queryset(request)  # the model's SecuredQuerySet
        return queryset.visible_to(request.user)

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        changelist.result_list = list(changelist.result_list)
        record_reads(changelist.result_list, note=f"admin {request.get_full_path()}"[:255])
        return changelist

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            record_read(obj, note="admin")
        return obj


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
