"""Optimistic locking for records two people can edit at once (ADR 0105).

A record carries `version` (an integer, skipped in audit diffs). The editor loads it with the record,
sends it back with the change, and the save is a conditional UPDATE on (pk, version): of two
simultaneous saves of the same version exactly one wins; the other gets `VersionConflict` and the page
answers 409 with the user's values still in the form beside the stored ones, the API 409 with both.

The pieces, each used by every edit path rather than repeated in it:
- `Versioned`: the abstract model with the counter; any other save of the row moves it too.
- `claim_version`: the check, called once by each update service inside its transaction.
- `VersionedFormMixin` + `conflict_response`: an edit page; `answers_conflicts`: a one-button action
  (status, toggle) whose stale click gets the 409 page; `VersionedAdmin`: the admin change form.
- `ConflictOut` + `api_conflict`: the API's documented 409."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from ninja import Schema

CONFLICT_MESSAGE = _(
    "Bản ghi đã được người khác sửa sau khi bạn mở. Nội dung của bạn chưa lưu và vẫn ở dưới."
)


class VersionConflict(Exception):
    def __init__(self, *, expected: int, current: int, instance: models.Model | None = None):
        super().__init__(f"version {expected} is stale (now {current})")
        self.expected, self.current, self.instance = expected, current, instance


class Versioned(models.Model):
    """The optimistic-lock counter. An edit moves it through `claim_version`; any other save of the row
    (a status change, a job, the sweep) moves it too, so an editor who loaded an older state is told."""

    version = models.PositiveIntegerField(default=1, editable=False, help_text="optimistic lock (ADR 0105)")

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        claimed = self.__dict__.pop("_version_claimed", False)
        fields = kwargs.get("update_fields")
        bump = not self._state.adding and not claimed and (fields is None or "version" in fields)
        if bump:
            self.version = F("version") + 1  # type: ignore[assignment]
        super().save(*args, **kwargs)
        if bump:
            self.refresh_from_db(fields=["version"])


def claim_version(instance: models.Model, expected: int | None) -> None:
    """Bump the stored version from `expected` in one conditional UPDATE, or raise VersionConflict.
    Call inside the saving transaction before `save()`; sets `instance.version` to the new value."""
    if expected is None:
        return
    model = type(instance)
    # The base manager: a Secured queryset's update() saves row by row (read, then write), which is no
    # longer one conditional UPDATE, so two editors could both claim the same version on PostgreSQL.
    updated = model._base_manager.filter(pk=instance.pk, version=int(expected)).update(
        version=F("version") + 1
    )
    if not updated:
        stored = model._base_manager.filter(pk=instance.pk).first()
        current = getattr(stored, "version", 0)
        raise VersionConflict(expected=int(expected), current=current, instance=stored)
    instance.version = int(expected) + 1  # type: ignore[attr-defined]
    instance._version_claimed = True  # type: ignore[attr-defined]  # Versioned.save: already moved


class VersionedFormMixin(forms.Form):
    """Carries the version the editor loaded as a hidden field (`expected_version`)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and not self.is_bound:
            self.initial.setdefault("expected_version", getattr(instance, "version", 0))


def _shown(value: Any) -> Any:
    return "" if value is None else value


def conflict_rows(
    stored: models.Model | None, submitted: Mapping[str, Any], labels: Mapping[str, Any]
) -> list[tuple[Any, Any, Any]]:
    """(label, what the user sent, what is stored) for each field the user sent."""
    if stored is None:
        return []
    return [
        (labels.get(name) or name, _shown(submitted.get(name)), _shown(getattr(stored, name, "")))
        for name in labels
        if name != "expected_version"
    ]


def _moved_on(data: Any, current: int) -> Any:
    """A copy of the submitted data whose hidden version is the current one: a deliberate second save
    then overwrites knowingly."""
    data = data.copy()  # a QueryDict: copy() is its mutable twin
    data["expected_version"] = str(current)
    return data


def conflict_response(
    request: HttpRequest, template: str, context: dict[str, Any], conflict: VersionConflict, form: forms.Form
) -> HttpResponse:
    """The edit page again with status 409: the user's submitted values stay in the form, the stored
    record's values are listed beside them, and the hidden version moves to the current one."""
    labels = {name: field.label for name, field in form.fields.items()}
    rows = conflict_rows(conflict.instance, form.data, labels)
    form.data = _moved_on(form.data, conflict.current)
    form.add_error(None, CONFLICT_MESSAGE)
    context = {**context, "form": form, "conflict": conflict, "conflict_rows": rows}
    return render(request, template, context, status=409)


def posted_version(request: HttpRequest) -> int | None:
    """The `expected_version` a one-button form posted (None when absent). Anything but a whole number is
    refused, not ignored: ignoring it would save over whatever is stored now."""
    value = request.POST.get("expected_version", "")
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({"expected_version": _("Phiên bản phải là một số nguyên không âm.")})
    return int(value)


