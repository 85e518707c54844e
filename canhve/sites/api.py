import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from canhve.agencies.models import Agency
from canhve.apikit import PAGE_SIZE, AuditedPagination
from canhve.core.access import get_visible_or_404
from canhve.core.writedown import PLACEHOLDER, name_or_placeholder, visible_related

from . import selectors, services
from .models import SafePoint, Site, SiteKind

router = Router()


def _with_site_visibility(qs: QuerySet[SafePoint], user: Any) -> QuerySet[SafePoint]:
    """Whether the reader may see each point's site, in the same query (not one query per row)."""
    return qs.select_related("site").annotate(
        site_visible=Exists(Site.objects.visible_to(user).filter(pk=OuterRef("site_id")))
    )


def _site_visible(obj: SafePoint, context: Any) -> bool | None:
    return getattr(obj, "site_visible", None)


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    lat: float
    lon: float
    address: str
    province_code: str | None = Field(None, alias="province_id")
    ward_code: str | None = Field(None, alias="ward_id")
    legacy_district_code: str | None = Field(None, alias="legacy_district_id")
    legacy_province_code: str | None = Field(None, alias="legacy_province_id")
    operator: str
    contact: str
    emergency_surgery: bool | None
    beds: int | None
    secrecy: int
    owner_agency_id: int
    source: str
    external_id: str


class SiteIn(Schema):
    owner_agency_code: str
    name: str = Field(..., min_length=2, max_length=200)
    kind: SiteKind
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    address: str = ""
    operator: str = ""
    contact: str = ""
    emergency_surgery: bool | None = None
    beds: int | None = Field(None, ge=0)
    secrecy: int = Field(0, ge=0, le=3)


class SiteFilter(FilterSchema):
    kind: str | None = None
    province: str | None = Field(None, q="province_id")
    q: str | None = Field(None, q=["name__icontains", "address__icontains"])


class SafePointOut(Schema):
    id: int
    site_id: int
    name: str
    province_code: str | None
    status: str
    score: float | None
    gates_passed: bool | None
    resurvey_due_on: dt.date | None
    usable: bool
    secrecy: int
    owner_agency_id: int

    @staticmethod
    def resolve_name(obj: SafePoint, context: Any) -> str:
        # The site's name only for a reader who may see the site (ADR 0107).
        if _site_visible(obj, context) is None:
            return name_or_placeholder(context["request"].user, obj.site)
        return obj.site.name if obj.site_visible else str(PLACEHOLDER)

    @staticmethod
    def resolve_province_code(obj: SafePoint, context: Any) -> str | None:
        visible = _site_visible(obj, context)
        if visible is None:
            visible = visible_related(context["request"].user, obj.site) is not None
        return obj.site.province_id if visible else None

    @staticmethod
    def resolve_usable(obj: SafePoint) -> bool:
        return obj.is_usable()


class ProvinceSurveyOut(Schema):
    code: str
    name: str
    survey_id: int | None
    completion: int
    approved_points: int
    due_soon: int


@router.get("/sites", response=list[SiteOut], summary="Sites of the registry visible to the caller")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_sites(request: HttpRequest, filters: Query[SiteFilter]) -> QuerySet[Site]:
    return filters.filter(Site.objects.visible_to(request.user))


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request: HttpRequest, site_id: int) -> Site:
    return get_visible_or_404(Site, request.user, pk=site_id)


@router.post("/sites", response={201: SiteOut}, summary="Add a site (province and ward from the coordinates)")
def post_site(request: HttpRequest, payload: SiteIn) -> tuple[int, Site]:
    agency = Agency.objects.filter(code=payload.owner_agency_code).first()
    if agency is None:
        raise ValidationError({"owner_agency_code": [f"Không có đơn vị mã: {payload.owner_agency_code}."]})
    data = payload.dict(exclude={"owner_agency_code", "secrecy"})
    site = services.create_site(
        acting_user=request.user, owner_agency=agency, secrecy=payload.secrecy, **data
    )
    return 201, site


@router.get(
    "/safe-points", response=list[SafePointOut], summary="Safe stop/rest points visible to the caller"
)
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_safe_points(
    request: HttpRequest, status: str | None = None, usable: bool = False
) -> QuerySet[SafePoint]:
    qs = SafePoint.objects.visible_to(request.user)
    if usable:
        qs = selectors.usable_points(request.user, timezone.localdate())
    if status:
        qs = qs.filter(status=status)
    return _with_site_visibility(qs, request.user)


@router.get("/safe-points/{point_id}", response=SafePointOut)
def get_safe_point(request: HttpRequest, point_id: int) -> SafePoint:
    return get_visible_or_404(
        _with_site_visibility(SafePoint.objects.all(), request.user), request.user, pk=point_id
    )


@router.get(
    "/dashboard", response=list[ProvinceSurveyOut], summary="Basic-survey completion per 2025 province"
)
def get_dashboard(request: HttpRequest) -> list[selectors.ProvinceRow]:
    return selectors.dashboard(request.user, timezone.localdate())["rows"]
