from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from canhve.core.access import audited_page, get_visible_or_404
from canhve.core.refusals import create_page

from .forms import InformationItemForm
from .models import InformationItem
from .services import share_information


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    qs = (
        InformationItem.objects.visible_to(request.user)
        .select_related("owner_agency", "author")
        .defer("body")  # the list shows titles (ADR 0108)
    )
    page = audited_page(request, qs)
    return render(request, "exchange/list.html", {"page": page})


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(
        InformationItem.objects.select_related("owner_agency", "author"), request.user, pk=pk
    )
    return render(
        request, "exchange/detail.html", {"item": item, "recipients": item.shared_with_agencies.all()}
    )


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    return create_page(
        request,
        InformationItemForm(request.POST or None, user=request.user),
        lambda data: share_information(
            acting_user=request.user,
            owner_agency=data["owner_agency"],
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            secrecy=data["secrecy"],
            recipient_agencies=list(data["recipient_agencies"]),
        ),
        done=_("Đã gửi thông tin."),
        detail="exchange-detail",
        template="exchange/form.html",
    )