def posted_flag(request: HttpRequest, name: str, *, absent: bool) -> bool:
    """The state a one-button form asks for: "1" or "0" in `name`, `absent` when it sends none (a plain
    toggle passes the other state than the stored one); anything else is refused naming the field."""
    value = request.POST.get(name)
    if value is None:
        return absent
    if value not in ("0", "1"):
        raise ValidationError({name: _("Chỉ nhận 0 hoặc 1.")})
    return value == "1"


def _posted_rows(stored: models.Model | None, posted: Mapping[str, Any]) -> list[tuple[Any, Any, Any]]:
    """Rows for the posted names that are fields of the record, values as the record shows them."""
    rows: list[tuple[Any, Any, Any]] = []
    if stored is None:
        return rows
    names = {f.name: f for f in stored._meta.concrete_fields}
    for name in posted:
        field = names.get(name)
        if field is None or name == "version":
            continue
        try:
            mine = field.to_python(posted[name])
        except ValidationError:
            mine = posted[name]
        choices = dict(field.flatchoices) if field.choices else {}
        kept = getattr(stored, field.attname)
        rows.append((field.verbose_name, choices.get(mine, mine), choices.get(kept, kept)))
    return rows


def answers_conflicts(back: Callable[[Any], str]) -> Callable[[Callable[..., HttpResponse]], Any]:
    """For a one-button action (a status select, a toggle) posting `expected_version`: a stale click
    gets the 409 page with what it asked for beside what is stored and a link `back(stored)` to the
    page it came from; its transaction savepoint was rolled back, so nothing of it is stored."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except VersionConflict as conflict:
                stored = conflict.instance
                context = {
                    "conflict": conflict,
                    "conflict_rows": _posted_rows(stored, request.POST),
                    "record": stored,
                    "back": back(stored) if stored is not None else "/",
                    "message": CONFLICT_MESSAGE,
                }
                return render(request, "core/conflict.html", context, status=409)

        return inner

    return wrap


# ---- the admin change form ------------------------------------------------------------------------------


class VersionedAdminForm(VersionedFormMixin, forms.ModelForm):
    """The admin's change form: a stale `expected_version` is a form error that lists the stored values
    beside the ones in the form (which keep the user's input) and moves the hidden version on."""

    conflict: VersionConflict | None = None

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        expected = data.get("expected_version")
        if self.instance.pk is None or expected is None:
            return data
        stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        if stored is None or stored.version == expected:  # type: ignore[attr-defined]
            return data
        self.conflict = VersionConflict(expected=expected, current=stored.version, instance=stored)  # type: ignore[attr-defined]
        labels = {name: field.label for name, field in self.fields.items()}
        rows = conflict_rows(stored, self.data, labels)
        self.data = _moved_on(self.data, self.conflict.current)
        raise ValidationError(
            [str(CONFLICT_MESSAGE)]
            + [f"{label} — {_('bạn nhập')}: {mine} · {_('đang lưu')}: {kept}" for label, mine, kept in rows]
        )


class VersionedAdmin:
    """Mixin for a ModelAdmin of a `Versioned` model: the same optimistic check as the app's pages."""

    form = VersionedAdminForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            if change:
                claim_version(obj, form.cleaned_data.get("expected_version"))
            super().save_model(request, obj, form, change)  # type: ignore[misc]

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        except VersionConflict:
            # Another save landed between the form's check and ours (rolled back): the form now sees it.
            response = super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        admin_form = (getattr(response, "context_data", None) or {}).get("adminform")
        if admin_form is not None and getattr(admin_form.form, "conflict", None) is not None:
            response.status_code = 409
        return response


# ---- the API ----------------------------------------------------------------------------------------


class ConflictOut(Schema):
    """409: the version you sent is stale. Both versions, nothing lost: re-send with `current_version`
    to overwrite knowingly."""

    detail: str
    expected_version: int
    current_version: int
    submitted: dict[str, Any]
    current: dict[str, Any]


def conflict_body(
    conflict: VersionConflict, submitted: dict[str, Any], current: dict[str, Any]
) -> dict[str, Any]:
    """The API's 409 body: both versions, nothing lost."""
    return {
        "detail": str(CONFLICT_MESSAGE),
        "expected_version": conflict.expected,
        "current_version": conflict.current,
        "submitted": submitted,
        "current": current,
    }


def api_conflict(conflict: VersionConflict, payload: Schema, out: type[Schema]) -> tuple[int, dict[str, Any]]:
    """`return api_conflict(c, payload, ThingOut)` from an update endpoint declared with
    `response={200: ThingOut, 409: ConflictOut}`."""
    current = out.from_orm(conflict.instance).dict() if conflict.instance is not None else {}
    return 409, conflict_body(conflict, submitted=payload.dict(exclude_unset=True), current=current)
