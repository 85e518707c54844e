from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .access import audited_page
from .filters import AuditFilterSet
from .models import AuditEntry


def audit_queryset_for(user: Any) -> QuerySet[AuditEntry] | None:
    """Auditors see the audit rows of the records they could see themselves: each row carries its record's
    (or, for a child record, its parent's) owner, secrecy and sharing, and the same rule applies."""
    if not user.is_authenticated or not user.is_auditor:
        return None
    return AuditEntry.objects.visible_to(user)


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
    page = audited_page(request, filterset.qs)
    template = "core/_audit_rows.html" if request.headers.get("HX-Request") else "core/audit_log.html"
    return render(request, template, {"filter": filterset, "page": page})
