"""Sign-in hardening: the lockout response, and revoking a user's API tokens when their password changes
or their account is locked out (docs/decisions/0101-login-hardening.md)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .models import ApiToken, User


def revoke_all_tokens(user: Any, reason: str) -> int:
    """Revoke every active API token of `user`, one audited change each. Returns how many."""
    tokens = list(ApiToken.objects.active().filter(user=user))
    for token in tokens:
        token.revoke(note=reason)
    return len(tokens)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """429 for every locked-out sign-in: JSON for the API and htmx, a page in the site layout otherwise."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    if request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        return JsonResponse(
            {"detail": "Tài khoản hoặc địa chỉ tạm bị khóa do đăng nhập sai nhiều lần.", "minutes": minutes},
            status=429,
        )
    context = {"minutes": minutes, "failure_limit": get_failure_limit(request, credentials)}
    return render(request, "accounts/locked.html", context, status=429)


@receiver(user_locked_out)
def _revoke_on_lockout(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    """A lockout of the account itself (not merely of the address it was tried from) kills its tokens."""
    if not username:
        return
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return
    failures = AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"]
    if (failures or 0) >= get_failure_limit(request, {"username": username}):
        revoke_all_tokens(user, "lockout")


@receiver(pre_save, sender=User)
def _note_password_change(sender: Any, instance: User, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_changed = old is not None and old != instance.password  # type: ignore[attr-defined]


@receiver(post_save, sender=User)
def _revoke_on_password_change(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    if getattr(instance, "_password_changed", False):
        instance._password_changed = False  # type: ignore[attr-defined]
        revoke_all_tokens(instance, "password changed")
