"""Every write on documents: one transaction, a keyword-only `acting_user`, the permission check, the
state rule from `domain`, the audit row (written by the models' save)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.serialization import pkcs12 as p12
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from canhve.accounts.models import Role
from canhve.agencies.models import Agency
from canhve.core.access import can_create_in, can_edit, record_read
from canhve.core.locking import claim_version
from canhve.core.models import AuditAction, write_audit, write_bulk_audit
from canhve.core.secrecy import Secrecy
from canhve.engines import documents as engine

from . import domain
from .incoming import export_edxml as export_edxml
from .incoming import import_edxml as import_edxml
from .models import (
    CredentialKind,
    Document,
    DocumentFile,
    DocumentStatus,
    DocumentType,
    FileKind,
    NumberCounter,
    SigningCredential,
    Template,
    TrustRoot,
)
from .rendering import content_version, to_official

EDITABLE_FIELDS = frozenset(
    {
        "summary",
        "urgency",
        "secrecy",
        "place",
        "parent_agency_name",
        "signing_authority",
        "authority_of",
        "signer_title",
        "signer_name",
        "recipients",
        "archive_line",
        "content",
        "attachments",
        "source",
        "doc_type",
    }
)


def _check_secrecy(user: Any, secrecy: int) -> None:
    if secrecy not in Secrecy.values:
        raise ValidationError({"secrecy": ["Độ mật không hợp lệ."]})
    if secrecy > user.clearance:
        raise ValidationError({"secrecy": ["Không thể soạn văn bản có độ mật cao hơn mức được tiếp cận."]})


def _check_authority(authority: str, authority_of: str) -> None:
    if authority not in engine.model.SIGNING_AUTHORITIES:
        raise ValidationError({"signing_authority": ["Thẩm quyền ký không hợp lệ."]})
    if authority and not authority_of.strip():
        raise ValidationError({"authority_of": ["Ghi rõ ký thay cho ai, ví dụ: TƯ LỆNH."]})


def create_document(
    *,
    acting_user: Any,
    owner_agency: Agency,
    doc_type: DocumentType,
    summary: str,
    signer_title: str,
    signer_name: str,
    secrecy: int = Secrecy.NONE,
    urgency: int = 0,
    place: str = "Hà Nội",
    template: str = Template.GENERIC,
    signing_authority: str = "",
    authority_of: str = "",
    recipients: str = "",
    archive_line: str = "Lưu: VT.",
    content: list[dict] | None = None,
    attachments: dict | None = None,
    parent_agency_name: str | None = None,
    source: str = "",
    corrects: Document | None = None,
    shared_with: Sequence[Agency] = (),
) -> Document:
    """Soạn thảo: a new draft of the issuing agency. Needs planner rights there and the clearance."""
    if not can_create_in(acting_user, owner_agency.pk, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị ban hành.")
    _check_secrecy(acting_user, secrecy)
    _check_authority(signing_authority, authority_of)
    if not summary.strip():
        raise ValidationError({"summary": ["Trích yếu không được để trống."]})
    if parent_agency_name is None:
        parent_agency_name = owner_agency.parent.name if owner_agency.parent_id else ""
    with transaction.atomic():
        doc = Document(
            owner_agency=owner_agency,
            doc_type=doc_type,
            template=template,
            summary=summary.strip(),
            secrecy=secrecy,
            urgency=urgency,
            place=place,
            signing_authority=signing_authority,
            authority_of=authority_of,
            signer_title=signer_title,
            signer_name=signer_name,
            recipients=recipients,
            archive_line=archive_line,
            content=content or [],
            attachments=attachments or {},
            parent_agency_name=parent_agency_name,
            source=source,
            corrects=corrects,
            author=acting_user,
        )
        doc.full_clean()
        doc.save()
        if shared_with:
            doc.shared_with_agencies.set(shared_with)
    return doc


def update_document(
    *, acting_user: Any, document: Document, expected_version: int | None = None, **changes: Any
) -> Document:
    """Sửa dự thảo. Only a draft changes; an issued document is corrected by a new document.
    `expected_version` (the version the editor loaded) makes a stale save raise VersionConflict."""
    if not can_edit(acting_user, document, Role.PLANNER):
        raise PermissionDenied("Cần quyền cán bộ kế hoạch của đơn vị ban hành.")
    if not document.is_editable:
        raise ValidationError({"status": ["Chỉ sửa được văn bản ở trạng thái dự thảo."]})
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: ["Trường này không sửa được."]})
    if "secrecy" in changes:
        _check_secrecy(acting_user, int(changes["secrecy"]))
    _check_authority(
        changes.get("signing_authority", document.signing_authority),
        changes.get("authority_of", document.authority_of),
    )
    with transaction.atomic():
        claim_version(document, expected_version)
        for name, value in changes.items():
            setattr(document, name, value)
        document.full_clean()
        document.save()
    return document


def next_number(*, agency: Agency, doc_type: DocumentType, year: int) -> int:
    """The next number of the register (agency, type, year), gap-free under concurrency: the counter row
    is locked until the caller's transaction ends, so a rolled-back numbering gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the numbering transaction")
    try:
        with transaction.atomic():
            NumberCounter.objects.get_or_create(agency=agency, doc_type=doc_type, year=year)
    except IntegrityError:  # created by a concurrent numbering a moment ago: it exists now
        pass
    counter = NumberCounter.objects.select_for_update().get(agency=agency, doc_type=doc_type, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _move(document: Document, target: domain.State, acting_user: Any) -> None:
    if not can_edit(acting_user, document, domain.REQUIRED_ROLE[target]):
        raise PermissionDenied("Không đủ thẩm quyền cho bước này.")
    try:
        domain.check_move(document.status, target)
    except domain.TransitionError as e:
        raise ValidationError({"status": [str(e)]}) from e


def sign_document(*, acting_user: Any, document: Document) -> Document:
    """Ký duyệt: the signer approves the final text. The signer's name on the paper stays as drafted."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        _move(document, domain.State.SIGNED, acting_user)
        document.status, document.signer, document.signed_at = (
            DocumentStatus.SIGNED,
            acting_user,
            timezone.now(),
        )
        document.save()
    return document


def return_to_draft(*, acting_user: Any, document: Document) -> Document:
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        _move(document, domain.State.DRAFT, acting_user)
        document.status, document.signer, document.signed_at = DocumentStatus.DRAFT, None, None
        document.save()
    return document


def number_document(*, acting_user: Any, document: Document, today: dt.date | None = None) -> Document:
    """Cấp số: the clerk gives the next number of the year and the document's date."""
    today = today or timezone.localdate()
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .select_related("doc_type", "owner_agency")
            .get(pk=document.pk)
        )
        _move(document, domain.State.NUMBERED, acting_user)
        document.number = next_number(
            agency=document.owner_agency, doc_type=document.doc_type, year=today.year
        )
        document.year, document.issued_on = today.year, today
        document.status, document.numbered_at = DocumentStatus.NUMBERED, timezone.now()
        document.save()
    return document


