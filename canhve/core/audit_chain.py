"""Tamper evidence for the audit trail (ADR 0103).

Each `AuditEntry` carries `row_hash` = SHA-256 over a canonical serialisation (sorted-key JSON) of its
content fields (`HASHED_FIELDS`) and `prev_hash`, the previous row's `row_hash`. Id order is chain
order. `verify()` walks the chain and reports the first broken link; `head()` gives the (id, row_hash,
count) to anchor elsewhere, and `verify(anchor=...)` checks the chain still holds that head, so a
truncation is seen too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections

# The content fields a row's hash covers, in a fixed list: adding a field to the model does not change
# the hash of old rows until it is added here (with a new chain version).
HASHED_FIELDS: tuple[str, ...] = (
    "at",
    "actor_id",
    "actor_name",
    "via",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "owner_agency_id",
    "secrecy",
    "changes",
    "note",
    "shared_agency_ids",
    "shared_user_ids",
)
GENESIS = ""
ADVISORY_LOCK_KEY = 0x63616E68  # "canh": one chain, one lock


def _norm(name: str, value: Any) -> Any:
    if name == "at" and isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    if name in ("changes", "shared_agency_ids", "shared_user_ids"):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    if name == "ip" and value == "":
        return None
    return value


def compute_hash(values: dict[str, Any], prev_hash: str) -> str:
    doc = {name: _norm(name, values.get(name)) for name in HASHED_FIELDS}
    doc["prev_hash"] = prev_hash or GENESIS
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def seal(entry: Any, using: str) -> None:
    """Fill `prev_hash` and `row_hash` of a new entry, inside the writing transaction."""
    seal_all([entry], using)


def seal_all(entries: Iterable[Any], using: str) -> None:
    """Chain new entries onto the head in the order given (the order their ids will take), inside the
    writing transaction. On PostgreSQL a transaction-level advisory lock serialises writers, so two
    transactions never fork the chain; SQLite has one writer at a time anyway."""
    from .models import AuditEntry

    conn = connections[using]
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
    last = AuditEntry.objects.using(using).order_by("-id").values_list("row_hash", flat=True).first()
    prev = last or GENESIS
    for entry in entries:
        entry.prev_hash = prev
        entry.row_hash = compute_hash({n: getattr(entry, n) for n in HASHED_FIELDS}, prev)
        prev = entry.row_hash


def head(using: str = "default") -> dict[str, Any]:
    from .models import AuditEntry

    qs = AuditEntry.objects.using(using)
    last = qs.order_by("-id").values_list("id", "row_hash").first()
    return {"id": last[0] if last else None, "row_hash": last[1] if last else GENESIS, "count": qs.count()}


class ChainBroken(Exception):
    pass


def verify(using: str = "default", anchor: dict[str, Any] | None = None, chunk_size: int = 5000) -> dict:
    """Walk the chain in id order; raise `ChainBroken` with a one-line reason at the first broken link."""
    from .models import AuditEntry

    cols = ("id", *HASHED_FIELDS, "prev_hash", "row_hash")
    rows = AuditEntry.objects.using(using).order_by("id").values_list(*cols)
    prev = GENESIS
    count = 0
    anchor_seen = anchor is None or anchor.get("id") is None
    last_id = None
    for row in rows.iterator(chunk_size=chunk_size):
        values = dict(zip(cols, row, strict=True))
        pk = values["id"]
        if values["prev_hash"] != prev:
            raise ChainBroken(
                f"dòng #{pk}: liên kết bị đứt (xóa hoặc chèn dòng) / "
                f"row #{pk}: broken link (row deleted or inserted)"
            )
        if compute_hash(values, prev) != values["row_hash"]:
            raise ChainBroken(f"dòng #{pk}: nội dung bị sửa / row #{pk}: content changed")
        if anchor is not None and pk == anchor.get("id"):
            if values["row_hash"] != anchor.get("row_hash"):
                raise ChainBroken(f"dòng #{pk} khác mốc neo / row #{pk} differs from the anchor")
            anchor_seen = True
        prev = values["row_hash"]
        last_id = pk
        count += 1
    if anchor is not None and not anchor_seen:
        raise ChainBroken(
            f"không còn dòng mốc neo #{anchor['id']} (bị cắt bỏ) / "
            f"anchored row #{anchor['id']} is gone (truncated)"
        )
    if anchor is not None and anchor.get("count") is not None and count < int(anchor["count"]):
        raise ChainBroken(
            f"ít dòng hơn mốc neo ({count} < {anchor['count']}) / fewer rows than the anchor (truncated)"
        )
    return {"id": last_id, "row_hash": prev, "count": count}
