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

One kind of row survives every refusal: the record that the request disclosed something. A refused answer
may still show a secret record (an edit page re-rendered with its errors, a 409 listing the stored values
beside the user's), so the READ and EXPORT audit rows written while the view runs are remembered
(`remember_disclosures`, as each audit row is saved) and, once the rollback has dropped them, written again
in their own transaction onto the chain's current head. A view that *raises* answers with an error page
that shows nothing of the record, so its rows go with the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse

_MARK = "_commits_on_refusal"
V = TypeVar("V", bound=Callable[..., Any])
# The audit actions that record a disclosure (AuditAction.READ and AuditAction.EXPORT).
DISCLOSURES = frozenset({"read", "export"})
# The disclosure rows saved while a view runs in its request transaction; None outside one.
_disclosed: ContextVar[list[Any] | None] = ContextVar("canhve_disclosed", default=None)


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


def remember_disclosures(entries: Iterable[Any]) -> None:
    """Note the audit rows just saved that record a disclosure, so a refusal of the request keeps them."""
    disclosed = _disclosed.get()
    if disclosed is not None:
        disclosed.extend(e for e in entries if e.action in DISCLOSURES)


@contextmanager
def _collecting_disclosures() -> Iterator[list[Any]]:
    disclosed: list[Any] = []
    token = _disclosed.set(disclosed)
    try:
        yield disclosed
    finally:
        _disclosed.reset(token)


def _write_again(entries: list[Any]) -> None:
    """The rows a rollback dropped, appended anew: the same content, new ids, sealed onto the head."""
    from .models import AuditEntry

    chain_fields = {"id", "prev_hash", "row_hash"}
    by_db: dict[str, list[Any]] = {}
    for entry in entries:
        fields = [f.attname for f in entry._meta.concrete_fields if f.attname not in chain_fields]
        by_db.setdefault(entry._state.db, []).append(AuditEntry(**{f: getattr(entry, f) for f in fields}))
    for alias, copies in by_db.items():
        AuditEntry.objects.using(alias).bulk_create(copies)


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
        with _collecting_disclosures() as disclosed, ExitStack() as stack:
            for alias in aliases:
                stack.enter_context(transaction.atomic(using=alias))
            response = view(request, *args, **kwargs)
            if response is None:
                # Returning None here would make Django call the view a second time.
                name = getattr(view, "__qualname__", repr(view))
                raise ValueError(f"The view {name} didn't return an HttpResponse object. It returned None.")
            rolled_back = is_refusal(response) and not (
                getattr(view, _MARK, False) or getattr(request, _MARK, False)
            )
            if rolled_back:
                for alias in aliases:
                    transaction.set_rollback(True, using=alias)
        if rolled_back and disclosed:
            _write_again(disclosed)
        return response
