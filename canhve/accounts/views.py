from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm
from .models import ApiToken


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    tokens = request.user.api_tokens.all()
    return render(
        request,
        "accounts/profile.html",
        {"memberships": request.user.memberships_list, "tokens": tokens, "form": ApiTokenForm()},
    )


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        tokens = request.user.api_tokens.all()
        return render(
            request,
            "accounts/profile.html",
            {"memberships": request.user.memberships_list, "tokens": tokens, "form": form},
            status=400,
        )
    user: Any = request.user
    _token, raw = ApiToken.issue(
        user=user,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        days=form.cleaned_data["days"],
    )
    messages.success(request, _("Mã truy cập mới (chỉ hiện một lần, hãy lưu lại): %(raw)s") % {"raw": raw})
    return redirect("profile")


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.info(request, _("Đã thu hồi mã truy cập %(name)s.") % {"name": token.name})
    return redirect("profile")
