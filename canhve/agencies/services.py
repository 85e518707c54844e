"""Writes to the agency tree. Only administrators change it; the audit row comes from the model."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from canhve.accounts.models import Role
from canhve.geo.models import Province

from .models import Agency, AgencyKind


def create_agency(
    *,
    acting_user: Any,
    code: str,
    name: str,
    kind: str,
    parent_code: str | None = None,
    province_code: str | None = None,
    short_name: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
) -> Agency:
    errors: dict[str, str] = {}
    parent = None
    if parent_code:
        parent = Agency.objects.filter(code=parent_code).first()
        if parent is None:
            errors["parent_code"] = f"Không có đơn vị mã “{parent_code}”."
    if (
        acting_user.role_over(parent.pk if parent else None) < Role.ADMINISTRATOR
        and not acting_user.is_superuser
    ):
        raise PermissionDenied("Chỉ quản trị viên của đơn vị cấp trên được thêm đơn vị.")
    if kind not in AgencyKind.values:
        errors["kind"] = f"Loại đơn vị không hợp lệ: “{kind}”."
    if Agency.objects.filter(code=code).exists():
        errors["code"] = f"Mã “{code}” đã được dùng."
    if province_code and not Province.objects.filter(code=province_code).exists():
        errors["province_code"] = f"Không có tỉnh, thành phố mã “{province_code}”."
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    with transaction.atomic():
        agency = Agency(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            province_id=province_code or None,
            short_name=short_name,
            phone=phone,
            email=email,
            address=address,
        )
        agency.full_clean()
        agency.save()
    return agency
