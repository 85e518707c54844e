"""Sign-ins and sign-outs go to the audit trail too."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from canhve.core.models import AuditAction, write_audit
from canhve.core.transactions import keep_on_refusal


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    write_audit(action=AuditAction.LOGIN, obj=user, actor=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        write_audit(action=AuditAction.LOGOUT, obj=user, actor=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Whatever the sign-in then answers (a 200 form, axes' 429), this request's failure records commit:
    # axes' counter and lockout, this audit row, a locked account's token revocation (ADR 0106).
    keep_on_refusal(request)
    write_audit(
        action=AuditAction.LOGIN_FAILED,
        object_type="accounts.User",
        note=str(credentials.get("username", ""))[:100],
    )
