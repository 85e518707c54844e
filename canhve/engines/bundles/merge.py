"""Planning an import: what each incoming record would do to the records held here. Pure: no writes.

Decisions rest on version numbers and content, never on `updated_at`: the two sides' clocks are not
synchronised across an air gap, so "later" by the clock proves nothing. The rules, in order:

1. not held here                                   → INSERT
2. held, but created by another origin agency      → CONFLICT (two agencies claim one key)
3. same version, same content                      → KEEP (an idempotent re-import)
4. same version, different content                 → CONFLICT (both sides saved version N)
5. both sides moved past the common version        → CONFLICT (edited on both sides since last sync)
6. incoming version higher                         → SUPERSEDE
7. incoming version lower                          → IGNORE_OLDER (an older copy never overwrites)

The common version is the version of the record the two sides last exchanged (imported or exported),
which the Django side stores per record and peer; when it is unknown, rule 5 cannot be applied and a
higher version supersedes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from .model import Record, RecordKey, canonical_json


class MergeAction(StrEnum):
    INSERT = "insert"
    SUPERSEDE = "supersede"
    KEEP = "keep"
    IGNORE_OLDER = "ignore-older"
    CONFLICT = "conflict"


CHANGING_ACTIONS = frozenset({MergeAction.INSERT, MergeAction.SUPERSEDE})


@dataclass(frozen=True)
class LocalRecord:
    """A record as held here, with the version last exchanged with the peer (None: never or unknown)."""

    version: int
    updated_at: dt.datetime
    origin: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    common_version: int | None = None

    @property
    def content(self) -> str:
        return canonical_json(dict(self.fields))


@dataclass(frozen=True)
class MergeStep:
    action: MergeAction
    key: RecordKey
    incoming: Record
    local: LocalRecord | None
    reason: str


@dataclass(frozen=True)
class MergePlan:
    steps: tuple[MergeStep, ...]

    def of(self, action: MergeAction) -> tuple[MergeStep, ...]:
        return tuple(step for step in self.steps if step.action is action)

    @property
    def changes(self) -> tuple[MergeStep, ...]:
        """The steps that write: inserts and supersedes."""
        return tuple(step for step in self.steps if step.action in CHANGING_ACTIONS)

    @property
    def conflicts(self) -> tuple[MergeStep, ...]:
        return self.of(MergeAction.CONFLICT)

    def counts(self) -> dict[MergeAction, int]:
        """How many records each action takes, every action present: the import's audit summary."""
        return {action: len(self.of(action)) for action in MergeAction}


def plan_merge(local: Mapping[RecordKey, LocalRecord], incoming: Iterable[Record]) -> MergePlan:
    steps = []
    seen: set[RecordKey] = set()
    for record in incoming:
        if record.ref in seen:
            raise ValueError(f"{record.ref} is listed twice among the incoming records")
        seen.add(record.ref)
        held = local.get(record.ref)
        action, reason = _decide(held, record)
        steps.append(MergeStep(action, record.ref, record, held, reason))
    return MergePlan(tuple(sorted(steps, key=lambda step: step.key)))


def _decide(held: LocalRecord | None, record: Record) -> tuple[MergeAction, str]:
    if held is None:
        return MergeAction.INSERT, "not held here"
    if held.origin != record.origin:
        return MergeAction.CONFLICT, f"created by {held.origin} here and by {record.origin} in the bundle"
    if record.version == held.version:
        if record.content == held.content:
            return MergeAction.KEEP, f"version {held.version} already held, same content"
        return MergeAction.CONFLICT, f"both sides hold version {held.version} with different content"
    common = held.common_version
    if common is not None and record.version > common and held.version > common:
        return MergeAction.CONFLICT, (
            f"changed on both sides since version {common}: here {held.version}, incoming {record.version}"
        )
    if record.version > held.version:
        return MergeAction.SUPERSEDE, f"version {record.version} replaces {held.version}"
    return MergeAction.IGNORE_OLDER, f"version {record.version} is older than {held.version} held here"


def apply_plan(local: Mapping[RecordKey, LocalRecord], plan: MergePlan) -> dict[RecordKey, LocalRecord]:
    """The records held after carrying out `plan`: what the Django side's import must end up with.

    Inserts and supersedes take the incoming copy; keeps record that both sides now share the version;
    conflicts and older copies leave the local record exactly as it was.
    """
    result = dict(local)
    for step in plan.steps:
        incoming = step.incoming
        if step.action in CHANGING_ACTIONS:
            result[step.key] = LocalRecord(
                version=incoming.version,
                updated_at=incoming.updated_at,
                origin=incoming.origin,
                fields=dict(incoming.fields),
                common_version=incoming.version,
            )
        elif step.action is MergeAction.KEEP and step.local is not None:
            result[step.key] = replace(step.local, common_version=incoming.version)
    return result
