"""The one visibility rule. Every list, detail, API endpoint, export and search goes through `visible_to`.

A user sees a record when both hold:
1. its secrecy level is at or below the user's clearance (above it, the record does not exist for them);
2. the user belongs to the owning agency or one of its parents in the agency tree, or the record is shared
   with one of the user's own agencies, or with the user by name.
Superusers get no exception to rule 1: clearance is a legal status, not an app permission.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from canhve.accounts.models import User

M = TypeVar("M", bound=models.Model)


class SecuredQuerySet(models.QuerySet[M]):
    def visible_to(self, user: User | Any) -> SecuredQuerySet[M]:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        qs = self.filter(secrecy__lte=user.clearance)
        model = self.model
        agencies_through = model.shared_with_agencies.through  # type: ignore[attr-defined]
        users_through = model.shared_with_users.through  # type: ignore[attr-defined]
        own_field = f"{model._meta.model_name}_id"
        member_ids = user.member_agency_ids()
        scope: Any = Q(owner_agency_id__in=user.governed_agency_ids())
        scope |= Exists(
            agencies_through.objects.filter(**{own_field: OuterRef("pk")}, agency_id__in=member_ids)
        )
        scope |= Exists(users_through.objects.filter(**{own_field: OuterRef("pk")}, user_id=user.pk))
        return qs.filter(scope)

    # NetBox's name for the same scope, so code read from there reads the same here.
    restrict = visible_to

    def update(self, **kwargs: Any) -> int:
        """Bulk updates go row by row so each change leaves its audit row."""
        count = 0
        for obj in self:
            for name, value in kwargs.items():
                setattr(obj, name, value)
            obj.save(update_fields=[*kwargs.keys(), "updated_at"])
            count += 1
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        total = 0
        per_model: dict[str, int] = {}
        for obj in self:
            deleted, detail = obj.delete()
            total += deleted
            for label, n in detail.items():
                per_model[label] = per_model.get(label, 0) + n
        return total, per_model
