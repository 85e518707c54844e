"""Official documents (văn bản hành chính, Decree 30/2020/NĐ-CP): types, the number register, the
documents themselves, their rendered/signed files and the signing certificates (chứng thư số)."""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from canhve.core.locking import Versioned
from canhve.core.models import Audited, Secured

from . import domain


class DocumentType(Versioned, Audited):
    """Loại văn bản with its abbreviation (Decree 30 App. III): KH kế hoạch, BC báo cáo, QĐ quyết định…"""

    audit_public = True  # Decree 30 document types: reference data

    code = models.CharField(_("viết tắt"), max_length=8, unique=True)
    name = models.CharField(_("tên loại"), max_length=60)
    requires_seal = models.BooleanField(
        _("cần chữ ký số của cơ quan"),
        default=True,
        help_text=_("Văn bản ban hành có chữ ký số của cơ quan (thay cho dấu) bên cạnh chữ ký của người ký."),
    )
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class NumberCounter(models.Model):
    """Sổ đăng ký: the last number given per issuing agency, type and year. Numbering locks this row
    (SELECT … FOR UPDATE), so two clerks numbering at the same moment get consecutive numbers."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "doc_type", "year"], name="one_counter_per_agency_type_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.doc_type.code}-{self.agency.code} {self.year}: {self.last}"


class DocumentStatus(models.TextChoices):
    DRAFT = domain.State.DRAFT, _("Dự thảo")
    SIGNED = domain.State.SIGNED, _("Đã ký duyệt")
    NUMBERED = domain.State.NUMBERED, _("Đã cấp số")
    ISSUED = domain.State.ISSUED, _("Đã ban hành")
    ARCHIVED = domain.State.ARCHIVED, _("Đã lưu trữ")


class Urgency(models.IntegerChoices):
    """Độ khẩn (Decree 30 App. I, 10b)."""

    NONE = 0, _("Thường")
    KHAN = 1, _("Khẩn")
    THUONG_KHAN = 2, _("Thượng khẩn")
    HOA_TOC = 3, _("Hỏa tốc")


class SigningAuthority(models.TextChoices):
    """Thẩm quyền ký."""

    OWN = "", _("Người đứng đầu ký")
    TM = "TM.", _("TM. (thay mặt tập thể)")
    KT = "KT.", _("KT. (ký thay)")
    Q = "Q.", _("Q. (quyền)")
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")


class Template(models.TextChoices):
    GENERIC = "generic", _("Văn bản chung")
    PLAN = "plan", _("Kế hoạch cảnh vệ (KH)")
    AFTER_ACTION = "aar", _("Báo cáo rút kinh nghiệm (BC)")
    ANNUAL = "annual", _("Báo cáo tổng kết năm (BC)")
    REGULATION = "regulation", _("Quy chế phối hợp (QC)")
    COMMENDATION = "commendation", _("Quyết định khen thưởng (QĐ)")


class Document(Secured):
    """Văn bản: an official document of the issuing agency (the owner). Its number is given once, at
    numbering; from issue on it is frozen and its signed PDF is the authoritative copy."""

    doc_type = models.ForeignKey(DocumentType, verbose_name=_("loại văn bản"), on_delete=models.PROTECT)
    template = models.CharField(_("mẫu"), max_length=16, choices=Template.choices, default=Template.GENERIC)
    version = models.PositiveIntegerField(default=0, editable=False, help_text="optimistic lock (ADR 0105)")
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        db_index=True,
    )
    summary = models.CharField(_("trích yếu"), max_length=300)
    urgency = models.PositiveSmallIntegerField(_("độ khẩn"), choices=Urgency.choices, default=Urgency.NONE)
    parent_agency_name = models.CharField(_("cơ quan chủ quản"), max_length=120, blank=True)
    place = models.CharField(_("địa danh"), max_length=60, default="Hà Nội")
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm đăng ký"), null=True, blank=True)
    issued_on = models.DateField(_("ngày văn bản"), null=True, blank=True)
    signing_authority = models.CharField(
        _("thẩm quyền ký"),
        max_length=5,
        choices=SigningAuthority.choices,
        default=SigningAuthority.OWN,
        blank=True,
    )
    authority_of = models.CharField(
        _("ký thay cho"), max_length=120, blank=True, help_text=_("Ví dụ: TƯ LỆNH")
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    archive_line = models.CharField(_("lưu"), max_length=120, default="Lưu: VT.")
    content = models.JSONField(_("nội dung"), default=list, blank=True)
    attachments = models.JSONField(_("hình ảnh kèm"), default=dict, blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=120, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("đính chính văn bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người soạn"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("ký duyệt lúc"), null=True, blank=True)
    numbered_at = models.DateTimeField(_("cấp số lúc"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)

    audit_exclude = frozenset({"attachments"})

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_agency", "doc_type", "year", "number"],
                name="one_number_per_register",
                condition=models.Q(number__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol} — {self.summary}"

    @property
    def number_symbol(self) -> str:
        return domain.number_symbol(self.number, self.doc_type.code, self.owner_agency.code)

    @property
    def is_editable(self) -> bool:
        return domain.is_editable(self.status)

    @property
    def is_frozen(self) -> bool:
        return domain.is_frozen(self.status)

    def recipient_list(self) -> list[str]:
        return [r.strip() for r in self.recipients.splitlines() if r.strip()]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Immutability of an issued document, enforced below every service: only the move to archived.
        stored = getattr(self, "_audit_snapshot", {}).get("status")
        if stored and domain.is_frozen(stored):
            changed = set(self.audit_changes()) - {"status"}
            if changed or (self.status != stored and self.status != DocumentStatus.ARCHIVED):
                raise ValidationError(
                    {"status": [_("Văn bản đã ban hành không được sửa; hãy ban hành văn bản đính chính.")]}
                )
        super().save(*args, **kwargs)


class FileKind(models.TextChoices):
    DOCX = "docx", "DOCX"
    PDF = "pdf", "PDF"
    SIGNED_PDF = "signed_pdf", _("PDF đã ký số")


class DocumentFile(models.Model):
    """A rendered or signed file of a document. Issued files are kept for good; drafts' renders are
    replaced at the next render. Never changed once written."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=12, choices=FileKind.choices)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField(default=0)
    for_status = models.CharField(max_length=10, choices=DocumentStatus.choices)
    content_version = models.CharField(max_length=64, blank=True, help_text="hash of the content rendered")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.kind} {self.sha256[:8]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Tệp văn bản đã lưu không được sửa.")
        self.sha256 = hashlib.sha256(bytes(self.data)).hexdigest()
        super().save(*args, **kwargs)


def _fernet() -> Any:
    from cryptography.fernet import Fernet

    secret = os.environ.get("CANHVE_CREDENTIAL_KEY") or settings.SECRET_KEY
    return Fernet(
        base64.urlsafe_b64encode(hashlib.sha256(("canhve-credentials:" + secret).encode()).digest())
    )


class CredentialKind(models.TextChoices):
    SIGNER = "signer", _("Chữ ký số cá nhân")
    SEAL = "seal", _("Chữ ký số cơ quan")


class SigningCredential(Versioned, Audited):
    """Chứng thư số (PKCS#12) of a signer or of an agency. The file and its passphrase are stored
    encrypted and never leave the server: no page or API offers them for download."""

    audit_public = True  # the certificate is never recorded (audit_exclude)

    kind = models.CharField(_("loại"), max_length=8, choices=CredentialKind.choices)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    common_name = models.CharField(_("tên trên chứng thư"), max_length=200, blank=True)
    not_after = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    is_demo = models.BooleanField(_("chứng thư thử nghiệm"), default=False)
    encrypted_pkcs12 = models.BinaryField(editable=False)
    encrypted_passphrase = models.BinaryField(editable=False)

    audit_exclude = frozenset({"encrypted_pkcs12", "encrypted_passphrase"})

    class Meta:
        verbose_name = _("chứng thư số")
        verbose_name_plural = _("chứng thư số")
        ordering = ["agency__code", "kind", "common_name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.common_name}"

    def store(self, pkcs12: bytes, passphrase: bytes) -> None:
        f = _fernet()
        self.encrypted_pkcs12 = f.encrypt(pkcs12)
        self.encrypted_passphrase = f.encrypt(passphrase)

    def open(self) -> tuple[bytes, bytes]:
        f = _fernet()
        return f.decrypt(bytes(self.encrypted_pkcs12)), f.decrypt(bytes(self.encrypted_passphrase))


class TrustRoot(Versioned, Audited):
    """A root certificate (PEM) that verification trusts, e.g. the government CA or the demo root."""

    audit_public = True  # trusted CA certificates: reference data

    name = models.CharField(_("tên"), max_length=200, unique=True)
    pem = models.TextField(_("chứng thư gốc (PEM)"))
    is_demo = models.BooleanField(_("thử nghiệm"), default=False)

    class Meta:
        verbose_name = _("chứng thư gốc tin cậy")
        verbose_name_plural = _("chứng thư gốc tin cậy")

    def __str__(self) -> str:
        return self.name


class IncomingKind(models.TextChoices):
    """BussinessDocType of a received edXML package: what it does to the earlier copy."""

    NEW = "new", _("Văn bản mới")
    REVOCATION = "revocation", _("Thu hồi")
    UPDATE = "update", _("Cập nhật")
    REPLACEMENT = "replacement", _("Thay thế")


class IncomingStatus(models.TextChoices):
    RECEIVED = "received", _("Đã nhận")
    REVOKED = "revoked", _("Đã bị thu hồi")
    UPDATED = "updated", _("Đã được cập nhật")
    REPLACED = "replaced", _("Đã bị thay thế")


class Verification(models.TextChoices):
    """What `engines.edxml.verify` said of the package's XML-DSig signature."""

    UNSIGNED = "unsigned", _("Không ký số")
    VALID = "valid", _("Chữ ký hợp lệ")
    INVALID = "invalid", _("Chữ ký không hợp lệ")
    UNVERIFIABLE = "unverifiable", _("Không kiểm tra được chữ ký")


class IncomingDocument(Secured):
    """Văn bản đến: a document received as an edXML package (QCVN 102:2016), owned by the receiving
    agency. edXML has no secrecy field, so a received document is Không mật. The package is kept as
    received (`package`); the fields below are read from its envelope, verbatim."""

    sender_organ_id = models.CharField(_("mã định danh cơ quan gửi"), max_length=100)
    sender_name = models.CharField(_("cơ quan gửi"), max_length=300, blank=True)
    document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=300, db_index=True)
    code_number = models.CharField(_("số"), max_length=60)
    code_notation = models.CharField(_("ký hiệu"), max_length=120)
    place = models.CharField(_("địa danh"), max_length=120, blank=True)
    promulgated_on = models.DateField(_("ngày ban hành"))
    type_name = models.CharField(_("loại văn bản"), max_length=120, blank=True)
    subject = models.TextField(_("trích yếu"))
    due_date = models.DateField(_("hạn xử lý"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("độ khẩn"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=300, blank=True)
    verification = models.CharField(
        _("chữ ký số"), max_length=12, choices=Verification.choices, default=Verification.UNSIGNED
    )
    verification_reason = models.CharField(_("kết quả kiểm tra chữ ký"), max_length=300, blank=True)
    unrecognised = models.JSONField(_("phần tử không đọc"), default=list, blank=True)
    kind = models.CharField(
        _("loại nghiệp vụ"), max_length=12, choices=IncomingKind.choices, default=IncomingKind.NEW
    )
    business_reason = models.TextField(_("lý do"), blank=True)
    earlier = models.ForeignKey(
        "self",
        verbose_name=_("văn bản trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=IncomingStatus.choices,
        default=IncomingStatus.RECEIVED,
        db_index=True,
    )
    package = models.BinaryField(_("gói edXML"), editable=False)
    package_sha256 = models.CharField(max_length=64, editable=False)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    audit_exclude = frozenset({"package"})

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} — {self.subject}"

    @property
    def code(self) -> str:
        return f"{self.code_number}/{self.code_notation}"


class IncomingAttachment(Audited):
    """A file of a received package (AttachmentEncoded), bytes as sent."""

    audit_parent = "document"

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("tên tệp"), max_length=300)
    content_type = models.CharField(_("kiểu nội dung"), max_length=120, blank=True)
    data = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)

    audit_exclude = frozenset({"data"})

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class IncomingMessage(Secured):
    """A status message received (edXML Status: 01 đã đến … 16), owned by the receiving agency, about the
    document named in its ResponseFor. Kept as received; Không mật like every edXML message."""

    sender_organ_id = models.CharField(_("mã định danh cơ quan gửi"), max_length=100)
    sender_name = models.CharField(_("cơ quan gửi"), max_length=300, blank=True)
    code = models.CharField(_("mã trạng thái"), max_length=2)
    description = models.TextField(_("mô tả"), blank=True)
    sent_at = models.DateTimeField(_("thời điểm"))
    response_document_id = models.CharField(_("trả lời văn bản"), max_length=300, blank=True, db_index=True)
    response_code = models.CharField(_("số, ký hiệu"), max_length=200, blank=True)
    package = models.BinaryField(_("gói edXML"), editable=False)
    package_sha256 = models.CharField(max_length=64, editable=False)

    audit_exclude = frozenset({"package"})

    class Meta:
        verbose_name = _("trạng thái văn bản nhận")
        verbose_name_plural = _("trạng thái văn bản nhận")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.response_code}"
