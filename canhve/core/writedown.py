"""No write-down: a record may point only to what every reader of it may see (ADR 0107).

For a referencing record R and a target T (both `Secured`, or R a child of a `Secured` parent, whose
compartment it uses):
1. R.secrecy >= T.secrecy — anyone cleared for R is cleared for T;
2. R's owner agency can see T (T is owned in its subtree, or T is shared with it);
3. every agency R is shared with can see T the same way, and every user R is shared with sees T.

`check(obj)` raises ValidationError naming the offending field. It runs from a `pre_save` receiver on every
model with such a link and from an `m2m_changed` receiver on link and sharing M2Ms (connected in
`CoreConfig.ready`), so forms, API, admin and commands all refuse the same way; services may call it first
to show the error on the form field, and a form's clean may call `check_pending` (every check of the
receivers, with the form's M2M values) so nothing reaches the receivers to be refused there. Rules 2 and 3
follow the agency tree, so a save moving an agency re-checks the links it touches (`check_move`).

Display: `visible_related(user, obj)` returns the target when the reader may see it, else None; the
`visible_or_placeholder` template filter renders a neutral placeholder instead of the target's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed, pre_save
from django.utils.translation import gettext_lazy as _

from .context import current_actor
from .models import Secured
from .secrecy import Secrecy

PLACEHOLDER = _("(bản ghi không có quyền xem)")


@dataclass(frozen=True)
class Link:
    model: type[models.Model]
    field: str
    target: type[Secured]
    many: bool
    parent: str | None  # the path to the Secured parent when `model` is a child record


def _is_secured(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, Secured)


def parent_field(model: type[models.Model]) -> str | None:
    """The path through which a non-Secured child takes its compartment: `compartment_parent` if the
    model names one, otherwise its first CASCADE FK to a Secured model, otherwise its `audit_parent`
    (which may be dotted: a Contingency takes its plan version's operation, "plan_version.operation")."""
    if _is_secured(model):
        return None
    named = getattr(model, "compartment_parent", None)
    if named:
        return str(named)
    for f in model._meta.concrete_fields:
        if f.many_to_one and _is_secured(f.related_model) and f.remote_field.on_delete is models.CASCADE:
            return str(f.name)
    return getattr(model, "audit_parent", "") or None


def parent_of(record: models.Model) -> Any:
    """The Secured record a child takes its compartment from (following a dotted path); None if none."""
    path = parent_field(type(record))
    owner: Any = record
    for name in path.split(".") if path else []:
        owner = getattr(owner, name, None)
        if owner is None:
            return None
    return owner if path else None


_SHARING = {"shared_with_agencies", "shared_with_users"}

# Links not held to the write rule, each with the reason; their pages must filter on display instead.
EXEMPT: dict[str, str] = {
    # A roster is shared with the partners whose officers it places; each partner sees its own officers'
    # rows, the others' names are filtered on display (visible_only), so the solver may place anyone the
    # planner sees.
    "staffing.Assignment.personnel": "filtered on display",
}


def links() -> list[Link]:
    """Every FK/OneToOne/M2M from a Secured model, or from a child of one, to a Secured model."""
    out: list[Link] = []
    for model in apps.get_models():
        parent = parent_field(model)
        if not _is_secured(model) and parent is None:
            continue
        for f in model._meta.get_fields():
            if not (f.is_relation and f.concrete) or f.auto_created:
                continue
            target = f.related_model
            if f.name in _SHARING or (parent and f.name == parent.split(".")[0]) or not _is_secured(target):
                continue
            out.append(Link(model, f.name, cast(type[Secured], target), bool(f.many_to_many), parent))
    return out


@dataclass
class Compartment:
    secrecy: int
    owner_agency_id: int
    agency_ids: list[int]
    user_ids: list[int]


def compartment(obj: models.Model) -> Compartment | None:
    """Who may read `obj`: its own compartment if Secured, its parent's if a child; None if neither."""
    if isinstance(obj, Secured):
        agency_ids: list[int] = []
        user_ids: list[int] = []
        if obj.pk:
            agency_ids = list(obj.shared_with_agencies.values_list("pk", flat=True))
            user_ids = list(obj.shared_with_users.values_list("pk", flat=True))
        return Compartment(obj.secrecy, obj.owner_agency_id, agency_ids, user_ids)
    owner = parent_of(obj)
    return compartment(owner) if owner is not None else None


# Rules 2 and 3 read the agency tree. `tree` ({agency id: materialised path}) is the tree as a pending
# move will leave it; None reads the stored one.
Tree = Mapping[int, str]


def agency_sees(agency_id: int, target: Compartment, tree: Tree | None = None) -> bool:
    from canhve.agencies.models import Agency, lineage_of

    owner = target.owner_agency_id
    lineage = Agency.lineage_ids(owner) if tree is None else lineage_of(tree.get(owner, ""))
    return agency_id in lineage or agency_id in target.agency_ids


def compartment_visible_to(user: Any, comp: Compartment, tree: Tree | None = None) -> bool:
    """The rule of `SecuredQuerySet.visible_to`, applied to a compartment: for a target as it will be
    after a pending change (raised secrecy, withdrawn share, moved agency), which the database cannot
    answer yet."""
    from canhve.agencies.models import subtree_of

    if user is None or not user.is_authenticated or not user.is_active or comp.secrecy > user.clearance:
        return False
    governed = user.governed_agency_ids() if tree is None else subtree_of(tree, user.member_agency_ids())
    return (
        comp.owner_agency_id in governed
        or bool(set(user.member_agency_ids()) & set(comp.agency_ids))
        or user.pk in comp.user_ids
    )


def user_sees(user_id: int, target: Compartment, tree: Tree | None = None) -> bool:
    from canhve.accounts.models import User

    return compartment_visible_to(User.objects.filter(pk=user_id).first(), target, tree)


def problem(comp: Compartment, target: Secured | Compartment, tree: Tree | None = None) -> str | None:
    """Why a record in `comp` may not point to `target` (a record, or the compartment it is about to
    have) in `tree` (the stored agency tree by default); None when it may."""
    goal = target if isinstance(target, Compartment) else compartment(target)
    assert goal is not None
    if comp.secrecy < goal.secrecy:
        return str(
            _("Bản ghi được trỏ tới mật hơn (%(target)s) bản ghi này (%(own)s): hãy nâng độ mật.")
            % {"target": Secrecy(goal.secrecy).label, "own": Secrecy(comp.secrecy).label}
        )
    if not agency_sees(comp.owner_agency_id, goal, tree):
        return str(_("Đơn vị chủ quản của bản ghi này không được xem bản ghi được trỏ tới."))
    for agency_id in comp.agency_ids:
        if not agency_sees(agency_id, goal, tree):
            return str(_("Bản ghi này được chia sẻ với đơn vị không được xem bản ghi được trỏ tới."))
    for user_id in comp.user_ids:
        if not user_sees(user_id, goal, tree):
            return str(_("Bản ghi này được chia sẻ với người không được xem bản ghi được trỏ tới."))
    return None


def _targets(obj: models.Model, link: Link) -> list[Secured]:
    if link.many:
        return list(getattr(obj, link.field).all()) if obj.pk else []
    value = getattr(obj, link.field, None)
    return [value] if value is not None else []


def enforced_links() -> list[Link]:
    return [lk for lk in links() if f"{lk.model._meta.label}.{lk.field}" not in EXEMPT]


def links_of(model: type[models.Model]) -> list[Link]:
    return [lk for lk in enforced_links() if lk.model is model]


def _link_problems(
    obj: models.Model, comp: Compartment, own: list[Link], m2m: Mapping[str, Iterable[Any]]
) -> dict[str, str]:
    """{field: why} for each link of `own` through which `obj`, read as `comp`, points to something
    its readers may not see; an M2M named in `m2m` is read from there (a form's values), not stored."""
    errors: dict[str, str] = {}
    for link in own:
        targets = list(m2m[link.field]) if link.field in m2m else _targets(obj, link)
        why = next(filter(None, (problem(comp, target) for target in targets)), None)
        if why:
            errors[link.field] = why
    return errors


def check(obj: models.Model, *, fields: list[str] | None = None) -> None:
    """Raise ValidationError({field: message}) when `obj` points to something its readers may not see."""
    own = [lk for lk in links_of(type(obj)) if fields is None or lk.field in fields]
    if not own:
        return
    comp = compartment(obj)
    if comp is None:
        return
    errors = _link_problems(obj, comp, own, {})
    if errors:
        raise ValidationError(errors)


def check_targets(obj: models.Model, field: str, targets: list[Secured]) -> None:
    comp = compartment(obj)
    if comp is None:
        return
    for target in targets:
        why = problem(comp, target)
        if why:
            raise ValidationError({field: why})


def target_models() -> set[type[Secured]]:
    return {lk.target for lk in enforced_links()}


def referrers(target: Secured) -> list[models.Model]:
    """Every record pointing to `target` through an enforced link."""
    found: list[models.Model] = []
    for link in enforced_links():
        if isinstance(target, link.target):
            found.extend(link.model._default_manager.filter(**{link.field: target.pk}).distinct())
    return found


def _readable(user: Any, record: models.Model) -> bool:
    """Whether `user` may see `record` (a child record: its parent)."""
    owner = parent_of(record) if parent_field(type(record)) else record
    return user is not None and isinstance(owner, Secured) and owner.is_visible_to(user)


def _named(record: models.Model) -> str:
    """A record as an error message names it; a child record with the record it belongs to:
    điểm dừng «1. Nhà khách» (nhiệm vụ cảnh vệ «OP-01 — …»)."""
    text = f"{record._meta.verbose_name} «{record}»"
    owner = parent_of(record)
    if owner is not None:
        text += f" ({owner._meta.verbose_name} «{owner}»)"
    return text


def _refuse(broken: list[models.Model], field: str, message: str) -> None:
    """Refuse a change that would turn the `broken` referring records into write-downs: `message` on
    `field`, then the records the acting user may see, named, and the others only counted."""
    user = current_actor().user
    named = [r for r in broken if _readable(user, r)]
    if named:
        listed = "; ".join(_named(r) for r in named)
        message += " " + str(_("Hãy sửa hoặc gỡ liên kết ở: %(records)s.") % {"records": listed})
    if len(broken) > len(named):
        message += " " + str(
            _("%(n)s bản ghi trong số đó anh/chị không có quyền xem.") % {"n": len(broken) - len(named)}
        )
    raise ValidationError({field: message})


def check_referrers(target: Secured, becomes: Compartment, field: str) -> None:
    """Refuse a change that narrows `target`'s compartment to `becomes` (a raised secrecy, another owner,
    a withdrawn share) while records point to it whose readers would then lose sight of it: the write
    would silently turn each of them into a write-down. The error, on `field`, names the referring
    records the acting user may see and counts the others without naming them."""
    broken = [r for r in referrers(target) if (c := compartment(r)) is not None and problem(c, becomes)]
    if broken:
        message = _(
            "Không thể thay đổi: %(n)s bản ghi đang trỏ tới bản ghi này và người đọc của chúng sẽ không "
            "còn được xem nó (ghi xuống)."
        )
        _refuse(broken, field, str(message % {"n": len(broken)}))


def check_narrowing(instance: Secured, becomes: Compartment | None = None) -> None:
    """Before a save of a record others point to: a raised secrecy or a new owner is checked against
    every referring record (`check_referrers`). `becomes` is the compartment a form is about to give it,
    its sharing included, so a share the form withdraws is checked too; by default, `instance` with its
    stored sharing."""
    if instance._state.adding or instance.pk is None:
        return
    before = (
        type(instance)._default_manager.filter(pk=instance.pk).values("secrecy", "owner_agency_id").first()
    )
    if before is None:
        return
    field = None
    if int(instance.secrecy) > int(before["secrecy"]):
        field = "secrecy"
    elif instance.owner_agency_id != before["owner_agency_id"]:
        field = "owner_agency"
    elif becomes is not None:
        stored = compartment(instance)
        assert stored is not None
        if set(stored.agency_ids) - set(becomes.agency_ids):
            field = "shared_with_agencies"
        elif set(stored.user_ids) - set(becomes.user_ids):
            field = "shared_with_users"
    if field:
        after = becomes or compartment(instance)
        assert after is not None
        check_referrers(instance, after, field)


def check_move(agency: Any) -> None:
    """Before a save giving `agency` another parent: rules 2 and 3 follow lineages ("R's owner can see T"
    when T is owned in its subtree; a shared user sees what their agencies govern), so every link whose
    referring record or target is owned in the moved subtree is checked again in the tree as the move
    will leave it. Refused on `parent`, naming as `check_referrers` does."""
    from canhve.agencies.models import Agency, lineage_of, moved_paths, subtree_of

    if agency._state.adding or agency.pk is None:
        return
    paths = Agency.paths()
    old = paths.get(agency.pk, "")
    lineage = lineage_of(old)
    stored_parent = lineage[-2] if len(lineage) > 1 else None
    new_parent = agency.parent_id
    below_itself = new_parent is not None and paths.get(new_parent, "").startswith(old)
    if not old or new_parent == stored_parent or below_itself:
        return  # not moved, or moved below itself, which Agency.save refuses
    tree = moved_paths(paths, agency.pk, new_parent)
    subtree = subtree_of(paths, [agency.pk])
    broken: dict[tuple[str, Any], models.Model] = {}
    for link in enforced_links():
        owner = f"{link.parent.replace('.', '__')}__owner_agency" if link.parent else "owner_agency"
        touched = Q(**{f"{owner}__in": subtree}) | Q(**{f"{link.field}__owner_agency__in": subtree})
        for record in link.model._default_manager.filter(touched).distinct():
            comp = compartment(record)
            if comp is not None and any(problem(comp, t, tree) for t in _targets(record, link)):
                broken[(record._meta.label, record.pk)] = record
    if broken:
        message = _(
            "Không thể chuyển đơn vị: %(n)s bản ghi sẽ trỏ tới bản ghi mà người đọc của chúng không còn "
            "được xem trong cây đơn vị mới (ghi xuống)."
        )
        _refuse(list(broken.values()), "parent", str(message % {"n": len(broken)}))


def check_pending(instance: models.Model, m2m: Mapping[str, Iterable[Any]]) -> None:
    """Every check of the receivers below, on a record about to be saved with a form's values (`m2m`:
    the form's many-to-many values, which the receivers would see only once stored). For a form's
    clean: each refusal lands on its field and nothing is written. Raises one ValidationError with all
    of them."""
    from canhve.agencies.models import Agency

    errors: dict[str, list[str]] = {}
    comp = compartment(instance)
    if comp is not None:
        for name, attr in (("shared_with_agencies", "agency_ids"), ("shared_with_users", "user_ids")):
            if name in m2m:
                setattr(comp, attr, [o.pk for o in m2m[name]])
        own = links_of(type(instance))
        errors.update({f: [why] for f, why in _link_problems(instance, comp, own, m2m).items()})
    checks = []
    if isinstance(instance, Secured) and type(instance) in target_models():
        checks.append(lambda: check_narrowing(instance, comp))
    if isinstance(instance, Agency):
        checks.append(lambda: check_move(instance))
    for run in checks:
        try:
            run()
        except ValidationError as refused:
            for field, messages in refused.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


# Signal receivers: the last line of defence behind every form, service, API and admin write.


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kw: Any) -> None:
    if raw:
        return
    check(instance)


