"""Second factor (TOTP, django-otp) for every user cleared Tối mật or above: after the password, such a user
must present a code from their authenticator app (or a one-time recovery code) before any page. A user
without a device enrols first. API tokens are a factor of their own and are not affected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from canhve.core.models import write_bulk_audit
from canhve.core.secrecy import Secrecy

RECOVERY_CODES = 10
# The pages an unverified user may still reach: the second-factor steps themselves, signing out, the
# language switch, static files. The API answers 401 itself (SessionAuth), so it is not redirected.
_OPEN_PREFIXES = ("/static/", "/api/", "/i18n/")
_OPEN_NAMES = ("otp-verify", "otp-enrol", "logout", "login")


def needs_second_factor(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.clearance >= Secrecy.TOI_MAT)


def is_verified(user: Any) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def lacks_second_factor(user: Any) -> bool:
    """Signed in with the password only, though the clearance demands a second factor."""
    return needs_second_factor(user) and not is_verified(user)


def has_totp(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def check_code(user: Any, code: str) -> Any:
    """The device (TOTP, or the recovery codes) that accepts `code`, or None. A recovery code is consumed."""
    code = "".join(code.split())
    if not code:
        return None
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if device.verify_token(code):
            return device
    return None


def issue_recovery_codes(user: Any) -> list[str]:
    """A fresh set of recovery codes; any earlier set stops working."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        old = list(device.token_set.values_list("pk", flat=True))
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        tokens = StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        # One summary row on the user naming the rows replaced (ids only: never the codes).
        write_bulk_audit(
            obj=user,
            name="recovery_codes",
            deleted=old,
            created=[t.pk for t in tokens],
            note="mã khôi phục mới",
        )
    return codes


class SecondFactorMiddleware:
    """Sends a signed-in, unverified user with clearance ≥ Tối mật to verification (or enrolment) from
    every page. Sits after django_otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if lacks_second_factor(user) and not self._is_open(request.path):
            target = "otp-verify" if has_totp(user) else "otp-enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = tuple(reverse(name) for name in _OPEN_NAMES)
        return path.startswith(_OPEN_PREFIXES) or path in self._open_paths
