"""edXML (QCVN 102:2016) on the documents app: the received-documents register (văn bản đến) fed from
packages, status messages kept as received, and the export of an issued document as a package.

The format itself is `canhve.engines.edxml` (ADR 0120); this module maps it to records. Every write is in
one transaction with its audit rows (the models' save); a package the engine refuses stores nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12 as p12
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from canhve.accounts.models import Role
from canhve.agencies.models import Agency
from canhve.core.access import can_create_in, record_read
from canhve.core.models import AuditAction
from canhve.core.secrecy import Secrecy
from canhve.engines import edxml

from . import domain
from .models import (
    CredentialKind,
    Document,
    FileKind,
    IncomingAttachment,
    IncomingDocument,
    IncomingKind,
    IncomingMessage,
    IncomingStatus,
    SigningCredential,
)

KIND_OF = {
    edxml.BusinessDocType.NEW: IncomingKind.NEW,
    edxml.BusinessDocType.REVOCATION: IncomingKind.REVOCATION,
    edxml.BusinessDocType.UPDATE: IncomingKind.UPDATE,
    edxml.BusinessDocType.REPLACEMENT: IncomingKind.REPLACEMENT,
}
# What a revocation, update or replacement makes of the earlier received document.
EARLIER_STATUS = {
    IncomingKind.REVOCATION: IncomingStatus.REVOKED,
    IncomingKind.UPDATE: IncomingStatus.UPDATED,
    IncomingKind.REPLACEMENT: IncomingStatus.REPLACED,
}


def _refuse(reason: str) -> ValidationError:
    return ValidationError(_("Không nhận gói edXML: %(reason)s") % {"reason": reason})


def _joined(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def import_edxml(
    acting_user: Any, receiving_agency: Agency, data: bytes
) -> IncomingDocument | IncomingMessage:
    """Receive one edXML message for `receiving_agency`: a package goes into the register (and revokes,
    updates or replaces the earlier received document it names), a status message is kept as received.
    `acting_user` None is the system (a command run without --user). Refusals raise ValidationError
    naming the reason, with nothing stored."""
    if acting_user is not None and not can_create_in(acting_user, receiving_agency.pk, Role.OFFICER):
        raise PermissionDenied(_("Bạn không có quyền vào sổ văn bản đến của đơn vị này."))
    try:
        message = edxml.parse(data)
    except edxml.EdxmlError as error:
        raise _refuse(str(error)) from error
    digest = hashlib.sha256(data).hexdigest()
    model: type[IncomingDocument] | type[IncomingMessage] = (
        IncomingMessage if isinstance(message, edxml.Status) else IncomingDocument
    )
    with transaction.atomic():
        already = model.objects.filter(owner_agency=receiving_agency, package_sha256=digest).first()
        if already is not None:
            raise _refuse(_("gói này đã được nhận (#%(id)s)") % {"id": already.pk})
        if isinstance(message, edxml.Status):
            return _store_status(receiving_agency, message, data, digest)
        return _store_package(acting_user, receiving_agency, message, data, digest)


def _store_status(agency: Agency, status: edxml.Status, data: bytes, digest: str) -> IncomingMessage:
    answer = status.response_for
    return IncomingMessage.objects.create(
        owner_agency=agency,
        secrecy=Secrecy.NONE,
        sender_organ_id=status.sender.organ_id,
        sender_name=status.sender.organ_name or "",
        code=status.code,
        description=status.description,
        sent_at=status.timestamp,
        response_document_id=answer.document_id or "",
        response_code=answer.code or "",
        package=data,
        package_sha256=digest,
    )


def _earlier(agency: Agency, envelope: edxml.Envelope, kind: str) -> list[IncomingDocument]:
    """The received documents a revocation/update/replacement acts on: by DocumentId, else (when the
    sender made a new id) by the sender's OrganId, code and date the package restates."""
    ids = envelope.earlier_document_ids()
    mine = IncomingDocument.objects.select_for_update().filter(owner_agency=agency)
    found = list(mine.filter(document_id__in=ids).order_by("-created_at", "-id"))
    if not found and kind in (IncomingKind.REVOCATION, IncomingKind.UPDATE):
        found = list(
            mine.filter(
                sender_organ_id=envelope.sender.organ_id,
                code_number=envelope.code.number,
                code_notation=envelope.code.notation,
                promulgated_on=envelope.promulgation.date,
            ).order_by("-created_at", "-id")[:1]
        )
    latest: dict[str, IncomingDocument] = {}
    for row in found:  # newest first: the copy a second update acts on is the latest received
        latest.setdefault(row.document_id, row)
    return list(latest.values())


