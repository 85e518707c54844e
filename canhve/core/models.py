"""Base models every operational record inherits, and the audit log.

- `Audited`: every create, update and delete writes an `AuditEntry` in the same transaction, with the
  changed fields before and after. A change of the `status` field is recorded as a state change.
- `Secured` (an `Audited`): owned by an agency, carries a secrecy level, may be shared with named agencies
  or users (its compartment). `Model.objects.visible_to(user)` is the one scope every view, API endpoint,
  export and search uses.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.db.models.deletion import Collector, get_candidate_relations_to_delete
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from .context import current_actor
from .secrecy import Secrecy
from .transactions import remember_disclosures
from .visibility import SecuredQuerySet

AUDIT_SKIP_FIELDS = frozenset({"updated_at", "created_at", "version"})


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo")
    UPDATE = "update", _("Sửa")
    DELETE = "delete", _("Xóa")
    TRANSITION = "transition", _("Chuyển trạng thái")
    READ = "read", _("Xem tài liệu mật")
    EXPORT = "export", _("Xuất/tải về")
    LOGIN = "login", _("Đăng nhập")
    LOGOUT = "logout", _("Đăng xuất")
    LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")
    TOKEN = "token", _("Mã truy cập API")


def _json_list_has_any(qs: models.QuerySet[Any], field: str, ids: list[int]) -> Q:
    """Rows whose JSON list `field` holds any of `ids`: jsonb containment on PostgreSQL, JSON1's
    `json_each` on SQLite (which has no JSON containment lookup)."""
    ids = [int(i) for i in ids if i is not None]
    if not ids:
        return Q(pk__in=[])
    if connections[qs.db].vendor == "sqlite":
        quote = connections[qs.db].ops.quote_name
        column = f"{quote(qs.model._meta.db_table)}.{quote(field)}"
        marks = ", ".join(["%s"] * len(ids))
        sql = f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value IN ({marks}))"  # noqa: S608
        return Q(RawSQL(sql, ids, output_field=models.BooleanField()))  # noqa: S611 - ids are ints, bound
    scope = Q(pk__in=[])
    for i in ids:
        scope |= Q(**{f"{field}__contains": [i]})
    return scope


def _audit_child_labels() -> list[str]:
    """Labels of the models whose audit rows take their compartment from an `audit_parent`."""
    from django.apps import apps

    return sorted(m._meta.label for m in apps.get_models() if getattr(m, "audit_parent", ""))


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def visible_to(self, user: Any) -> AuditQuerySet:
        """The rule of `SecuredQuerySet.visible_to`, applied to the compartment each row carries: at or
        below the user's clearance, and owned by an agency the user governs, or shared with one of the
        user's agencies or with the user. Rows with no owner (sign-ins, reference data) stay open, except
        rows of a child record written before rows carried their parent's compartment: those need the top
        clearance, as their compartment is unknown."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        unowned = Q(owner_agency_id__isnull=True)
        if user.clearance < max(Secrecy.values):
            unowned &= ~Q(object_type__in=_audit_child_labels())
        scope = unowned | Q(owner_agency_id__in=user.governed_agency_ids())
        scope |= _json_list_has_any(self, "shared_agency_ids", user.member_agency_ids())
        scope |= _json_list_has_any(self, "shared_user_ids", [user.pk])
        return self.filter(secrecy__lte=user.clearance).filter(scope)

    def bulk_create(
        self,
        objs: Iterable[Any],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Any = None,
        unique_fields: Any = None,
    ) -> list[Any]:
        """Bulk rows are chained like saved ones: sealed in list order (their id order) under the chain
        lock, in one transaction with the insert. A row with its own id, or a conflict clause that would
        skip or overwrite rows, would break the chain and is refused."""
        from .audit_chain import seal_all

        entries = list(objs)
        if ignore_conflicts or update_conflicts or any(e.pk is not None for e in entries):
            raise PermissionDenied("Audit entries are only appended, in id order.")
        with transaction.atomic(using=self.db):
            seal_all(entries, self.db)
            created = super().bulk_create(entries, batch_size=batch_size)
        remember_disclosures(created)
        return created

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One row of the audit trail (nhật ký kiểm tra). Append-only: the app never updates or deletes it,
    and the database refuses UPDATE, DELETE and TRUNCATE by trigger as well (`core/audit_guard.py`)."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    via = models.CharField(_("kênh"), max_length=12, default="system")
    ip = models.GenericIPAddressField(_("địa chỉ"), null=True, blank=True)
    action = models.CharField(_("hành động"), max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("loại bản ghi"), max_length=80, db_index=True)
    object_id = models.CharField(_("mã bản ghi"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("bản ghi"), max_length=255, blank=True)
    owner_agency_id = models.BigIntegerField(_("đơn vị sở hữu"), null=True, blank=True, db_index=True)
    secrecy = models.PositiveSmallIntegerField(_("độ mật"), choices=Secrecy.choices, default=Secrecy.NONE)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # The compartment of the record the row describes (or of its parent, for a child record), so the
    # audit page applies the same visibility rule as the record itself.
    shared_agency_ids = models.JSONField(_("chia sẻ với đơn vị"), default=list, blank=True)
    shared_user_ids = models.JSONField(_("chia sẻ với người dùng"), default=list, blank=True)
    # Tamper evidence: each row's hash covers its content and the previous row's hash.
    prev_hash = models.CharField(max_length=64, blank=True)
    row_hash = models.CharField(max_length=64, blank=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký kiểm tra")
        verbose_name_plural = _("nhật ký kiểm tra")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionDenied("Audit entries cannot be changed.")
        from .audit_chain import seal

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            seal(self, using)
            super().save(*args, **kwargs)
        remember_disclosures([self])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Audit entries cannot be deleted.")


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value for the before/after record."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def audit_parent_of(obj: models.Model) -> Any:
    """The Secured record whose compartment `obj` inherits, following its `audit_parent` path
    ("operation", "movement.operation"); None when it declares none or the path ends on nothing."""
    path = getattr(obj, "audit_parent", "")
    record: Any = obj
    for name in path.split(".") if path else []:
        try:
            record = getattr(record, name)
        except models.ObjectDoesNotExist:
            return None
        if record is None:
            return None
    return record if path else None


def audit_compartment(obj: models.Model | None) -> dict[str, Any]:
    """The owner, secrecy and sharing an audit row of `obj` carries: the record's own when it is Secured,
    otherwise its `audit_parent`'s (secrecy the higher of the two). A child whose parent cannot be found
    is recorded at the top level, so nobody below it reads the row."""
    if obj is None:
        return {}
    secrecy = int(getattr(obj, "secrecy", Secrecy.NONE) or 0)
    record = obj if isinstance(obj, Secured) else audit_parent_of(obj)
    if record is None:
        if getattr(obj, "audit_parent", ""):
            return {"owner_agency_id": None, "secrecy": max(Secrecy.values)}
        return {"owner_agency_id": getattr(obj, "owner_agency_id", None), "secrecy": secrecy}
    agencies: list[int] = []
    users: list[int] = []
    if record.pk is not None:
        own = f"{record._meta.model_name}_id"
        agencies_through = record._meta.get_field("shared_with_agencies").remote_field.through
        users_through = record._meta.get_field("shared_with_users").remote_field.through
        mine = {own: record.pk}
        agencies = sorted(agencies_through.objects.filter(**mine).values_list("agency_id", flat=True))
        users = sorted(users_through.objects.filter(**mine).values_list("user_id", flat=True))
    return {
        "owner_agency_id": record.owner_agency_id,
        "secrecy": max(secrecy, int(record.secrecy or 0)),
        "shared_agency_ids": agencies,
        "shared_user_ids": users,
    }


def audit_entry(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
    actor: Any = None,
    compartment: dict[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved audit row for `obj` with the current actor (`write_audit` saves one; reads of a list
    page are saved together, so a page costs one insert rather than one per secret row)."""
    ctx = current_actor()
    user = actor if actor is not None else ctx.user
    if user is not None and getattr(user, "pk", None) is None:
        user = None
    return AuditEntry(
        actor=user,
        actor_name=(user.get_username() if user is not None else "system")[:150],
        via=ctx.via,
        ip=ctx.ip,
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        **(compartment if compartment is not None else audit_compartment(obj)),
        changes=changes or {},
        note=note[:255],
    )


def write_audit(**kwargs: Any) -> AuditEntry:
    """Write one audit row for `obj` with the current actor. Call inside the write's transaction."""
    entry = audit_entry(**kwargs)
    entry.save()
    return entry


def write_bulk_audit(
    *,
    obj: models.Model | None,
    name: str,
    created: Iterable[Any] = (),
    deleted: Iterable[Any] = (),
    updated: Iterable[Any] = (),
    action: str = AuditAction.UPDATE,
    object_type: str = "",
    note: str = "",
) -> AuditEntry:
    """One summary row for a bulk write (a queryset delete/update, a `bulk_create`), which bypasses
    `Audited.save()` and writes no row of its own (ADR 0108). It goes on `obj`, the record the rows
    belong to, in that record's compartment, and names every row written: `changes` gets
    `<name>_created`, `<name>_deleted`, `<name>_updated`, each a list of ids (or of [id, …] rows), and the
    note the counts. Call inside the write's transaction, so the rows and their audit commit together."""
    changes: dict[str, Any] = {}
    counts = []
    for verb, label, rows in (
        ("deleted", "xóa", deleted),
        ("created", "tạo", created),
        ("updated", "sửa", updated),
    ):
        listed = [_plain(r) for r in rows]
        if listed:
            changes[f"{name}_{verb}"] = listed
            counts.append(f"{label} {len(listed)}")
    text = f"{name}: {', '.join(counts) or 'không đổi'}"
    return write_audit(
        action=action,
        obj=obj,
        object_type=object_type,
        changes=changes,
        note=f"{note}; {text}" if note else text,
    )


def choice_label(field: Any, value: Any) -> Any:
    """The label of `value` among `field`'s choices (the value itself when it is not one), as
    `Model._get_FIELD_display` answers, with the value → label table kept on the field."""
    table = field.__dict__.get("_canhve_choice_labels")
    if table is None:
        if isinstance(field.choices, CallableChoiceIterator):  # choices that may change: no table
            return force_str(
                dict(make_hashable(field.flatchoices)).get(make_hashable(value), value), strings_only=True
            )
        table = {make_hashable(k): label for k, label in field.flatchoices}
        field.__dict__["_canhve_choice_labels"] = table
    return force_str(table.get(make_hashable(value), value), strings_only=True)


class AuditedQuerySet(models.QuerySet[Any]):
    """The default queryset of an Audited model that is not Secured. Its caller writes the summary row of
    the rows it deletes (`write_bulk_audit`); the Audited rows they take with them by cascade get their
    own rows here, as `Audited.delete()` gives them."""

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db):
            audit_cascade(self.model, self, using=self.db, cause=f"{self.model._meta.label} (bulk)")
            return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class Audited(models.Model):
    """Writes an audit row for every create, update and delete, in the same transaction as the write."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset()
    # A model that is not Secured names the Secured record whose compartment its audit rows carry
    # (`audit_parent = "operation"`, or a dotted path "movement.operation"), or says `audit_public = True`
    # when it is reference data every auditor may read. A test fails when a model says neither.
    audit_parent: ClassVar[str] = ""
    audit_public: ClassVar[bool] = False

    # A model may declare its own manager (Secured, API tokens); it must delete row by row or audit the
    # cascade as this one does.
    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:  # type: ignore[override]
        instance = super().from_db(db, field_names, values)
        instance._audit_snapshot = instance._audit_values()
        return instance

    def _get_FIELD_display(self, field: Any) -> Any:
        """`get_<field>_display()` from a per-field {value: label} table built once. Django rebuilds
        `dict(make_hashable(field.flatchoices))` on every call, which hashes every lazy label (a
        gettext each): 14 ms of a 50-row list's 27 (ADR 0108). Labels stay lazy in the table, so each
        call still answers in the active language."""
        return choice_label(field, getattr(self, field.attname))

    def _audit_values(self) -> dict[str, Any]:
        return audit_values(self)

    def audit_changes(self) -> dict[str, list[Any]]:
        before = getattr(self, "_audit_snapshot", {})
        after = self._audit_values()
        return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}

    def save(self, *args: Any, audit_note: str = "", **kwargs: Any) -> None:
        creating = self._state.adding
        with transaction.atomic():
            changes = self.audit_changes()
            super().save(*args, **kwargs)
            if creating:
                write_audit(action=AuditAction.CREATE, obj=self, changes=changes, note=audit_note)
            elif changes:
                action = AuditAction.TRANSITION if "status" in changes else AuditAction.UPDATE
                write_audit(action=action, obj=self, changes=changes, note=audit_note)
            self._audit_snapshot = self._audit_values()

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        using = using or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            write_deletion_audit(self)
            audit_cascade(type(self), [self], using=using, cause=f"{self._meta.label}#{self.pk}")
            return super().delete(using=using, keep_parents=keep_parents)


def audit_values(obj: models.Model) -> dict[str, Any]:
    """The values an audit row of `obj` records: its loaded concrete fields, bookkeeping and the model's
    `audit_exclude` (secrets: a password hash, a token's key) aside."""
    skip = AUDIT_SKIP_FIELDS | getattr(obj, "audit_exclude", frozenset())
    return {
        field.attname: _plain(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.name not in skip and field.attname in obj.__dict__
    }


def write_deletion_audit(obj: models.Model, note: str = "") -> AuditEntry:
    """The DELETE row of `obj`: every value it held, in its compartment (call while its parent exists)."""
    changes = {k: [v, None] for k, v in audit_values(obj).items()}
    return write_audit(action=AuditAction.DELETE, obj=obj, changes=changes, note=note)


# Rules under which a deletion leaves the pointing row as it is (or refuses): every other rule deletes it
# (CASCADE) or changes its key (SET_NULL, SET_DEFAULT, SET(…)).
_LEAVES_ROWS = frozenset({models.PROTECT, models.RESTRICT, models.DO_NOTHING})


@functools.cache
def deletion_changes_audited_rows(model: type[models.Model]) -> bool:
    """Whether deleting a `model` row can delete or change Audited rows: a CASCADE path, maybe through
    models that are not Audited, reaches an Audited model, or an Audited model's key to a model on it is
    set to NULL (or another value) on delete."""
    seen = {model}
    stack = [model]
    while stack:
        rel: Any
        for rel in get_candidate_relations_to_delete(stack.pop()._meta):
            related = rel.related_model
            if rel.on_delete in _LEAVES_ROWS:
                continue
            if issubclass(related, Audited):
                return True
            if rel.on_delete is models.CASCADE and related not in seen:
                seen.add(related)
                stack.append(related)
    return False


def audit_cascade(model: type[models.Model], objs: Iterable[models.Model], *, using: str, cause: str) -> None:
    """A DELETE row for every Audited row that deleting `objs` (rows of `model`) removes by cascade, and an
    UPDATE row for every other Audited row whose key to a deleted row it sets to NULL (`on_delete=SET_NULL`),
    `objs` themselves aside, each in that row's own compartment. Call before the deletion, in its
    transaction: the parents a row inherits its compartment from are still there to read (ADR 0102).
    Through tables and other plain rows get none. `objs` is only read when `model` can reach Audited rows
    at all."""
    if not deletion_changes_audited_rows(model):
        return
    collector = Collector(using=using)
    objs = list(objs)
    collector.collect(objs)
    note = f"cascade: {cause}"
    gone = _deleted_keys(collector, objs)
    for row in _rows(gone, using):
        write_deletion_audit(row, note=note)
    for row, changes in _set_keys(collector, gone, using):
        write_audit(action=AuditAction.UPDATE, obj=row, changes=changes, note=note)


def _deleted_keys(collector: Collector, objs: list[models.Model]) -> dict[type[Audited], set[Any]]:
    """The keys of the Audited rows `collector` deletes with `objs`, collected or fast-deleted."""
    origin = {(o._meta.concrete_model, o.pk) for o in objs}
    keys: defaultdict[type[Audited], set[Any]] = defaultdict(set)
    for model, instances in collector.data.items():
        if issubclass(model, Audited):
            keys[model].update(o.pk for o in instances if (model._meta.concrete_model, o.pk) not in origin)
    for fast in collector.fast_deletes:
        if issubclass(fast.model, Audited):
            keys[fast.model].update(fast.values_list("pk", flat=True))
    return keys


def _set_keys(
    collector: Collector, gone: dict[type[Audited], set[Any]], using: str
) -> list[tuple[Audited, dict[str, list[Any]]]]:
    """Each Audited row whose keys `collector` sets on delete, with `{attname: [old, new]}` for every such
    key. `field_updates` maps (field, value) to batches, each a queryset or a list of instances loaded
    with keys only; a row that goes anyway is left to its DELETE row."""
    values: defaultdict[type[Audited], defaultdict[Any, dict[str, Any]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    batch: Any  # a queryset or a list of instances, though django-stubs call it a Model
    for (field, value), batches in collector.field_updates.items():
        for batch in batches:
            for instance in batch:
                model = type(instance)
                if issubclass(model, Audited) and instance.pk not in gone.get(model, ()):
                    values[model][instance.pk][field.attname] = _plain(getattr(value, "pk", value))
    keyed = {model: set(rows) for model, rows in values.items()}
    return [
        (row, {name: [_plain(getattr(row, name)), new] for name, new in values[type(row)][row.pk].items()})
        for row in _rows(keyed, using)
    ]


def _rows(keys: dict[type[Audited], set[Any]], using: str) -> list[Audited]:
    """The rows named by `keys`, whole (the Collector loads only keys) and with their audit parent joined,
    by model label and key."""
    ordered = sorted(keys, key=lambda model: model._meta.label)
    return [row for model in ordered for row in _whole_rows(model, keys[model], using)]


def _whole_rows(model: type[Audited], pks: set[Any], using: str) -> list[Audited]:
    rows = model._base_manager.using(using).filter(pk__in=pks).order_by("pk")
    if model.audit_parent:
        rows = rows.select_related(model.audit_parent.replace(".", "__"))
    return list(rows)


def _m2m_field(model: type[models.Model], through: Any) -> str | None:
    for f in model._meta.many_to_many:
        if f.remote_field.through is through:  # type: ignore[union-attr]
            return f.name
    return None


def _audit_m2m(
    sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kw: Any
) -> None:
    """`m2m_changed` on every many-to-many of an Audited model: `.add/.remove/.set/.clear` write rows of
    the through table with no save(), so each call writes one summary row on the record whose field
    changed (`<field>_created` / `<field>_deleted`: the ids linked or unlinked). Sharing a record with an
    agency or a person, or withdrawing it, is therefore in the trail (ADR 0108)."""
    if action == "pre_clear":
        instance._audit_cleared = _linked_ids(sender, instance)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    ids = instance.__dict__.pop("_audit_cleared", []) if action == "post_clear" else pk_set or []
    if not ids:
        return
    verb = "created" if action == "post_add" else "deleted"
    if reverse:  # agency.shared_…_set.add(record): the change is the record's, one row on each
        owners = [(obj, [instance.pk]) for obj in model._default_manager.filter(pk__in=ids)]
        field = _m2m_field(model, sender)
    else:
        owners, field = [(instance, sorted(ids))], _m2m_field(type(instance), sender)
    for obj, linked in owners:
        if isinstance(obj, Audited) and field:
            if verb == "created":
                write_bulk_audit(obj=obj, name=field, created=linked)
            else:
                write_bulk_audit(obj=obj, name=field, deleted=linked)


def _linked_ids(through: Any, instance: Any) -> list[Any]:
    """The ids `instance` is linked to through `through` (read before a clear, which names none)."""
    fks = [f for f in through._meta.concrete_fields if f.many_to_one]
    own = next(f for f in fks if isinstance(instance, f.related_model))
    other = next(f for f in fks if f is not own)
    rows = through._default_manager.filter(**{own.attname: instance.pk})
    return sorted(rows.values_list(other.attname, flat=True))


def connect_m2m_audit() -> None:
    """Called from `CoreConfig.ready`: one receiver per through table of an Audited model's M2M."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed

    for model in apps.get_models():
        if not issubclass(model, Audited):
            continue
        for f in model._meta.many_to_many:
            through = f.remote_field.through  # type: ignore[union-attr]
            m2m_changed.connect(_audit_m2m, sender=through, dispatch_uid=f"audit-m2m-{through._meta.label}")


class Secured(Audited):
    """An operational record: owned by an agency, at a secrecy level, optionally shared (its compartment)."""

    owner_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("đơn vị chủ quản"), on_delete=models.PROTECT, related_name="+"
    )
    secrecy = models.PositiveSmallIntegerField(_("độ mật"), choices=Secrecy.choices, default=Secrecy.MAT)
    shared_with_agencies = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("chia sẻ với đơn vị"),
        blank=True,
        related_name="shared_%(app_label)s_%(class)s",
    )
    shared_with_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chia sẻ với người dùng"),
        blank=True,
        related_name="shared_%(app_label)s_%(class)s",
    )

    # Not an AuditedQuerySet (visibility.py comes before this module): its delete() goes row by row
    # through Audited.delete(), which audits each row's cascade.
    objects = SecuredQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        abstract = True

    @property
    def secrecy_label(self) -> str:
        return str(Secrecy(self.secrecy).label)

    def is_visible_to(self, user: Any) -> bool:
        return type(self).objects.visible_to(user).filter(pk=self.pk).exists()


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class Job(models.Model):
    """A background task (roster solve, long document render…) with progress the UI polls.

    Run by `canhve worker`, which polls this table: no broker needed, and any app server can enqueue.
    """

    kind = models.CharField(max_length=64)
    params = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
