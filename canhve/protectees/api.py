import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from canhve.apikit import PAGE_SIZE, AuditedPagination

from .models import Protectee, ProtecteeCategory

router = Router()


class MeasureOut(Schema):
    code: str
    name: str
    legal_ref: str
    offset_hours: int
    mandatory: bool
    effective_from: dt.date
    effective_to: dt.date | None


class CategoryOut(Schema):
    code: str
    name: str
    group: str
    legal_basis: str


class CategoryDetailOut(CategoryOut):
    on: dt.date
    measures: list[MeasureOut]


class ProtecteeOut(Schema):
    id: int
    title: str
    category_code: str

    @staticmethod
    def resolve_category_code(obj: Protectee) -> str:
        return obj.category.code


@router.get("/categories", response=list[CategoryOut], summary="Protectee categories (Law on Guard Art 10)")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_categories(request: HttpRequest):
    return ProtecteeCategory.objects.all()


@router.get("/categories/{code}", response=CategoryDetailOut, summary="A category's measure set on a date")
def get_category(request: HttpRequest, code: str, on: dt.date | None = None) -> dict:
    category = get_object_or_404(ProtecteeCategory, code=code)
    day = on or timezone.localdate()
    measures = [
        {
            **{
                f: getattr(link.measure, f)
                for f in ("code", "name", "legal_ref", "offset_hours", "mandatory")
            },
            "effective_from": link.effective_from,
            "effective_to": link.effective_to,
        }
        for link in category.measures_on(day)
    ]
    return {
        "code": category.code,
        "name": category.name,
        "group": category.group,
        "legal_basis": category.legal_basis,
        "on": day,
        "measures": measures,
    }


@router.get("/protectees", response=list[ProtecteeOut], summary="Protectees (offices and titles)")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_protectees(request: HttpRequest):
    return Protectee.objects.select_related("category").filter(active=True)
