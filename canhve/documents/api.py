from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, FilterSchema, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from canhve.agencies.models import Agency
from canhve.apikit import PAGE_SIZE, AuditedPagination
from canhve.core.access import get_visible_or_404
from canhve.core.locking import ConflictOut, VersionConflict, api_conflict

from . import domain, services
from .forms import check_pdf
from .models import Document, DocumentType, FileKind

router = Router()


class DocumentOut(Schema):
    id: int
    number_symbol: str
    doc_type: str
    summary: str
    status: str
    secrecy: int
    urgency: int
    owner_agency_id: int
    number: int | None
    issued_on: date | None
    place: str
    signer_title: str
    signer_name: str
    recipients: list[str]
    corrects_id: int | None
    created_at: datetime
    version: int

    @staticmethod
    def resolve_doc_type(obj: Document) -> str:
        return obj.doc_type.code

    @staticmethod
    def resolve_recipients(obj: Document) -> list[str]:
        return obj.recipient_list()


class DocumentIn(Schema):
    owner_agency_code: str
    doc_type: str = Field(..., description="viết tắt, ví dụ KH, BC, QĐ")
    summary: str = Field(..., min_length=3, max_length=300)
    secrecy: int = Field(0, ge=0, le=3)
    urgency: int = Field(0, ge=0, le=3)
    place: str = "Hà Nội"
    signing_authority: str = ""
    authority_of: str = ""
    signer_title: str
    signer_name: str
    recipients: list[str] = []
    body: str = Field(
        "", description="nội dung theo cú pháp của trang soạn thảo (# đề mục, - gạch đầu dòng…)"
    )


class DocumentPatch(Schema):
    expected_version: int = Field(..., description="the version read with the draft; a stale one gets 409")
    summary: str | None = Field(None, min_length=3, max_length=300)
    place: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    recipients: list[str] | None = None
    body: str | None = None


class MoveIn(Schema):
    target: str


class DocumentFilter(FilterSchema):
    status: str | None = None
    doc_type: str | None = Field(None, q="doc_type__code")
    q: str | None = Field(None, q=["summary__icontains"])


class SignatureOut(Schema):
    field_name: str
    signer_common_name: str
    signer_organization: str
    signing_time: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    later_changes: str
    ok: bool


class VerificationOut(Schema):
    ok: bool
    error: str
    signatures: list[SignatureOut]


@router.get("/documents", response=list[DocumentOut], summary="Documents visible to the caller")
@paginate(AuditedPagination, page_size=PAGE_SIZE)
def list_documents(request: HttpRequest, filters: Query[DocumentFilter]) -> QuerySet[Document]:
    qs = (
        Document.objects.visible_to(request.user)
        .select_related("doc_type", "owner_agency")
        .defer("content", "attachments")  # not in DocumentOut (ADR 0108)
    )
    return filters.filter(qs)


@router.get("/documents/{doc_id}", response=DocumentOut)
def get_document(request: HttpRequest, doc_id: int) -> Document:
    return get_visible_or_404(
        Document.objects.select_related("doc_type", "owner_agency").defer("content", "attachments"),
        request.user,
        pk=doc_id,
    )


@router.post("/documents", response={201: DocumentOut}, summary="Create a draft")
def post_document(request: HttpRequest, payload: DocumentIn) -> tuple[int, Document]:
    agency = Agency.objects.filter(code=payload.owner_agency_code).first()
    if agency is None:
        raise ValidationError({"owner_agency_code": [f"Không có đơn vị mã {payload.owner_agency_code}."]})
    doc_type = DocumentType.objects.filter(code=payload.doc_type).first()
    if doc_type is None:
        raise ValidationError({"doc_type": [f"Không có loại văn bản {payload.doc_type}."]})
    doc = services.create_document(
        acting_user=request.user,
        owner_agency=agency,
        doc_type=doc_type,
        summary=payload.summary,
        secrecy=payload.secrecy,
        urgency=payload.urgency,
        place=payload.place,
        signing_authority=payload.signing_authority,
        authority_of=payload.authority_of,
        signer_title=payload.signer_title,
        signer_name=payload.signer_name,
        recipients="\n".join(payload.recipients),
        content=domain.parse_markup(payload.body),
    )
    return 201, doc


@router.patch(
    "/documents/{doc_id}",
    response={200: DocumentOut, 409: ConflictOut},
    summary="Edit a draft (optimistic lock)",
)
def patch_document(request: HttpRequest, doc_id: int, payload: DocumentPatch):
    doc = get_visible_or_404(
        Document.objects.select_related("doc_type", "owner_agency"), request.user, pk=doc_id
    )
    data = payload.dict(exclude_unset=True)
    expected = data.pop("expected_version")
    changes = dict(data)
    if "recipients" in changes:
        changes["recipients"] = "\n".join(changes["recipients"] or [])
    if "body" in changes:
        changes["content"] = domain.parse_markup(changes.pop("body") or "")
    try:
        return 200, services.update_document(
            acting_user=request.user, document=doc, expected_version=expected, **changes
        )
    except VersionConflict as conflict:
        return api_conflict(conflict, payload, DocumentOut)


@router.post("/documents/{doc_id}/move", response=DocumentOut, summary="sign, number, issue, archive")
def move_document(request: HttpRequest, doc_id: int, payload: MoveIn) -> Document:
    doc = get_visible_or_404(Document, request.user, pk=doc_id)
    return services.move_document(acting_user=request.user, document=doc, target=payload.target)


@router.get("/documents/{doc_id}/file/{kind}", summary="DOCX, or PDF (signed once issued); audited")
def download(request: HttpRequest, doc_id: int, kind: str) -> HttpResponse:
    if kind not in (FileKind.DOCX, FileKind.PDF):
        raise ValidationError({"kind": ["docx hoặc pdf"]})
    doc = get_visible_or_404(
        Document.objects.select_related("doc_type", "owner_agency"), request.user, pk=doc_id
    )
    file = services.download_file(acting_user=request.user, document=doc, kind=kind)
    content_type = (
        "application/pdf"
        if kind == FileKind.PDF
        else ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    )
    response = HttpResponse(bytes(file.data), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="van-ban-{doc.pk}.{kind}"'
    return response


@router.post("/verify", response=VerificationOut, summary="Verify the digital signatures of a PDF")
def verify(request: HttpRequest, pdf: File[UploadedFile]) -> dict:
    try:
        check_pdf(pdf)
    except ValidationError as exc:
        raise ValidationError({"pdf": exc.messages}) from exc
    report = services.verify_upload(acting_user=request.user, data=pdf.read(), filename=pdf.name or "")
    return {
        "ok": report.ok,
        "error": report.error,
        "signatures": [
            {**s.__dict__, "later_changes": str(s.later_changes), "ok": s.ok} for s in report.signatures
        ],
    }
