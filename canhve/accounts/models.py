"""Users, their agency memberships with a role, their clearance, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from canhve.core.locking import Versioned
from canhve.core.models import Audited, AuditedQuerySet, audit_cascade, write_deletion_audit
from canhve.core.secrecy import Secrecy


class Role(models.IntegerChoices):
    """Ordered: each role can do what the ones below it can."""

    VIEWER = 10, _("Xem")
    OFFICER = 20, _("Cán bộ")
    PLANNER = 30, _("Cán bộ kế hoạch")
    COMMANDER = 40, _("Chỉ huy")
    ADMINISTRATOR = 50, _("Quản trị")


class User(Versioned, AbstractUser):
    """A person who signs in. Clearance (mức được tiếp cận bí mật) bounds every record they can see."""

    full_name = models.CharField(_("họ tên"), max_length=150, blank=True)
    rank = models.CharField(_("cấp bậc"), max_length=60, blank=True)
    title = models.CharField(_("chức vụ"), max_length=120, blank=True)
    clearance = models.PositiveSmallIntegerField(
        _("mức tiếp cận bí mật"), choices=Secrecy.choices, default=Secrecy.NONE
    )
    is_auditor = models.BooleanField(
        _("kiểm tra viên"), default=False, help_text=_("Được xem nhật ký kiểm tra.")
    )

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"password"})  # its DELETE row keeps no hash

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def memberships_list(self) -> list[Membership]:
        return list(self.memberships.select_related("agency").all())

    def member_agency_ids(self) -> list[int]:
        return [m.agency_id for m in self.memberships_list]

    @cached_property
    def _governed_ids(self) -> list[int]:
        from canhve.agencies.models import Agency

        return Agency.subtree_ids(self.member_agency_ids())

    def governed_agency_ids(self) -> list[int]:
        """The agencies the user belongs to and every agency below them in the tree (memoised per request)."""
        return self._governed_ids

    def role_over(self, agency_id: int | None) -> int:
        """The highest role the user holds in `agency_id` or in any of its parents; 0 if none."""
        if agency_id is None:
            return 0
        from canhve.agencies.models import Agency

        lineage = set(Agency.lineage_ids(agency_id))
        return max((m.role for m in self.memberships_list if m.agency_id in lineage), default=0)

    def max_role(self) -> int:
        return max((m.role for m in self.memberships_list), default=0)

    @property
    def primary_agency(self) -> Any:
        memberships = self.memberships_list
        return memberships[0].agency if memberships else None


@receiver(pre_delete, sender=User, dispatch_uid="audit-user-deletion")
def _audit_user_deletion(sender: type[User], instance: User, using: str, **kwargs: Any) -> None:
    """A user is not Audited (its saves write no rows; sign-ins do), but deleting one takes its tokens and
    memberships and clears its name from personnel and records: the user's DELETE row and the cascade's
    rows, as `Audited.delete()` writes them (ADR 0102). A receiver rather than `delete()`, so a queryset
    delete (the admin's bulk action) is audited too; Django sends it inside the deletion's transaction,
    before any row goes."""
    write_deletion_audit(instance)
    audit_cascade(sender, [instance], using=using, cause=f"{sender._meta.label}#{instance.pk}")


class Membership(Audited):
    audit_public = True  # who belongs to which agency: reference data

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("người dùng")
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("đơn vị")
    )
    role = models.PositiveSmallIntegerField(_("vai trò"), choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name = _("thành viên đơn vị")
        verbose_name_plural = _("thành viên đơn vị")
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency")]
        ordering = ["-role", "agency__name"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.get_role_display()})"


class TokenScope(models.TextChoices):
    READ = "read", _("Chỉ đọc")
    WRITE = "write", _("Đọc và ghi")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# No token outlives 90 days, whatever the settings say (docs/decisions/0101-login-hardening.md).
MAX_TOKEN_DAYS = 90


class ApiTokenQuerySet(AuditedQuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(Versioned, Audited):
    """A per-user API token. Only its hash is stored; the raw value is shown once, at creation."""

    audit_public = True  # a user's own token (the key is never recorded)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=80)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("phạm vi"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    expires_at = models.DateTimeField(_("hết hạn"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    audit_exclude = frozenset({"key_hash", "last_used_at"})
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, *, user: User, name: str, scope: str = TokenScope.READ, days: int | None = None
    ) -> tuple[ApiToken, str]:
        days = settings.CANHVE_API_TOKEN_DAYS if days is None else days
        if not 1 <= days <= MAX_TOKEN_DAYS:
            raise ValueError(f"A token lives 1 to {MAX_TOKEN_DAYS} days, not {days}.")
        raw = "cv_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=raw[3:11],
            key_hash=_hash(raw),
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> ApiToken | None:
        token = cls.objects.active().select_related("user").filter(key_hash=_hash(raw)).first()
        if token is None or not token.user.is_active:
            return None
        # Bypass save(): last-use bookkeeping is not an audited change.
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self, note: str = "") -> None:
        self.revoked_at = timezone.now()
        self.save(audit_note=note)