def render_file(*, document: Document, kind: str) -> DocumentFile:
    """The DOCX or (unsigned) PDF of the document as it is now; a stored render is reused while current."""
    version = content_version(document)
    existing = document.files.filter(kind=kind, content_version=version).first()
    if existing is not None:
        return existing
    official = to_official(document)
    if kind == FileKind.DOCX:
        data, pages = engine.render_docx(official), 0
    else:
        rendered = engine.render_pdf(official)
        data, pages = rendered.data, rendered.pages
    with transaction.atomic():
        stale: list[Any] = []
        if not document.is_frozen:  # a draft keeps only its latest render
            older = document.files.filter(kind=kind).exclude(content_version=version)
            stale = list(older.values_list("pk", "kind", "sha256"))
            document.files.filter(pk__in=[row[0] for row in stale]).delete()
        file = DocumentFile.objects.create(
            document=document,
            kind=kind,
            data=data,
            pages=pages,
            for_status=document.status,
            content_version=version,
        )
        _audit_files(document, deleted=stale, created=[file], note="kết xuất")
    return file


def _audit_files(document: Document, *, deleted: Any, created: list[DocumentFile], note: str) -> None:
    """Rendered files are plain rows (no `Audited.save()`): one summary row on the document names every
    file removed and stored as [id, kind, sha256] (ADR 0108)."""
    write_bulk_audit(
        obj=document,
        name="files",
        deleted=[list(row) for row in deleted],
        created=[[f.pk, f.kind, f.sha256] for f in created],
        note=note,
    )


def _credential(kind: str, **lookup: Any) -> SigningCredential | None:
    now = timezone.now()
    qs = SigningCredential.objects.filter(kind=kind, is_active=True, **lookup).exclude(not_after__lt=now)
    return qs.order_by("-created_at").first()


