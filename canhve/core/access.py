"""Reads and write permissions that every app shares, so pages, API and exports decide the same way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db import models
from django.http import Http404, HttpRequest

from .models import AuditAction, AuditEntry, Secured, audit_entry, write_audit
from .secrecy import AUDITED_READ_LEVEL

S = TypeVar("S", bound=Secured)


def record_read(obj: Secured, *, action: str = AuditAction.READ, note: str = "") -> None:
    """Audit a read of a record at Tối mật or above (and every export, whatever its level)."""
    if action == AuditAction.EXPORT or obj.secrecy >= AUDITED_READ_LEVEL:
        write_audit(action=action, obj=obj, note=note)


def record_reads(objs: Iterable[Any], *, note: str = "") -> int:
    """Audit each disclosed record at Tối mật or above, one row per record, saved in one insert and
    sealed in order into the audit's chain. Lists, search and API pages call it on the rows they return.
    Objects that are not Secured are skipped. Returns the number of rows written."""
    secret = [obj for obj in objs if isinstance(obj, Secured) and obj.secrecy >= AUDITED_READ_LEVEL]
    sharing = _sharing_of(secret)
    entries = [
        audit_entry(
            action=AuditAction.READ,
            obj=obj,
            note=note,
            compartment={
                "owner_agency_id": obj.owner_agency_id,
                "secrecy": int(obj.secrecy),
                "shared_agency_ids": sorted(sharing[type(obj), obj.pk, "agency"]),
                "shared_user_ids": sorted(sharing[type(obj), obj.pk, "user"]),
            },
        )
        for obj in secret
    ]
    if entries:
        AuditEntry.objects.bulk_create(entries)  # sealed in order, under the chain lock
    return len(entries)


def _sharing_of(objs: list[Any]) -> defaultdict[tuple[Any, Any, str], list[int]]:
    """Who each record is shared with, two queries per model rather than two per record."""
    found: defaultdict[tuple[Any, Any, str], list[int]] = defaultdict(list)
    by_model: defaultdict[Any, list[Any]] = defaultdict(list)
    for obj in objs:
        by_model[type(obj)].append(obj.pk)
    for model, pks in by_model.items():
        own = f"{model._meta.model_name}_id"
        for field, kind in (("shared_with_agencies", "agency"), ("shared_with_users", "user")):
            through = model._meta.get_field(field).remote_field.through
            for pk, other in through.objects.filter(**{f"{own}__in": pks}).values_list(own, f"{kind}_id"):
                found[model, pk, kind].append(other)
    return found


# Every list page: `audited_page(request, queryset)`.
LIST_PAGE_SIZE = 50


def audited_page(request: HttpRequest, queryset: Any, *, per_page: int = LIST_PAGE_SIZE) -> Page:
    """The page of a list or search result that `request` asks for (`?page=`), with each Tối mật or
    Tuyệt mật record on it audited as read (ADR 0108): the HTML twin of `apikit.AuditedPagination`, so a
    list page cannot show a secret row and forget its audit row. Only the page shown is audited."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    record_reads(page.object_list, note=request.get_full_path()[:255])
    return page


def audited_list(request: HttpRequest, objs: Iterable[S]) -> list[S]:
    """An unpaginated list of records a page shows beside its own record (a site's safe points, a post's
    rosters…), each Tối mật or Tuyệt mật one audited as read, as `audited_page` does."""
    rows = list(objs)
    record_reads(rows, note=request.get_full_path()[:255])
    return rows


def get_visible_or_404(queryset: models.QuerySet[S] | type[S], user: Any, **lookup: Any) -> S:
    """The record if `user` may see it (and the read audited when secret); otherwise 404, never 403,
    so a record above someone's clearance does not even reveal that it exists."""
    qs: Any = queryset.objects.all() if isinstance(queryset, type) else queryset
    obj = qs.visible_to(user).filter(**lookup).first()
    if obj is None:
        raise Http404("Không tìm thấy hoặc không có quyền xem.")
    record_read(obj)
    return obj


def role_over(user: Any, obj: Secured) -> int:
    return user.role_over(obj.owner_agency_id) if user.is_authenticated else 0


def can_edit(user: Any, obj: Secured, min_role: int) -> bool:
    """Editing needs the role in the owning agency (or a parent of it) and the clearance for the record."""
    return bool(user.is_authenticated and user.clearance >= obj.secrecy and role_over(user, obj) >= min_role)


def can_create_in(user: Any, agency_id: int, min_role: int) -> bool:
    return bool(user.is_authenticated and user.role_over(agency_id) >= min_role)
