"""A refused request changes nothing (docs/decisions/0106-bad-input-never-500.md).

`ATOMIC_REQUESTS` wraps each view in a transaction that rolls back only when the view *raises*: a view that
catches the error and answers 400 (a form re-rendered with its errors, ninja's 422, a 409 conflict)
commits whatever it wrote before it noticed. `RollbackOnRefusalMiddleware`, last in `MIDDLEWARE`, calls the
view itself inside the same transaction(s) `ATOMIC_REQUESTS` would open, and marks them for rollback when
the answer is 4xx or 5xx. Django then does not wrap the view again (a `process_view` that returns a response
is the view's answer), so there is still exactly one transaction per request and per database.

Some refusals must leave a trace, so they opt out and commit as before:
- `@commits_on_refusal` on a view: the second-factor pages, whose failed code writes a LOGIN_FAILED audit
  row and django-otp's throttling counter, and whose enrolment page creates the device its QR code shows;
- `keep_on_refusal(request)` from code that runs inside any view: every failed sign-in (the
  `user_login_failed` receiver), so django-axes' failure records and lockout, the LOGIN_FAILED audit row and
  the revocation of a locked account's tokens survive whatever status the sign-in answers.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse

_MARK = "_commits_on_refusal"
V = TypeVar("V", bound=Callable[..., Any])


def commits_on_refusal(view: V) -> V:
    """Keep what `view` writes even when it answers 4xx/5xx. Only for writes that record the refusal
    itself (failed codes, throttling counters); say why where it is used."""
    setattr(view, _MARK, True)
    return view


def keep_on_refusal(request: HttpRequest | None) -> None:
    """Keep what the current request writes even when it answers 4xx/5xx (see `commits_on_refusal`)."""
    if request is not None:
        setattr(request, _MARK, True)


def is_refusal(response: HttpResponse) -> bool:
    return response.status_code >= 400


class RollbackOnRefusalMiddleware:
    """Runs each view in its request transaction and rolls it back when the answer is a refusal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if iscoroutinefunction(view):
            return None  # Django's own handling (ATOMIC_REQUESTS refuses async views)
        # The databases ATOMIC_REQUESTS would wrap, as django.core.handlers.base.make_view_atomic chooses.
        skip: set[str] = getattr(view, "_non_atomic_requests", set())
        aliases = [a for a, s in connections.settings.items() if s["ATOMIC_REQUESTS"] and a not in skip]
        if not aliases:
            return None
        with ExitStack() as stack:
            for alias in aliases:
                stack.enter_context(transaction.atomic(using=alias))
            response = view(request, *args, **kwargs)
            if response is None:
                # Returning None here would make Django call the view a second time.
                name = getattr(view, "__qualname__", repr(view))
                raise ValueError(f"The view {name} didn't return an HttpResponse object. It returned None.")
            if is_refusal(response) and not (getattr(view, _MARK, False) or getattr(request, _MARK, False)):
                for alias in aliases:
                    transaction.set_rollback(True, using=alias)
        return response