def issue_document(*, acting_user: Any, document: Document) -> Document:
    """Ban hành: render the final PDF with number and date, sign it with the signer's certificate and,
    where the type asks for it, the agency's (in place of the seal); store DOCX and signed PDF for good."""
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .select_related("doc_type", "owner_agency")
            .get(pk=document.pk)
        )
        _move(document, domain.State.ISSUED, acting_user)
        signer_cred = _credential(CredentialKind.SIGNER, user=document.signer)
        if signer_cred is None:
            raise ValidationError(
                {"signer": [f"Người ký ({document.signer}) chưa có chứng thư số còn hiệu lực."]}
            )
        seal_cred = None
        if document.doc_type.requires_seal:
            seal_cred = _credential(CredentialKind.SEAL, agency=document.owner_agency)
            if seal_cred is None:
                raise ValidationError({"signer": ["Đơn vị ban hành chưa có chứng thư số của cơ quan."]})
        official = to_official(document)
        rendered = engine.render_pdf(official)
        try:
            blob, passphrase = signer_cred.open()
            pdf = engine.sign_pdf(
                rendered.data,
                blob,
                passphrase,
                field_name="NguoiKy",
                box=rendered.signature_box,
                reason=f"Ký ban hành {document.number_symbol}",
                location=document.place,
            )
            if seal_cred is not None:
                blob, passphrase = seal_cred.open()
                pdf = engine.sign_pdf(
                    pdf,
                    blob,
                    passphrase,
                    field_name="CoQuan",
                    box=rendered.signature_box.seal_box(),
                    reason="Chữ ký số của cơ quan",
                    location=document.place,
                    appearance=engine.Appearance.SEAL,
                )
        except engine.SigningError as e:
            raise ValidationError({"signer": [f"Không ký số được: {e}"]}) from e
        document.status, document.issued_at = DocumentStatus.ISSUED, timezone.now()
        document.save()
        version = content_version(document)
        replaced = list(document.files.values_list("pk", "kind", "sha256"))
        document.files.all().delete()
        signed = DocumentFile.objects.create(
            document=document,
            kind=FileKind.SIGNED_PDF,
            data=pdf,
            pages=rendered.pages,
            for_status=DocumentStatus.ISSUED,
            content_version=version,
        )
        docx = DocumentFile.objects.create(
            document=document,
            kind=FileKind.DOCX,
            data=engine.render_docx(official),
            for_status=DocumentStatus.ISSUED,
            content_version=version,
        )
        _audit_files(document, deleted=replaced, created=[signed, docx], note="ban hành")
    return document


def archive_document(*, acting_user: Any, document: Document) -> Document:
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        _move(document, domain.State.ARCHIVED, acting_user)
        document.status = DocumentStatus.ARCHIVED
        document.save()
    return document


def create_correction(*, acting_user: Any, original: Document) -> Document:
    """Đính chính: a new draft that copies an issued document and references it."""
    if original.status not in (DocumentStatus.ISSUED, DocumentStatus.ARCHIVED):
        raise ValidationError(
            {"corrects": ["Chỉ đính chính văn bản đã ban hành; dự thảo thì sửa trực tiếp."]}
        )
    return create_document(
        acting_user=acting_user,
        owner_agency=original.owner_agency,
        doc_type=original.doc_type,
        summary=f"Đính chính {original.number_symbol.removeprefix('Số: ')} — {original.summary}"[:300],
        secrecy=original.secrecy,
        urgency=original.urgency,
        place=original.place,
        template=original.template,
        signing_authority=original.signing_authority,
        authority_of=original.authority_of,
        signer_title=original.signer_title,
        signer_name=original.signer_name,
        recipients=original.recipients,
        archive_line=original.archive_line,
        content=list(original.content),
        attachments=dict(original.attachments),
        parent_agency_name=original.parent_agency_name,
        source=original.source,
        corrects=original,
        shared_with=list(original.shared_with_agencies.all()),
    )


def move_document(*, acting_user: Any, document: Document, target: str) -> Document:
    actions = {
        DocumentStatus.SIGNED: sign_document,
        DocumentStatus.DRAFT: return_to_draft,
        DocumentStatus.NUMBERED: number_document,
        DocumentStatus.ISSUED: issue_document,
        DocumentStatus.ARCHIVED: archive_document,
    }
    if target not in actions:
        raise ValidationError({"status": ["Trạng thái không hợp lệ."]})
    return actions[DocumentStatus(target)](acting_user=acting_user, document=document)


