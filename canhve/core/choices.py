"""Choice fields for long lists of records: sites, personnel, operations (ADR 0108).

A plain `ModelChoiceField` loads every record whole (each through `Audited.from_db`) to print its name,
and Django's `Select` renders one template per option: the operation page's stop form spent ~40 ms on
500 sites before anything else. `LeanModelChoiceField` reads only the columns its label shows, in one
`values_list` query, and `FastSelect` writes the same `<select>` markup in Python. Validation is
unchanged: the submitted pk is looked up in the field's queryset (visible_to), as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html import escape as _escape
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """Attributes in their order, as django/forms/widgets/attrs.html writes them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", k) if v is True else format_html(' {}="{}"', k, v),)
            for k, v in attrs.items()
            if v is not False
        ),
    )


class FastSelect(forms.Select):
    """`forms.Select` with its options written in Python (same markup, no template per option).
    Grouped choices fall back to the template path."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        choices = [c for c in self.choices]  # not list(): that asks the queryset for a COUNT first
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        if self.allow_multiple_selected:
            final["multiple"] = True
        wanted = set(self.format_value(value))
        # Plain string building with the stdlib escape (what django.utils.html.escape calls): format_html
        # per option cost more than the template it replaces, in its lazy-argument checks.
        parts = [f"<select{_attrs(final)}>"]
        chosen = False
        for option_value, label in choices:
            v = "" if option_value is None else str(option_value)
            selected = v in wanted and (self.allow_multiple_selected or not chosen)
            chosen = chosen or selected
            mark = " selected" if selected else ""
            parts.append(f'<option value="{_escape(v)}"{mark}>{_escape(str(label))}</option>')
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    """`forms.SelectMultiple`, options written as `FastSelect` does."""


class _ValuesIterator(ModelChoiceIterator):
    """(pk, label) pairs from one values_list query of the label's columns."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        field: Any = self.field  # a Lean…ChoiceField
        if field.empty_label is not None:
            yield ("", field.empty_label)
        for pk, *values in self.queryset.values_list("pk", *field.label_fields):
            yield (ModelChoiceIteratorValue(pk, None), field.label_format(*values))  # type: ignore[arg-type]


def _first(*values: Any) -> str:
    return str(values[0])


class _LeanLabels:
    """Options that read only `label_fields`; `label_format(*values)` makes the label (default: the
    first column), the same text as the model's `__str__`."""

    iterator = _ValuesIterator

    def __init__(
        self,
        queryset: Any,
        *,
        label_fields: tuple[str, ...] = ("name",),
        label_format: Callable[..., str] = _first,
        **kwargs: Any,
    ) -> None:
        self.label_fields = label_fields
        self.label_format = label_format
        super().__init__(queryset, **kwargs)  # type: ignore[call-arg]


class LeanModelChoiceField(_LeanLabels, forms.ModelChoiceField):
    widget = FastSelect


class LeanModelMultipleChoiceField(_LeanLabels, forms.ModelMultipleChoiceField):
    widget = FastSelectMultiple
