import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from canhve.core.refusals import form_errors

from .forms import AmendForm
from .models import Protectee, ProtecteeCategory
from .services import amend_measure_set, can_amend


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    categories = list(ProtecteeCategory.objects.prefetch_related("protectees"))
    rows = [(c, list(c.measures_on(day))) for c in categories]
    return render(
        request,
        "protectees/list.html",
        {"rows": rows, "day": day, "protectees": Protectee.objects.select_related("category")},
    )


@login_required
def category_detail(request: HttpRequest, code: str) -> HttpResponse:
    category = get_object_or_404(ProtecteeCategory, code=code)
    day = _day(request)
    form = AmendForm(request.POST or None) if can_amend(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                amend_measure_set(acting_user=request.user, category=category, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Đã cập nhật danh mục biện pháp."))
                return redirect("protectees-category", code=code)
    history = category.measure_links.select_related("measure").order_by("measure__order", "effective_from")
    return render(
        request,
        "protectees/category.html",
        {
            "category": category,
            "day": day,
            "in_force": category.measures_on(day),
            "history": history,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
