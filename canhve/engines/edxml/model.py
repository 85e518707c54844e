"""What an edXML message carries (QCVN 102:2016/BTTTT), as frozen dataclasses.

Two kinds of message travel on the national document exchange axis: a `Package` (an official document:
the envelope's header, the manifest and the attachments) and a `Status` (an answer about a package:
received, rejected, accepted, assigned, …). The element names of the standard are kept in the field
docstrings; code names are English. Text is kept verbatim (no trimming, no case folding), so what an
agency's e-office system wrote is what canhve stores and shows; only dates, times, counts and flags are
read into Python values, and written back in the standard's `YYYY/MM/DD [HH:MM:SS]` form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"

# The standard writes local times without a zone; every system on the axis runs on Vietnam time.
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")


class BusinessDocType(IntEnum):
    """BussinessDocType (sic): what the package does to the receiver's copy of a document."""

    NEW = 0  # Văn bản điện tử mới
    REVOCATION = 1  # Thu hồi văn bản điện tử
    UPDATE = 2  # Cập nhật văn bản điện tử
    REPLACEMENT = 3  # Văn bản thay thế


class StatusCode(StrEnum):
    """StatusCode values seen on the axis. A `Status` keeps any two-digit code; these have names."""

    RECEIVED = "01"  # Đã đến: the software received it, the văn thư has not handled it yet
    REJECTED = "02"  # Từ chối không tiếp nhận
    ACCEPTED = "03"  # Tiếp nhận, vào sổ văn bản đến
    ASSIGNED = "04"  # Lãnh đạo phân công xử lý
    PROCESSING = "05"  # Đang xử lý
    FINISHED = "06"  # Hoàn thành xử lý
    RECALL_REQUESTED = "13"  # Văn thư yêu cầu lấy lại văn bản kèm lý do
    CHANGE_ACCEPTED = "15"  # Đồng ý yêu cầu cập nhật, lấy lại
    CHANGE_REJECTED = "16"  # Từ chối yêu cầu cập nhật, lấy lại


@dataclass(frozen=True)
class Organization:
    """From / To: an agency on the axis, named by its OrganId (mã định danh, Decision 20/2020/QĐ-TTg)."""

    organ_id: str  # OrganId
    organization_in_charge: str | None = None  # OrganizationInCharge: the parent agency
    organ_name: str | None = None  # OrganName (the 2025 gateway packages omit it)
    organ_add: str | None = None  # OrganAdd: postal address
    email: str | None = None
    telephone: str | None = None
    fax: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Code:
    """Số và ký hiệu: "7816/VPCP-TTĐT" is CodeNumber 7816, CodeNotation VPCP-TTĐT."""

    number: str  # CodeNumber
    notation: str  # CodeNotation

    def __str__(self) -> str:
        return f"{self.number}/{self.notation}"


@dataclass(frozen=True)
class PromulgationInfo:
    place: str | None  # Place: "Hà Nội"
    date: dt.date  # PromulgationDate: ngày ban hành


@dataclass(frozen=True)
class DocumentType:
    type: str | None = None  # Type: "1" văn bản quy phạm pháp luật … as the sender's system numbers it
    type_detail: str | None = None  # TypeDetail
    type_name: str | None = None  # TypeName: "Công văn", "Báo cáo"


@dataclass(frozen=True)
class SignerInfo:
    competence: str | None = None  # Competence: thẩm quyền ký (TM., KT., TL. …)
    position: str | None = None  # Position: chức vụ
    full_name: str | None = None  # FullName


@dataclass(frozen=True)
class OtherInfo:
    priority: int | None = None  # Priority: độ khẩn, 0 = thường
    sphere_of_promulgation: str | None = None  # SphereOfPromulgation: phạm vi ban hành
    typer_notation: str | None = None  # TyperNotation: ký hiệu người đánh máy
    promulgation_amount: int | None = None  # PromulgationAmount: số bản phát hành
    page_amount: int | None = None  # PageAmount: số trang
    direction: bool | None = None  # Direction: văn bản chỉ đạo or not
    appendixes: tuple[str, ...] = ()  # Appendixes/Appendix: phụ lục, by title


@dataclass(frozen=True)
class ResponseFor:
    """The document a package or status answers. Every field may be missing: the samples carry an empty
    `<ResponseFor/>` in new documents."""

    organ_id: str | None = None
    code: str | None = None  # Code as one string ("7816/VPCP-TTĐT"), unlike the header's Code
    promulgation_date: dt.date | None = None
    document_id: str | None = None


@dataclass(frozen=True)
class TraceHeader:
    """One hop on the axis. The 2025 gateway writes OrganId "null" or leaves it out: kept as found."""

    organ_id: str | None
    timestamp: dt.datetime | None

    def __post_init__(self) -> None:
        _require_aware(self.timestamp, "TraceHeader timestamp")


@dataclass(frozen=True)
class StaffInfo:
    """The văn thư who handled the message."""

    department: str | None = None
    staff: str | None = None
    email: str | None = None
    mobile: str | None = None


@dataclass(frozen=True)
class Receiver:
    organ_id: str
    receiver_type: str | None = None  # ReceiverType: "0" main recipient, "1" for information


@dataclass(frozen=True)
class BusinessDocumentInfo:
    """Of an update (2): which parts changed and who is to get the updated document."""

    document_info: str | None = None  # DocumentInfo: "1" = the document's information changed
    document_receiver: str | None = None  # DocumentReceiver: "1" = the list of receivers changed
    receivers: tuple[Receiver, ...] = ()  # ReceiverList/Receiver


