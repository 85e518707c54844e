import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from canhve.core.models import AuditAction, write_audit
from canhve.core.transactions import commits_on_refusal

from . import second_factor
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


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


# A wrong code answers 400 but must keep its LOGIN_FAILED audit row and django-otp's throttling counter,
# or the second factor could be guessed without limit (ADR 0106).
@commits_on_refusal
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or one recovery code."""
    user: Any = request.user
    if not second_factor.lacks_second_factor(user):
        return redirect(_next_url(request))
    if not second_factor.has_totp(user):
        return redirect("otp-enrol")
    error = ""
    if request.method == "POST":
        device = second_factor.check_code(user, request.POST.get("code", ""))
        if device is not None:
            otp_login(request, device)
            write_audit(action=AuditAction.LOGIN, obj=user, actor=user, note=f"second factor: {device.name}")
            return redirect(_next_url(request))
        write_audit(action=AuditAction.LOGIN_FAILED, obj=user, actor=user, note="second factor")
        error = _("Mã xác thực không đúng hoặc đã hết hạn.")
    return render(
        request,
        "accounts/otp_verify.html",
        {"error": error, "next": _next_url(request)},
        status=400 if error else 200,
    )


# The unconfirmed device whose QR code the page shows must outlive a wrong first code (400), and so must
# its throttling counter (ADR 0106).
@commits_on_refusal
@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of a user who needs a second factor: scan the QR (or type the secret), confirm a code,
    and receive ten recovery codes, shown this once."""
    user: Any = request.user
    if not second_factor.lacks_second_factor(user) or second_factor.has_totp(user):
        return redirect(_next_url(request) if not second_factor.lacks_second_factor(user) else "otp-verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    error = ""
    if request.method == "POST":
        if device.verify_token("".join(request.POST.get("code", "").split())):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            codes = second_factor.issue_recovery_codes(user)
            write_audit(action=AuditAction.LOGIN, obj=user, actor=user, note="second factor enrolled")
            return render(request, "accounts/otp_recovery.html", {"codes": codes, "next": _next_url(request)})
        error = _("Mã xác thực không đúng. Hãy nhập mã đang hiện trong ứng dụng.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_enrol.html",
        {"qr_svg": qr_svg, "secret": secret, "error": error, "next": _next_url(request)},
        status=400 if error else 200,
    )
