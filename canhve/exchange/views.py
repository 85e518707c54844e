from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from canhve.core.access import audited_page, get_visible_or_404

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
    form = InformationItemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = share_information(
                acting_user=request.user,
                owner_agency=data["owner_agency"],
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                secrecy=data["secrecy"],
                recipient_agencies=list(data["recipient_agencies"]),
            )
        except PermissionDenied as exc:
            form.add_error("owner_agency", str(exc))
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("Đã gửi thông tin."))
            return redirect("exchange-detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "exchange/form.html", {"form": form}, status=status)