def _pre_save_target(sender: type[models.Model], instance: Any, raw: bool = False, **kw: Any) -> None:
    if not raw:
        check_narrowing(instance)


def _pre_save_agency(sender: type[models.Model], instance: Any, raw: bool = False, **kw: Any) -> None:
    if not raw:
        check_move(instance)


def _withdrawn(sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any) -> None:
    """`pre_remove`/`pre_clear` on a target's sharing: check the compartment it is about to have."""
    secured = model if reverse else type(instance)
    if not _is_secured(secured) or secured not in target_models():
        return
    is_agency = sender is secured.shared_with_agencies.through
    if not is_agency and sender is not secured.shared_with_users.through:
        return
    field = "shared_with_agencies" if is_agency else "shared_with_users"
    if reverse:  # agency.shared_…_set.remove(target): each target loses this one reader
        targets = (
            secured.objects.filter(pk__in=pk_set) if pk_set else secured.objects.filter(**{field: instance})
        )
        gone: dict[int, set[int] | None] = {t.pk: {instance.pk} for t in targets}
    else:  # as stored: the through rows change, not the record's unsaved fields
        targets = list(secured.objects.filter(pk=instance.pk))
        gone = {instance.pk: set(pk_set) if pk_set is not None else None}
    for target in targets:
        becomes = compartment(target)
        assert becomes is not None
        removed = gone[target.pk]
        attr = "agency_ids" if is_agency else "user_ids"
        kept = [] if removed is None else [i for i in getattr(becomes, attr) if i not in removed]
        setattr(becomes, attr, kept)
        check_referrers(target, becomes, field)


