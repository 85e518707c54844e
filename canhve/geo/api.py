from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from canhve.apikit import PAGE_SIZE, AuditedPagination

from .lookup import CoordinateError, locate
from .models import LegacyDistrict, LegacyProvince, LegacyWard, Province, Ward

router = Router()


class ProvinceOut(Schema):
    code: str
    name: str
    full_name: str
    name_en: str
    kind: str
    area_km2: float | None
    centroid_lat: float | None
    centroid_lon: float | None


class WardOut(Schema):
    code: str
    province_code: str = Field(..., alias="province_id")
    name: str
    full_name: str
    kind: str
    centroid_lat: float | None
    centroid_lon: float | None


class LegacyOut(Schema):
    level: str
    code: str
    name: str
    successor_province: ProvinceOut
    successor_ward: WardOut | None = None


class LocateOut(Schema):
    lat: float
    lon: float
    province: ProvinceOut | None
    ward: WardOut | None


class WardFilter(FilterSchema):
    province_code: str | None = Field(None, q="province_id")
    q: str | None = Field(None, q=["name__icontains", "full_name__icontains"])


@router.get("/provinces", response=list[ProvinceOut], summary="The 34 provinces of 2025")
def list_provinces(request: HttpRequest) -> QuerySet[Province]:
    return Province.objects.defer("geometry", "geometry_simplified")


@router.get("/provinces/{code}", response=ProvinceOut)
def get_province(request: HttpRequest, code: str) -> Province:
    return get_object_or_404(Province.objects.defer("geometry", "geometry_simplified"), code=code)


@router.get("/wards", response=list[WardOut], summary="2025 wards and communes")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_wards(request: HttpRequest, filters: Query[WardFilter]) -> QuerySet[Ward]:
    return filters.filter(Ward.objects.defer("geometry"))


@router.get("/wards/{code}", response=WardOut)
def get_ward(request: HttpRequest, code: str) -> Ward:
    return get_object_or_404(Ward.objects.defer("geometry"), code=code)


@router.get(
    "/legacy/{level}/{code}", response=LegacyOut, summary="A pre-2025 unit and the 2025 unit it became"
)
def get_legacy(request: HttpRequest, level: str, code: str) -> Any:
    # The successors' names and codes, never their boundaries (ADR 0108).
    boundary = ("geometry", "geometry_simplified")
    if level == "province":
        province = get_object_or_404(
            LegacyProvince.objects.select_related("successor").defer(*(f"successor__{f}" for f in boundary)),
            code=code,
        )
        return {"level": level, "code": code, "name": province.name, "successor_province": province.successor}
    if level == "district":
        district = get_object_or_404(
            LegacyDistrict.objects.select_related("province__successor").defer(
                *(f"province__successor__{f}" for f in boundary)
            ),
            code=code,
        )
        return {
            "level": level,
            "code": code,
            "name": district.name,
            "successor_province": district.successor_province,
        }
    if level == "ward":
        ward = get_object_or_404(
            LegacyWard.objects.select_related("district__province__successor", "successor").defer(
                *(f"district__province__successor__{f}" for f in boundary), "successor__geometry"
            ),
            code=code,
        )
        return {
            "level": level,
            "code": code,
            "name": ward.name,
            "successor_province": ward.district.successor_province,
            "successor_ward": ward.successor,
        }
    raise HttpError(422, "level phải là province, district hoặc ward.")


@router.get("/locate", response=LocateOut, summary="The 2025 province (and ward) holding a coordinate")
def locate_point(request: HttpRequest, lat: str, lon: str) -> Any:
    try:
        found = locate(lat, lon)
    except CoordinateError as exc:
        raise HttpError(422, str(exc)) from exc
    province = (
        Province.objects.defer("geometry", "geometry_simplified").filter(code=found.province_code).first()
    )
    ward = Ward.objects.defer("geometry").filter(code=found.ward_code).first() if found.ward_code else None
    return {"lat": float(lat), "lon": float(lon), "province": province, "ward": ward}
