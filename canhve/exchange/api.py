from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from canhve.agencies.models import Agency
from canhve.apikit import PAGE_SIZE, AuditedPagination
from canhve.core.access import get_visible_or_404

from .models import InformationItem, InformationKind
from .services import share_information

router = Router()


class ItemOut(Schema):
    id: int
    title: str
    kind: str
    body: str
    secrecy: int
    owner_agency_id: int
    author_id: int
    created_at: datetime
    recipient_agency_ids: list[int]

    @staticmethod
    def resolve_recipient_agency_ids(obj: InformationItem) -> list[int]:
        return [a.pk for a in obj.shared_with_agencies.all()]


class ItemIn(Schema):
    owner_agency_code: str
    title: str = Field(..., min_length=3, max_length=200)
    kind: InformationKind = InformationKind.NOTICE
    body: str = Field(..., min_length=1)
    secrecy: int = Field(..., ge=0, le=3)
    recipient_agency_codes: list[str] = []


class ItemFilter(FilterSchema):
    kind: str | None = None
    q: str | None = Field(None, q=["title__icontains", "body__icontains"])


@router.get("/items", response=list[ItemOut], summary="Information items visible to the caller")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_items(request: HttpRequest, filters: Query[ItemFilter]) -> QuerySet[InformationItem]:
    qs = InformationItem.objects.visible_to(request.user).prefetch_related("shared_with_agencies")
    return filters.filter(qs)


@router.get("/items/{item_id}", response=ItemOut)
def get_item(request: HttpRequest, item_id: int) -> InformationItem:
    return get_visible_or_404(InformationItem, request.user, pk=item_id)


@router.post("/items", response={201: ItemOut}, summary="Send an information item to partner agencies")
def post_item(request: HttpRequest, payload: ItemIn) -> tuple[int, InformationItem]:
    from django.core.exceptions import ValidationError

    codes = [payload.owner_agency_code, *payload.recipient_agency_codes]
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in agencies]
    if unknown:
        field = "owner_agency_code" if payload.owner_agency_code in unknown else "recipient_agency_codes"
        raise ValidationError({field: [f"Không có đơn vị mã: {', '.join(unknown)}."]})
    item = share_information(
        acting_user=request.user,
        owner_agency=agencies[payload.owner_agency_code],
        title=payload.title,
        body=payload.body,
        kind=payload.kind,
        secrecy=payload.secrecy,
        recipient_agencies=[agencies[c] for c in payload.recipient_agency_codes],
    )
    return 201, item
