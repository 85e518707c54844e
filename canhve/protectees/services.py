"""Amending a category's measure set (an administrator, with an effective date: the law changed in 2024
and changes again in 2025)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from canhve.accounts.models import Role

from .models import CategoryMeasure, Measure, ProtecteeCategory


def can_amend(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.max_role() >= Role.ADMINISTRATOR))


def amend_measure_set(
    *,
    acting_user: Any,
    category: ProtecteeCategory,
    measure: Measure,
    action: str,
    effective: dt.date,
    legal_basis: str = "",
) -> CategoryMeasure:
    """`action` "add": the measure applies from `effective`; "end": it no longer applies from `effective`."""
    if not can_amend(acting_user):
        raise PermissionDenied("Chỉ quản trị viên được sửa danh mục biện pháp.")
    if not legal_basis.strip():
        raise ValidationError({"legal_basis": ["Cần nêu căn cứ (văn bản sửa đổi)."]})
    with transaction.atomic():
        in_force = category.measures_on(effective).filter(measure=measure).first()
        if action == "add":
            if in_force is not None:
                raise ValidationError({"measure": ["Biện pháp này đã áp dụng tại ngày hiệu lực."]})
            later = category.measure_links.filter(measure=measure, effective_from__gt=effective)
            end = later.order_by("effective_from").values_list("effective_from", flat=True).first()
            return CategoryMeasure.objects.create(
                category=category,
                measure=measure,
                effective_from=effective,
                effective_to=end,
                legal_basis=legal_basis,
            )
        if action == "end":
            if in_force is None:
                raise ValidationError({"measure": ["Biện pháp này không áp dụng tại ngày hiệu lực."]})
            if in_force.effective_from == effective:
                raise ValidationError({"effective": ["Ngày kết thúc trùng ngày bắt đầu; hãy chọn ngày sau."]})
            in_force.effective_to = effective
            in_force.legal_basis = f"{in_force.legal_basis}; hết hiệu lực theo {legal_basis}".strip("; ")[
                :200
            ]
            in_force.save()
            return in_force
    raise ValidationError({"action": ["Thao tác không hợp lệ."]})
