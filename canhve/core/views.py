from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .filters import AuditFilterSet
from .models import AuditEntry


def audit_queryset_for(user: Any) -> QuerySet[AuditEntry] | None:
    """Auditors see audit rows of records they could see by clearance, within the agencies they govern."""
    if not user.is_authenticated or not user.is_auditor:
        return None
    governed = user.governed_agency_ids()
    return AuditEntry.objects.filter(secrecy__lte=user.clearance).filter(
        Q(owner_agency_id__in=governed) | Q(owner_agency_id__isnull=True)
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: each app contributes cards through `AppConfig.dashboard_cards(user)`."""
    cards: list[dict[str, Any]] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "dashboard_cards", None)
        if callable(provider):
            cards.extend(provider(request.user))
    return render(request, "core/home.html", {"cards": cards})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    qs = audit_queryset_for(request.user)
    if qs is None:
        return render(
            request, "core/forbidden.html", {"reason": _("Chỉ kiểm tra viên được xem nhật ký.")}, status=403
        )
    filterset = AuditFilterSet(request.GET, queryset=qs.select_related("actor"))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    template = "core/_audit_rows.html" if request.headers.get("HX-Request") else "core/audit_log.html"
    return render(request, template, {"filter": filterset, "page": page})
