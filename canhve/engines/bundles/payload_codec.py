"""The plaintext inside the ciphertext: a JSON manifest followed by the attachments' bytes.

    4 bytes  manifest length M, big-endian
    M bytes  manifest: {"selection", "records": [...], "attachments": [{"name", "size", "sha256"}]}
    …        each attachment's bytes in manifest order, nothing after the last

Attachments stay binary (no base64), so 5 MB of PDFs cost 5 MB, not 6.7. Decoding is strict, because a
payload that decrypts under a valid signature can still come from a faulty exporter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
from typing import Any

from .errors import CorruptPayload
from .model import Attachment, Payload, Record, canonical_json

_MANIFEST_LENGTH = struct.Struct(">I")
_RECORD_FIELDS = {"model", "key", "version", "updated_at", "origin", "fields"}
_ATTACHMENT_FIELDS = {"name", "size", "sha256"}


def encode_payload(payload: Payload) -> bytes:
    manifest = {
        "selection": payload.selection,
        "records": [
            {
                "model": r.model,
                "key": r.key,
                "version": r.version,
                "updated_at": r.updated_at.isoformat(),
                "origin": r.origin,
                "fields": dict(r.fields),
            }
            for r in payload.records
        ],
        "attachments": [
            {"name": a.name, "size": len(a.data), "sha256": a.sha256} for a in payload.attachments
        ],
    }
    encoded = canonical_json(manifest).encode()
    return b"".join([_MANIFEST_LENGTH.pack(len(encoded)), encoded, *(a.data for a in payload.attachments)])


def decode_payload(plaintext: bytes) -> Payload:
    try:
        return _decode(plaintext)
    except CorruptPayload:
        raise
    except (ValueError, TypeError, KeyError, struct.error) as exc:
        raise CorruptPayload(f"the payload cannot be read: {exc}") from exc


def _decode(plaintext: bytes) -> Payload:
    (size,) = _MANIFEST_LENGTH.unpack_from(plaintext, 0)
    body_at = _MANIFEST_LENGTH.size + size
    if body_at > len(plaintext):
        raise CorruptPayload("the payload's manifest runs past its end")
    manifest = json.loads(plaintext[_MANIFEST_LENGTH.size : body_at], object_pairs_hook=_no_duplicate_keys)
    if set(manifest) != {"selection", "records", "attachments"}:
        raise CorruptPayload(f"unexpected manifest fields: {sorted(manifest)}")
    records = tuple(_record(item) for item in manifest["records"])
    attachments = []
    offset = body_at
    for item in manifest["attachments"]:
        if set(item) != _ATTACHMENT_FIELDS or not isinstance(item["size"], int) or item["size"] < 0:
            raise CorruptPayload(f"an attachment entry is not name, size, sha256: {sorted(item)}")
        data = plaintext[offset : offset + item["size"]]
        offset += item["size"]
        if len(data) != item["size"]:
            raise CorruptPayload(f"attachment {item['name']!r} runs past the end of the payload")
        if hashlib.sha256(data).hexdigest() != item["sha256"]:
            raise CorruptPayload(f"attachment {item['name']!r} does not match its SHA-256")
        attachments.append(Attachment(item["name"], data))
    if offset != len(plaintext):
        raise CorruptPayload(f"{len(plaintext) - offset} bytes follow the last attachment")
    if not isinstance(manifest["selection"], str):
        raise CorruptPayload("the selection is not text")
    return Payload(records=records, attachments=tuple(attachments), selection=manifest["selection"])


def _record(item: Any) -> Record:
    if not isinstance(item, dict) or set(item) != _RECORD_FIELDS:
        raise CorruptPayload(f"a record entry does not have the fields {sorted(_RECORD_FIELDS)}")
    if not isinstance(item["fields"], dict) or not isinstance(item["updated_at"], str):
        raise CorruptPayload(f"record {item['model']}:{item['key']} has malformed fields or time")
    return Record(
        model=item["model"],
        key=item["key"],
        version=item["version"],
        updated_at=dt.datetime.fromisoformat(item["updated_at"]),
        origin=item["origin"],
        fields=item["fields"],
    )


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Two parsers could keep different copies of a repeated key; refuse instead of choosing one.
    result = dict(pairs)
    if len(result) != len(pairs):
        raise CorruptPayload("a JSON object repeats a key")
    return result
