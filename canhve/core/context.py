"""Who is acting and from where, for the audit trail.

The request middleware fills this for web and API calls; commands and background jobs use
`acting_as(...)`. A context variable (not a thread-local) keeps it right under ASGI as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None  # accounts.User or None for the system
    ip: str | None = None
    via: str = "system"  # web, api, cli, job, system


_current: ContextVar[Actor] = ContextVar("canhve_actor", default=Actor())  # noqa: B039 - Actor is frozen


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(user: Any = None, *, ip: str | None = None, via: str = "system") -> Iterator[Actor]:
    actor = Actor(user=user, ip=ip, via=via)
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def become(user: Any, *, ip: str | None, via: str) -> None:
    """Switch the actor for the rest of the current context (API token auth resolves the user late)."""
    _current.set(Actor(user=user, ip=ip, via=via))