def _store_package(
    acting_user: Any, agency: Agency, package: edxml.Package, data: bytes, digest: str
) -> IncomingDocument:
    head = package.envelope
    business = head.business
    kind = KIND_OF[business.doc_type] if business else IncomingKind.NEW
    earlier = _earlier(agency, head, kind) if kind != IncomingKind.NEW else []
    check = edxml.verify(data, [])  # no trusted certificates configured yet: a signature is unverifiable
    signer = head.signer
    incoming = IncomingDocument.objects.create(
        owner_agency=agency,
        secrecy=Secrecy.NONE,
        sender_organ_id=head.sender.organ_id,
        sender_name=head.sender.organ_name or "",
        document_id=head.document_id,
        code_number=head.code.number,
        code_notation=head.code.notation,
        place=head.promulgation.place or "",
        promulgated_on=head.promulgation.date,
        type_name=(head.document_type.type_name or "") if head.document_type else "",
        subject=head.subject,
        due_date=head.due_date,
        priority=head.other_info.priority if head.other_info else None,
        signer=_joined(signer.competence, signer.position, signer.full_name) if signer else "",
        verification=check.outcome.value,
        verification_reason=check.reason[:300],
        unrecognised=list(package.unrecognised),
        kind=kind,
        business_reason=(business.reason or "") if business else "",
        earlier=earlier[0] if earlier else None,
        package=data,
        package_sha256=digest,
        received_by=acting_user,
    )
    for attachment in package.attachments:
        IncomingAttachment.objects.create(
            document=incoming,
            name=attachment.name,
            content_type=attachment.content_type or "",
            data=attachment.data,
            sha256=hashlib.sha256(attachment.data).hexdigest(),
        )
    for row in earlier:
        row.status = EARLIER_STATUS[kind]
        row.save(audit_note=f"edXML #{incoming.pk}: {incoming.get_kind_display()}")
    return incoming


# ---- export ------------------------------------------------------------------------------------------


def _to_agencies(document: Document) -> list[Agency]:
    names = document.recipient_list()
    named = list(Agency.objects.filter(Q(name__in=names) | Q(short_name__in=names)).order_by("code"))
    return named or list(document.shared_with_agencies.order_by("code"))


def _seal(agency: Agency) -> tuple[Any, Any] | None:
    now = timezone.now()
    cred = (
        SigningCredential.objects.filter(kind=CredentialKind.SEAL, agency=agency, is_active=True)
        .exclude(not_after__lt=now)
        .order_by("-created_at")
        .first()
    )
    if cred is None:
        return None
    blob, passphrase = cred.open()
    key, cert, _chain = p12.load_key_and_certificates(blob, passphrase)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) or cert is None:
        return None
    return key, cert


def export_edxml(acting_user: Any, document: Document, *, to: Sequence[Agency] = ()) -> bytes:
    """The edXML package of an issued document, its signed PDF attached, signed with the issuing
    agency's seal certificate when it has one. Only Không mật: the format has no secrecy field, so a
    Mật or higher document must not go onto the axis. `to` defaults to the agencies named among the
    recipients, else those it is shared with. The export is audited."""
    if document.secrecy != Secrecy.NONE:
        raise ValidationError(
            _(
                "Không xuất được văn bản %(level)s ra edXML: định dạng edXML không có trường độ mật, "
                "chỉ văn bản Không mật được gửi lên trục liên thông."
            )
            % {"level": document.secrecy_label}
        )
    if not document.is_frozen or document.number is None or document.issued_on is None:
        raise ValidationError(_("Chỉ xuất edXML được văn bản đã ban hành."))
    if acting_user is not None:
        visible = Document.objects.visible_to(acting_user).filter(pk=document.pk).exists()
        if not visible or not can_create_in(acting_user, document.owner_agency_id, Role.OFFICER):
            raise PermissionDenied(_("Bạn không có quyền gửi văn bản này."))
    agency = document.owner_agency
    recipients = list(to) or _to_agencies(document)
    if not recipients:
        raise ValidationError(_("Văn bản không có đơn vị nhận nào để gửi edXML."))
    notation = domain.symbol(document.doc_type.code, agency.code)
    number = f"{document.number:02d}"
    competence = _joined(document.signing_authority, document.authority_of)
    now = timezone.now().astimezone(edxml.VIETNAM_TIME).replace(microsecond=0)
    envelope = edxml.Envelope(
        sender=edxml.Organization(
            organ_id=agency.code,
            organ_name=agency.name,
            organization_in_charge=document.parent_agency_name or None,
        ),
        recipients=tuple(edxml.Organization(organ_id=a.code, organ_name=a.name) for a in recipients),
        document_id=f"{agency.code},{document.issued_on:%Y/%m/%d},{number}/{notation}",
        code=edxml.Code(number=number, notation=notation),
        promulgation=edxml.PromulgationInfo(place=document.place, date=document.issued_on),
        subject=document.summary,
        document_type=edxml.DocumentType(
            type_detail=document.doc_type.code, type_name=document.doc_type.name
        ),
        signer=edxml.SignerInfo(
            competence=competence or None,
            position=document.signer_title,
            full_name=document.signer_name,
        ),
        other_info=edxml.OtherInfo(priority=document.urgency),
        to_places=tuple(document.recipient_list()),
        trace=(edxml.TraceHeader(organ_id=agency.code, timestamp=now),),
        business=edxml.Business(doc_type=edxml.BusinessDocType.NEW),
    )
    files = []
    pdf = document.files.filter(kind=FileKind.SIGNED_PDF).first()
    if pdf is not None:
        files.append(
            edxml.Attachment(
                content_id="cid:1",
                name=f"{number}-{notation}.pdf",
                content_type="application/pdf",
                data=bytes(pdf.data),
            )
        )
    package = edxml.Package.with_attachments(envelope, tuple(files))
    seal = _seal(agency)
    data = (
        edxml.build(package)
        if seal is None
        else edxml.build(package, signing_key=seal[0], certificate=seal[1])
    )
    record_read(document, action=AuditAction.EXPORT, note=f"edXML {hashlib.sha256(data).hexdigest()[:12]}")
    return data


__all__ = ["export_edxml", "import_edxml"]
