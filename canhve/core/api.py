from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterSchema, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from canhve.apikit import PAGE_SIZE, AuditedPagination

from .models import AuditEntry

router = Router()


class AuditOut(Schema):
    id: int
    at: datetime
    actor_name: str
    via: str
    ip: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    owner_agency_id: int | None
    secrecy: int
    changes: dict
    note: str


class AuditFilter(FilterSchema):
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    actor_name: str | None = None
    at__gte: datetime | None = None
    at__lte: datetime | None = None


@router.get("/audit", response=list[AuditOut], summary="Audit trail (auditors only)")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_audit(request: HttpRequest, filters: Query[AuditFilter]) -> QuerySet[AuditEntry]:
    from .views import audit_queryset_for

    qs = audit_queryset_for(request.user)
    if qs is None:
        raise HttpError(403, "Chỉ kiểm tra viên được xem nhật ký.")
    return filters.filter(qs)
