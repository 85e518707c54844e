from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import writedown
from .access import record_read, record_reads
from .models import AuditEntry, Job


class WritedownAdminForm(forms.ModelForm):
    """The write-down checks (ADR 0107) run in the form, so a refusal is an error on its field and the
    change form comes back with nothing saved; left to the receivers, it is raised from `save_model`,
    after validation, as an error page."""

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:  # an invalid value leaves the instance half-built: checked once it is valid
            return
        m2m = {
            f.name: self.cleaned_data[f.name]
            for f in self.instance._meta.many_to_many
            if f.name in self.cleaned_data
        }
        try:
            writedown.check_pending(self.instance, m2m)
        except ValidationError as refused:
            for field, messages in refused.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


class WritedownAdmin(admin.ModelAdmin):
    """The admin of a model the write-down rule reads (a Secured record, an agency of the tree)."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        # On whichever form the admin builds (VersionedAdmin's included), not on one form class.
        return type(form.__name__, (WritedownAdminForm, form), {})


class SecuredAdmin(WritedownAdmin):
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
    """To look at, not to edit: the app and its worker write a job (claimed by a conditional UPDATE), and
    a status or progress set by hand would race the worker and lie to the page that polls it."""

    list_display = ("id", "kind", "status", "progress", "created_at", "finished_at")
    list_filter = ("kind", "status")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
