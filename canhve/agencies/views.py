from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .filters import AgencyFilterSet
from .models import Agency


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    """The directory is shared reference data: every signed-in user may read it."""
    filterset = AgencyFilterSet(
        request.GET,
        queryset=Agency.objects.select_related("province", "parent").defer(
            "province__geometry", "province__geometry_simplified"
        ),
    )
    template = "agencies/_rows.html" if request.headers.get("HX-Request") else "agencies/list.html"
    return render(request, template, {"filter": filterset, "agencies": filterset.qs})


@login_required
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(
        Agency.objects.select_related("province", "parent").defer(
            "province__geometry", "province__geometry_simplified"
        ),
        code=code,
    )
    return render(
        request,
        "agencies/detail.html",
        {
            "agency": agency,
            "ancestors": agency.ancestors(),
            "children": agency.children.all(),
            "contacts": agency.contacts.all(),
        },
    )