def _m2m_changed(
    sender: Any, instance: Any, action: str, model: Any, pk_set: Any, reverse: bool = False, **kw: Any
) -> None:
    if action in ("pre_remove", "pre_clear"):
        _withdrawn(sender, instance, action, reverse, model, pk_set)
        return
    if action != "pre_add" or not pk_set:
        return
    for link in links_of(type(instance)):
        if link.many and getattr(type(instance), link.field).through is sender:
            check_targets(instance, link.field, list(model.objects.filter(pk__in=pk_set)))
            return
    if isinstance(instance, Secured) and sender in (
        type(instance).shared_with_agencies.through,
        type(instance).shared_with_users.through,
    ):
        # Widening R's sharing: every target R points to must be visible to the new readers.
        is_agency = sender is type(instance).shared_with_agencies.through
        comp = compartment(instance)
        assert comp is not None
        extra = Compartment(
            comp.secrecy,
            comp.owner_agency_id,
            list(pk_set) if is_agency else [],
            [] if is_agency else list(pk_set),
        )
        field = "shared_with_agencies" if is_agency else "shared_with_users"
        for link in links_of(type(instance)):
            for target in _targets(instance, link):
                why = problem(extra, target)
                if why:
                    raise ValidationError({field: f"{link.field}: {why}"})


