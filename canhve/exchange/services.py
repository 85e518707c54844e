from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from canhve.accounts.models import Role
from canhve.agencies.models import Agency
from canhve.core.access import can_create_in
from canhve.core.secrecy import Secrecy

from .models import InformationItem


def share_information(
    *,
    acting_user: Any,
    owner_agency: Agency,
    title: str,
    body: str,
    kind: str,
    secrecy: int,
    recipient_agencies: Sequence[Agency] = (),
) -> InformationItem:
    """Send an item to partner agencies. The sender needs officer rights in the owning agency and a
    clearance at least the item's level (nobody writes above what they may read)."""
    if not can_create_in(acting_user, owner_agency.pk, Role.OFFICER):
        raise PermissionDenied("Cần quyền cán bộ của đơn vị gửi.")
    if secrecy not in Secrecy.values:
        raise ValidationError({"secrecy": ["Độ mật không hợp lệ."]})
    if secrecy > acting_user.clearance:
        raise ValidationError({"secrecy": ["Không thể tạo thông tin có độ mật cao hơn mức được tiếp cận."]})
    with transaction.atomic():
        item = InformationItem(
            owner_agency=owner_agency, title=title, body=body, kind=kind, secrecy=secrecy, author=acting_user
        )
        item.full_clean()
        item.save()
        if recipient_agencies:
            item.shared_with_agencies.set(recipient_agencies)
    return item