def download_file(*, acting_user: Any, document: Document, kind: str) -> DocumentFile:
    """The file to hand out: the signed PDF / stored DOCX of an issued document, a fresh render otherwise.
    Every download is audited (export), whatever the document's level. The caller checked visibility."""
    if kind == FileKind.PDF and document.is_frozen:
        kind = FileKind.SIGNED_PDF
    if document.is_frozen:
        file = document.files.filter(kind=kind).first()
        if file is None:
            raise ValidationError({"kind": ["Văn bản chưa có tệp này."]})
    else:
        file = render_file(document=document, kind=kind)
    record_read(document, action=AuditAction.EXPORT, note=f"tải {kind} {file.sha256[:12]}")
    return file


def upload_credential(
    *,
    acting_user: Any,
    agency: Agency,
    kind: str,
    pkcs12: bytes,
    passphrase: bytes,
    user: Any = None,
    is_demo: bool = False,
) -> SigningCredential:
    """Nạp chứng thư số (PKCS#12). Only an administrator of the agency; the file is checked, then stored
    encrypted. Earlier credentials of the same holder are retired."""
    if not can_create_in(acting_user, agency.pk, Role.ADMINISTRATOR):
        raise PermissionDenied("Chỉ quản trị của đơn vị được nạp chứng thư số.")
    if kind == CredentialKind.SIGNER and user is None:
        raise ValidationError({"user": ["Chứng thư cá nhân cần người ký."]})
    try:
        key, cert, _extra = p12.load_key_and_certificates(pkcs12, passphrase or None)
    except ValueError as e:
        raise ValidationError(
            {"pkcs12": ["Không mở được tệp PKCS#12 (sai mật khẩu hoặc sai định dạng)."]}
        ) from e
    if key is None or cert is None:
        raise ValidationError({"pkcs12": ["Tệp PKCS#12 phải chứa khóa bí mật và chứng thư."]})
    from cryptography.x509.oid import NameOID

    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    with transaction.atomic():
        holder = {"kind": kind, "agency": agency, "user": user if kind == CredentialKind.SIGNER else None}
        # Row by row through save(), so each retirement writes its audit row (a queryset update writes none).
        for old in SigningCredential.objects.filter(is_active=True, **holder):
            old.is_active = False
            old.save()
        cred = SigningCredential(
            **holder,
            common_name=str(names[0].value) if names else "",
            not_after=cert.not_valid_after_utc,
            is_demo=is_demo,
        )
        cred.store(pkcs12, passphrase)
        cred.save()
    return cred


def verify_upload(*, acting_user: Any, data: bytes, filename: str = "") -> engine.VerificationReport:
    """Kiểm tra chữ ký số of any PDF against the trusted roots; the check itself is audited."""
    roots = [r.pem.encode() for r in TrustRoot.objects.all()]
    report = engine.verify_pdf(data, roots)
    write_audit(
        action=AuditAction.READ,
        object_type="documents.verification",
        actor=acting_user,
        note=f"kiểm tra chữ ký {filename[:80]}: {'hợp lệ' if report.ok else 'không hợp lệ'}",
    )
    return report


def create_plan_document(*, acting_user: Any, plan: Any, operation: Any) -> Document:
    """KH draft from an operations plan version: issued by the operation's owner agency, at its secrecy,
    shared with its participating agencies (they are the recipients, too)."""
    from canhve.core.writedown import Compartment

    from .builders import protection_plan

    partners = list(operation.shared_with_agencies.all())
    readers = Compartment(operation.secrecy, operation.owner_agency_id, [a.pk for a in partners], [])
    summary, blocks, attachments = protection_plan(plan, readers)
    commander = operation.commander
    return create_document(
        acting_user=acting_user,
        owner_agency=operation.owner_agency,
        doc_type=DocumentType.objects.get(code="KH"),
        summary=summary[:300],
        secrecy=operation.secrecy,
        template=Template.PLAN,
        signer_title=(commander.title if commander else "") or "Chỉ huy",
        signer_name=str(commander) if commander else "…",
        recipients="\n".join(a.name for a in partners),
        archive_line="Lưu: VT.",
        content=blocks,
        attachments=attachments,
        shared_with=partners,
        source=f"operations.PlanVersion:{plan.pk}",
    )