def connect() -> None:
    seen: set[Any] = set()
    agency = apps.get_model("agencies", "Agency")
    pre_save.connect(_pre_save_agency, sender=agency, dispatch_uid="writedown-agency-move")
    for target in target_models():
        pre_save.connect(
            _pre_save_target, sender=target, dispatch_uid=f"writedown-target-{target._meta.label}"
        )
        for name in _SHARING:
            through = getattr(target, name).through
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"writedown-{through}")
    for link in enforced_links():
        if link.model not in seen:
            pre_save.connect(_pre_save, sender=link.model, dispatch_uid=f"writedown-{link.model._meta.label}")
            seen.add(link.model)
            if _is_secured(link.model):
                for name in _SHARING:
                    through = getattr(link.model, name).through
                    m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"writedown-{through}")
        if link.many:
            through = getattr(link.model, link.field).through
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"writedown-{through}")


# Display.


def visible_related(user: Any, obj: Any) -> Any:
    """`obj` if `user` may see it (or it is not Secured); None otherwise."""
    if obj is None or not isinstance(obj, Secured):
        return obj
    return obj if obj.is_visible_to(user) else None


def visible_only(user: Any, objs: Any) -> list[Any]:
    """The records of `objs` the reader may see (for M2M lists such as a mobilisation's officers)."""
    objs = list(objs)
    if not objs:
        return []
    model = type(objs[0])
    if not _is_secured(model):
        return objs
    ok = set(model.objects.visible_to(user).filter(pk__in=[o.pk for o in objs]).values_list("pk", flat=True))
    return [o for o in objs if o.pk in ok]


VISIBILITY_MARK = "_canhve_visible_to"


def mark_visibility(user: Any, objs: Any) -> None:
    """Note on each Secured record of `objs` whether `user` may see it, with one query over their pks,
    so the `visible_or_placeholder` filter asks nothing more for them (it otherwise loads the pks of
    every record of the model the reader may see: 5,000 sites for an operation's four stops)."""
    objs = [o for o in objs if isinstance(o, Secured)]
    for model in {type(o) for o in objs}:
        mine = [o for o in objs if type(o) is model]
        ok = set(
            model.objects.visible_to(user).filter(pk__in=[o.pk for o in mine]).values_list("pk", flat=True)
        )
        for o in mine:
            o.__dict__[VISIBILITY_MARK] = (getattr(user, "pk", None), o.pk in ok)


def name_or_placeholder(user: Any, obj: Any) -> str:
    if obj is None:
        return ""
    return str(obj) if visible_related(user, obj) is not None else str(PLACEHOLDER)
