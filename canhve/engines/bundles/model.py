"""What goes into a bundle and what comes out of opening one: plain frozen dataclasses.

The Django side turns its rows into `Record`s (its own serialisation of each model's fields) and its
files into `Attachment`s; the engine never learns what an operation or a message is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .keys import check_agency_code

_UNSAFE_NAME_CHARS = frozenset("/\\\x00")


def canonical_json(value: Any) -> str:
    """One spelling per value (sorted keys, no spaces, no NaN): what digests and comparisons use."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def require_aware(moment: dt.datetime, what: str) -> dt.datetime:
    # A naive time means "local time of whichever host", which differs across the two sides.
    if not isinstance(moment, dt.datetime) or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, not {moment!r}")
    return moment


@dataclass(frozen=True, order=True)
class RecordKey:
    """Which record: the model label ("operations.Operation") and its uuid or natural key as text."""

    model: str
    key: str

    def __str__(self) -> str:
        return f"{self.model}:{self.key}"


@dataclass(frozen=True)
class Record:
    """One record as the sender holds it.

    `version` is the record's optimistic-locking version (ADR 0105), bumped by every save on either
    side; `origin` is the agency that created it; `fields` is its JSON-able content.
    """

    model: str
    key: str
    version: int
    updated_at: dt.datetime
    origin: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.model or "." not in self.model:
            raise ValueError(f"model must be an 'app.Model' label, not {self.model!r}")
        if not self.key:
            raise ValueError(f"{self.model}: the key (uuid or natural key) is empty")
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValueError(f"{self.ref}: version must be a positive integer, not {self.version!r}")
        require_aware(self.updated_at, f"{self.ref}: updated_at")
        check_agency_code(self.origin)
        try:
            canonical_json(dict(self.fields))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{self.ref}: fields are not JSON ({exc})") from exc

    @property
    def ref(self) -> RecordKey:
        return RecordKey(self.model, self.key)

    @property
    def content(self) -> str:
        """The fields in canonical JSON, so a tuple and a list, or two key orders, compare equal."""
        return canonical_json(dict(self.fields))


@dataclass(frozen=True)
class Attachment:
    """A file carried with the records (a signed PDF, a site photo); its SHA-256 is checked on open."""

    name: str
    data: bytes = field(repr=False)

    def __post_init__(self) -> None:
        check_attachment_name(self.name)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check_attachment_name(name: str) -> str:
    # The importer stores attachments under these names: a path in one would write outside its folder.
    if not isinstance(name, str) or not name or name in (".", "..") or _UNSAFE_NAME_CHARS & set(name):
        raise ValueError(f"attachment name must be a plain file name, not {name!r}")
    return name


@dataclass(frozen=True)
class Payload:
    """The encrypted content: what was selected (for the audit trail), the records and the files."""

    records: tuple[Record, ...]
    attachments: tuple[Attachment, ...] = ()
    selection: str = ""  # e.g. "operation DEMO-TH-01 with plans, sites, tasks and messages"

    def __post_init__(self) -> None:
        refs = [record.ref for record in self.records]
        if len(set(refs)) != len(refs):
            twice = sorted({ref for ref in refs if refs.count(ref) > 1})
            raise ValueError(f"a record appears twice in the payload: {', '.join(map(str, twice))}")
        names = [attachment.name for attachment in self.attachments]
        if len(set(names)) != len(names):
            raise ValueError("two attachments have the same name")


@dataclass(frozen=True)
class HeaderInfo:
    """What the caller decides about a bundle; sender and recipient come from the keys themselves."""

    sequence: int  # 1, 2, 3 … per sender → recipient pair, kept by the sending side
    created_at: dt.datetime

    def __post_init__(self) -> None:
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int) or self.sequence < 1:
            raise ValueError(f"sequence must be a positive integer, not {self.sequence!r}")
        require_aware(self.created_at, "created_at")


@dataclass(frozen=True)
class BundleHeader:
    """The clear-text header: readable by anyone who holds the file, covered by the signature and AAD."""

    format_version: int
    bundle_id: str  # 128 random bits as 32 hex digits
    sender: str
    recipient: str
    created_at: dt.datetime
    sequence: int
    sender_key: str  # fingerprint of the sender's keys
    recipient_key: str  # fingerprint of the recipient's keys the bundle was sealed for
    content_digest: str  # HMAC-SHA256 of the plaintext under a key only the two sides can derive
    ephemeral_public: bytes = field(repr=False)
    nonce: bytes = field(repr=False)


@dataclass(frozen=True)
class SeenBundles:
    """What this agency has imported before: every bundle id, and the last sequence from each sender."""

    ids: frozenset[str] = frozenset()
    last_sequence: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Opened:
    """A bundle that passed every check: its header, its content, and how many bundles went missing."""

    header: BundleHeader
    payload: Payload
    # Bundles from this sender that were never imported between the last one and this one; the importer
    # shows it, because a later bundle can only supersede, never restore, what a lost one carried.
    sequence_gap: int