@dataclass(frozen=True)
class ReplacementInfo:
    """Of a replacement (3): the document replaced and the agencies that had received it."""

    document_id: str
    organ_ids: tuple[str, ...] = ()  # OrganIdList/OrganId


@dataclass(frozen=True)
class Business:
    """Bussiness (sic) in TraceHeaderList: new, revocation, update or replacement of a document."""

    doc_type: BusinessDocType  # BussinessDocType
    document_id: str | None = None  # DocumentId: the earlier document this one acts on
    reason: str | None = None  # BussinessDocReason
    paper: int | None = None  # Paper: 1 when a paper copy follows
    staff: StaffInfo | None = None
    document_info: BusinessDocumentInfo | None = None  # BussinessDocumentInfo
    replacements: tuple[ReplacementInfo, ...] = ()  # ReplacementInfoList/ReplacementInfo


@dataclass(frozen=True)
class Envelope:
    """edXMLHeader of a document package: MessageHeader and TraceHeaderList."""

    sender: Organization  # From
    recipients: tuple[Organization, ...]  # To (one or more)
    document_id: str  # DocumentId: "OrganId,YYYY/MM/DD,code" or a UUID, as the sender made it
    code: Code
    promulgation: PromulgationInfo
    subject: str  # Subject: trích yếu
    document_type: DocumentType | None = None
    content: str | None = None  # Content
    signer: SignerInfo | None = None
    due_date: dt.date | None = None  # DueDate: hạn xử lý
    other_info: OtherInfo | None = None
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: int | None = None  # SteeringType: loại chỉ đạo
    to_places: tuple[str, ...] = ()  # ToPlaces/Place: nơi nhận as printed on the document
    trace: tuple[TraceHeader, ...] = ()  # TraceHeaderList/TraceHeader
    business: Business | None = None

    def __post_init__(self) -> None:
        if not self.recipients:
            raise ValueError("a package needs at least one To organisation")

    def earlier_document_ids(self) -> tuple[str, ...]:
        """The documents a revocation, update or replacement acts on (empty for a new document).

        A replacement names them in ReplacementInfoList. A revocation or update names its document in
        Bussiness/DocumentId when it has one; the revocation sample has none and restates the revoked
        document's own header, so the package's DocumentId is the document it acts on.
        """
        business = self.business
        if business is None or business.doc_type is BusinessDocType.NEW:
            return ()
        if business.doc_type is BusinessDocType.REPLACEMENT and business.replacements:
            return tuple(dict.fromkeys(r.document_id for r in business.replacements))
        return (business.document_id or self.document_id,)


@dataclass(frozen=True)
class ManifestReference:
    """edXMLManifest/Reference: what the sender says an attachment is. Kept apart from the attachment
    because senders disagree with themselves (a manifest says application/pdf, the attachment zip)."""

    content_id: str  # ContentId: "cid:…"
    name: str | None = None  # AttachmentName
    content_type: str | None = None  # ContentType
    description: str | None = None


@dataclass(frozen=True)
class Attachment:
    """AttachmentEncoded/Attachment, with ContentTransferEncoded decoded from base64."""

    content_id: str
    name: str
    content_type: str | None
    data: bytes = field(repr=False)
    description: str | None = None

    def manifest_reference(self) -> ManifestReference:
        return ManifestReference(self.content_id, self.name, self.content_type, self.description)


@dataclass(frozen=True)
class Package:
    """A document package: the envelope, the manifest and the attachments it lists."""

    envelope: Envelope
    manifest: tuple[ManifestReference, ...]
    attachments: tuple[Attachment, ...]
    # Elements the reader met but does not model (another system's extensions): listed so the importer
    # can say what it did not keep; not part of the package's identity, and not written by `build`.
    unrecognised: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        listed = [ref.content_id for ref in self.manifest]
        carried = [att.content_id for att in self.attachments]
        for what, ids in (("manifest", listed), ("attachments", carried)):
            doubles = sorted({cid for cid in ids if ids.count(cid) > 1})
            if doubles:
                raise ValueError(f"ContentId {doubles[0]} appears twice in the {what}")
        if missing := [cid for cid in carried if cid not in listed]:
            raise ValueError(f"attachment {missing[0]} is not listed in the manifest")
        if missing := [cid for cid in listed if cid not in carried]:
            raise ValueError(f"the manifest lists {missing[0]} but no attachment carries it")

    @classmethod
    def with_attachments(cls, envelope: Envelope, attachments: tuple[Attachment, ...]) -> Package:
        """A package whose manifest describes its attachments as they are (what canhve sends)."""
        return cls(envelope, tuple(a.manifest_reference() for a in attachments), attachments)


@dataclass(frozen=True)
class Status:
    """A status message answering a package (its ResponseFor)."""

    sender: Organization  # From: the agency reporting
    response_for: ResponseFor
    code: str  # StatusCode, two digits; compare with `StatusCode` members
    description: str
    timestamp: dt.datetime
    staff: StaffInfo | None = None

    def __post_init__(self) -> None:
        if len(self.code) != 2 or not self.code.isdigit():
            raise ValueError(f"StatusCode must be two digits, not {self.code!r}")
        _require_aware(self.timestamp, "Status timestamp")

    @property
    def known_code(self) -> StatusCode | None:
        try:
            return StatusCode(self.code)
        except ValueError:
            return None


Message = Package | Status


def _require_aware(moment: dt.datetime | None, what: str) -> None:
    # A naive time would be written as if it were Vietnam time whatever the caller meant.
    if moment is not None and moment.utcoffset() is None:
        raise ValueError(f"{what} needs a time zone")
