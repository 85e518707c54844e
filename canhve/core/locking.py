"""Optimistic locking for records two people can edit at once (ADR 0105).

A record carries `version` (an integer, skipped in audit diffs). The editor loads it with the record,
sends it back with the change, and the save is a conditional UPDATE on (pk, version): of two
simultaneous saves of the same version exactly one wins; the other gets `VersionConflict` and the page
answers 409 with the user's values still in the form beside the stored ones, the API 409 with both."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

CONFLICT_MESSAGE = _(
    "Bản ghi đã được người khác sửa sau khi bạn mở. Nội dung của bạn chưa lưu và vẫn ở dưới."
)


class VersionConflict(Exception):
    def __init__(self, *, expected: int, current: int, instance: models.Model | None = None):
        super().__init__(f"version {expected} is stale (now {current})")
        self.expected, self.current, self.instance = expected, current, instance


def claim_version(instance: models.Model, expected: int | None) -> None:
    """Bump the stored version from `expected` in one conditional UPDATE, or raise VersionConflict.
    Call inside the saving transaction before `save()`; sets `instance.version` to the new value."""
    if expected is None:
        return
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=int(expected)).update(
        version=F("version") + 1
    )
    if not updated:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        stored = model._default_manager.filter(pk=instance.pk).first()
        raise VersionConflict(expected=int(expected), current=current or 0, instance=stored)
    instance.version = int(expected) + 1  # type: ignore[attr-defined]


class VersionedFormMixin(forms.Form):
    """Carries the version the editor loaded as a hidden field (`expected_version`)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and not self.is_bound:
            self.initial.setdefault("expected_version", getattr(instance, "version", 0))


def conflict_response(
    request: HttpRequest, template: str, context: dict[str, Any], conflict: VersionConflict, form: forms.Form
) -> HttpResponse:
    """The edit page again with status 409: the user's submitted values stay in the form, the stored
    record's values are listed beside them, and the hidden version moves to the current one so a
    deliberate second save overwrites knowingly."""
    stored = conflict.instance
    rows = []
    for name, field in form.fields.items():
        if name == "expected_version" or stored is None:
            continue
        rows.append((field.label or name, form.data.get(name, ""), getattr(stored, name, "")))
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict: copy() is its mutable twin
    data["expected_version"] = str(conflict.current)
    form.data = data
    form.add_error(None, CONFLICT_MESSAGE)
    context = {**context, "form": form, "conflict": conflict, "conflict_rows": rows}
    return render(request, template, context, status=409)


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
