"""A refused action answers 4xx with the page it came from (ADR 0106).

The page forms that post an action (add a stop, set a task's status, pin an assignment, approve a safe
point) used to answer a refusal as a success would — a redirect to the record's page, the reason in a
flash message — so a script, a proxy log or a test saw a 302 for a request that stored nothing. `refuse`
keeps what the user sees (the record's page with each reason at the top, naming its field) and answers
it 400, which also rolls the request back (`transactions.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import resolve
from django.utils.translation import gettext as _

Errors = ValidationError | Mapping[str, Any] | str


def _label(name: str, source: forms.BaseForm | type[models.Model] | None) -> str:
    if isinstance(source, forms.BaseForm) and name in source.fields:
        return str(source.fields[name].label or name)
    if isinstance(source, type) and issubclass(source, models.Model):
        try:
            return str(source._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            return name
    return name


def error_lines(errors: Errors, source: forms.BaseForm | type[models.Model] | None = None) -> list[str]:
    """Each reason as "Field: reason" (a reason about the whole record stays as it is)."""
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, ValidationError):
        if not hasattr(errors, "error_dict"):
            return [str(m) for m in errors.messages]
        errors = errors.message_dict
    lines = []
    for name, reasons in errors.items():
        for reason in reasons if isinstance(reasons, list | tuple) else [reasons]:
            text = " ".join(reason.messages) if isinstance(reason, ValidationError) else str(reason)
            lines.append(text if name in (NON_FIELD_ERRORS, None) else f"{_label(name, source)}: {text}")
    return lines


def refuse(
    request: HttpRequest,
    errors: Errors,
    back: str,
    *,
    source: forms.BaseForm | type[models.Model] | None = None,
    status: int = 400,
) -> HttpResponse:
    """The page at `back` (a path, maybe with a query), rendered as its own GET would render it, with
    the reasons shown, answered `status`."""
    for line in error_lines(errors, source):
        messages.error(request, line)
    path, _sep, query = back.partition("?")
    match = resolve(path)
    request.method = "GET"
    request.GET = QueryDict(query)
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code == 200:  # (a page that itself refuses or moves on answers for itself)
        response.status_code = status
    return response


def act(
    request: HttpRequest,
    write: Callable[[], Any],
    *,
    done: str,
    back: str,
    source: forms.BaseForm | type[models.Model] | None = None,
) -> HttpResponse:
    """Run a one-button action: on success back to `back` with `done` said; refused by the rules (a
    ValidationError), the page at `back` again with the reasons, answered 400."""
    try:
        write()
    except ValidationError as exc:
        return refuse(request, exc, back, source=source)
    messages.success(request, done)
    return redirect(back)


def act_on_form(
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[dict[str, Any]], Any],
    *,
    done: str,
    back: str,
) -> HttpResponse:
    """`act` for a small form on a record's page: its own errors, then the rules', refused the same way;
    `write` gets the cleaned data."""
    if not form.is_valid():
        return refuse(request, form.errors, back, source=form)
    return act(request, lambda: write(form.cleaned_data), done=done, back=back, source=form)


def form_errors(form: forms.BaseForm, exc: ValidationError | PermissionDenied) -> None:
    """A service's refusal on the form it came from: each reason on its field (a field the form does not
    have, on the whole form); a refused permission on the owner agency, the choice that decides it."""
    if isinstance(exc, PermissionDenied):
        field = "owner_agency" if "owner_agency" in form.fields else None
        form.add_error(field, str(exc) or _("Không có quyền."))
    elif hasattr(exc, "error_dict"):
        for field, reasons in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, reasons)
    else:
        form.add_error(None, exc.messages)


def create_page(
    request: HttpRequest,
    form: forms.BaseForm,
    create: Callable[[dict[str, Any]], models.Model],
    *,
    done: str,
    detail: str,
    template: str,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The page of a form that creates a record: shown on GET; a valid POST runs `create` on the cleaned
    data and goes to the new record's page (the URL named `detail`) with `done` said; refused — by the
    form or by the service's rules — the form again with each reason on its field, answered 400."""
    if request.method == "POST" and form.is_valid():
        try:
            record = create(form.cleaned_data)
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            if done:
                messages.success(request, done)
            return redirect(detail, pk=record.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)
