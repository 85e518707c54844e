"""Document rows → the engine's `OfficialDocument`, and rendering to DOCX/PDF (canhve.engines.documents)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from canhve.engines import documents as engine

from .models import Document

# Above this many content blocks a render goes to the background worker with a progress page.
BACKGROUND_BLOCKS = 120


def _block(b: dict[str, Any], attachments: dict[str, Any]) -> engine.Block | None:
    kind = b.get("type")
    if kind == "heading":
        return engine.Heading(b["text"], level=int(b.get("level", 1)))
    if kind == "bullets":
        return engine.BulletList(tuple(b["items"]))
    if kind == "table":
        width = len(b["header"])
        rows = tuple(tuple((list(r) + [""] * width)[:width]) for r in b["rows"])
        return engine.Table(tuple(b["header"]), rows, tuple(b.get("widths", ())))
    if kind == "image":
        image = attachments.get(b.get("key", ""))
        if not image:
            return None
        return engine.Image(
            base64.b64decode(image["png"]), float(image.get("width_mm", 120)), image.get("caption", "")
        )
    return engine.Paragraph(b.get("text", ""))


def to_official(doc: Document) -> engine.OfficialDocument:
    owner = doc.owner_agency
    blocks = tuple(b for b in (_block(x, doc.attachments or {}) for x in doc.content or []) if b is not None)
    authority = doc.signing_authority or ""
    return engine.OfficialDocument(
        parent_agency=doc.parent_agency_name.upper(),
        issuing_agency=owner.name.upper(),
        symbol=f"{doc.doc_type.code}-{owner.code}",
        doc_type_name=doc.doc_type.name.upper(),
        summary=doc.summary,
        place=doc.place,
        signature=engine.SignatureBlock(
            title=doc.signer_title,
            signer_name=doc.signer_name,
            authority=authority,
            authority_of=doc.authority_of.upper() if authority else "",
        ),
        blocks=blocks,
        number=doc.number,
        date=doc.issued_on,
        secrecy=engine.Secrecy(doc.secrecy),
        urgency=engine.Urgency(doc.urgency),
        recipients=tuple(doc.recipient_list()),
        archive_line=doc.archive_line or "Lưu: VT.",
        issuing_agency_short=owner.code,
    )


def content_version(doc: Document) -> str:
    """A hash of everything that shows on paper, so a stored render is reused only while it is current."""
    fields = {
        k: str(getattr(doc, k))
        for k in (
            "summary",
            "urgency",
            "secrecy",
            "place",
            "number",
            "issued_on",
            "signing_authority",
            "authority_of",
            "signer_title",
            "signer_name",
            "recipients",
            "archive_line",
            "status",
            "parent_agency_name",
            "doc_type_id",
            "owner_agency_id",
        )
    }
    payload = json.dumps(
        [fields, doc.content, sorted((doc.attachments or {}).keys())], sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def is_long(doc: Document) -> bool:
    return len(doc.content or []) > BACKGROUND_BLOCKS or len(doc.attachments or {}) > 3
