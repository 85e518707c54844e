from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from canhve.apikit import PAGE_SIZE, AuditedPagination, DbInt

from .models import Agency
from .services import create_agency

router = Router()


class ContactOut(Schema):
    function: str
    phone: str
    radio_channel: str
    email: str
    available: str


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    province_code: str | None = Field(None, alias="province_id")
    phone: str
    email: str
    address: str


class AgencyDetailOut(AgencyOut):
    contacts: list[ContactOut]


class AgencyIn(Schema):
    code: str = Field(..., min_length=2, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(..., min_length=2, max_length=200)
    kind: str
    parent_code: str | None = None
    province_code: str | None = None
    short_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


class AgencyFilter(FilterSchema):
    q: str | None = Field(None, q=["name__icontains", "code__icontains", "short_name__icontains"])
    kind: str | None = None
    province_code: str | None = Field(None, q="province_id")
    parent_id: DbInt | None = None


@router.get("/agencies", response=list[AgencyOut], summary="Agency directory")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_agencies(request: HttpRequest, filters: Query[AgencyFilter]) -> QuerySet[Agency]:
    return filters.filter(Agency.objects.all())


@router.get("/agencies/{code}", response=AgencyDetailOut, summary="One agency with its contact points")
def get_agency(request: HttpRequest, code: str) -> Agency:
    return get_object_or_404(Agency.objects.prefetch_related("contacts"), Q(code=code))


@router.post("/agencies", response={201: AgencyOut}, summary="Add an agency (administrators)")
def post_agency(request: HttpRequest, payload: AgencyIn) -> tuple[int, Agency]:
    return 201, create_agency(acting_user=request.user, **payload.dict())
