from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from canhve.core.access import audited_list, audited_page, can_edit, get_visible_or_404
from canhve.core.jobs import enqueue
from canhve.core.locking import VersionConflict, conflict_response
from canhve.core.models import Job
from canhve.core.refusals import form_errors, refuse

from . import domain, services
from .builders import build
from .forms import TEMPLATE_FORMS, DocumentFilter, EditForm, VerifyForm
from .jobs import RENDER
from .models import Document, DocumentStatus, DocumentType, FileKind, IncomingDocument, Template
from .rendering import is_long

CONTENT_TYPES = {
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.PDF: "application/pdf",
    FileKind.SIGNED_PDF: "application/pdf",
}
MOVE_LABELS = {
    DocumentStatus.SIGNED: gettext_lazy("Ký duyệt"),
    DocumentStatus.DRAFT: gettext_lazy("Trả lại dự thảo"),
    DocumentStatus.NUMBERED: gettext_lazy("Cấp số"),
    DocumentStatus.ISSUED: gettext_lazy("Ban hành (ký số)"),
    DocumentStatus.ARCHIVED: gettext_lazy("Lưu trữ"),
}


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    # The list shows the number, summary and status, never the body or the images (ADR 0108).
    qs = (
        Document.objects.visible_to(request.user)
        .select_related("owner_agency", "doc_type")
        .defer("content", "attachments")
    )
    filters = DocumentFilter(request.GET or None)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(summary__icontains=data["q"]) | Q(doc_type__code__iexact=data["q"]))
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["doc_type"]:
            qs = qs.filter(doc_type=data["doc_type"])
    page = audited_page(request, qs)
    return render(
        request, "documents/list.html", {"page": page, "filters": filters, "templates": Template.choices}
    )


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    template = request.GET.get("template", Template.GENERIC)
    if template not in TEMPLATE_FORMS:
        raise Http404
    form_class, type_code = TEMPLATE_FORMS[template]
    initial = {"doc_type": DocumentType.objects.filter(code=type_code).first()}
    form = form_class(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            summary, blocks, attachments = build(template, data, user=request.user)
            doc = services.create_document(
                acting_user=request.user,
                owner_agency=data["owner_agency"],
                doc_type=data["doc_type"],
                summary=data["summary"] or summary,
                secrecy=data["secrecy"],
                urgency=data["urgency"],
                place=data["place"],
                template=template,
                signing_authority=data["signing_authority"] or "",
                authority_of=data["authority_of"],
                signer_title=data["signer_title"],
                signer_name=data["signer_name"],
                recipients=data["recipients"],
                archive_line=data["archive_line"],
                content=blocks,
                attachments=attachments,
                shared_with=list(data["shared_with"]),
            )
        except PermissionDenied as exc:
            form.add_error("owner_agency", str(exc))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo dự thảo văn bản."))
            return redirect("documents-detail", pk=doc.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "documents/form.html",
        {
            "form": form,
            "template_label": Template(template).label,
            "templates": Template.choices,
            "current": template,
        },
        status=status,
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_visible_or_404(
        Document.objects.select_related("owner_agency", "doc_type", "signer", "corrects").defer(
            "attachments", "corrects__content", "corrects__attachments"
        ),
        request.user,
        pk=pk,
    )
    moves = [
        (s, MOVE_LABELS[DocumentStatus(s)])
        for s in sorted(domain.TRANSITIONS[domain.State(doc.status)])
        if can_edit(request.user, doc, domain.REQUIRED_ROLE[s])
    ]
    return render(
        request,
        "documents/detail.html",
        {
            "doc": doc,
            "moves": moves,
            "can_edit": doc.is_editable and can_edit(request.user, doc, 30),
            "can_correct": doc.is_frozen and can_edit(request.user, doc, 30),
            "corrections": audited_list(
                request,
                doc.corrections.visible_to(request.user)
                .select_related("doc_type", "owner_agency")
                .defer("content", "attachments"),
            ),
            "recipients": doc.recipient_list(),
            "shared": doc.shared_with_agencies.all(),
            "files": doc.files.only("kind", "sha256", "pages", "created_at", "for_status"),
        },
    )


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_visible_or_404(Document.objects.select_related("owner_agency", "doc_type"), request.user, pk=pk)
    if not can_edit(request.user, doc, 30):
        raise PermissionDenied
    if not doc.is_editable:
        reason = _("Chỉ sửa được văn bản ở trạng thái dự thảo.")
        if request.method == "POST":
            return refuse(request, reason, reverse("documents-detail", args=[doc.pk]))
        messages.error(request, reason)
        return redirect("documents-detail", pk=doc.pk)
    form = EditForm(
        request.POST or None, instance=doc, user=request.user, initial={"body": domain.to_markup(doc.content)}
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in EditForm.Meta.fields}
        changes["content"] = domain.parse_markup(form.cleaned_data["body"])
        try:
            doc.refresh_from_db()
            services.update_document(
                acting_user=request.user,
                document=doc,
                expected_version=form.cleaned_data.get("expected_version"),
                **changes,
            )
        except VersionConflict as conflict:
            return conflict_response(request, "documents/edit.html", {"doc": doc}, conflict, form)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("documents-detail", pk=doc.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "documents/edit.html", {"form": form, "doc": doc}, status=status)


@login_required
@require_POST
def document_move(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_visible_or_404(Document, request.user, pk=pk)
    target = request.POST.get("target", "")
    try:
        services.move_document(acting_user=request.user, document=doc, target=target)
    except ValidationError as exc:
        return refuse(request, exc, reverse("documents-detail", args=[doc.pk]), source=Document)
    messages.success(request, _("Đã chuyển văn bản sang: %(s)s.") % {"s": DocumentStatus(target).label})
    return redirect("documents-detail", pk=doc.pk)


@login_required
@require_POST
def document_correct(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_visible_or_404(Document, request.user, pk=pk)
    try:
        new = services.create_correction(acting_user=request.user, original=doc)
    except ValidationError as exc:
        return refuse(request, exc, reverse("documents-detail", args=[doc.pk]), source=Document)
    messages.success(request, _("Đã tạo dự thảo văn bản đính chính."))
    return redirect("documents-detail", pk=new.pk)


def _file_response(doc: Document, file, kind: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    ext = "docx" if file.kind == FileKind.DOCX else "pdf"
    name = f"{doc.doc_type.code}-{doc.owner_agency.code}-{doc.number or 'du-thao'}-{doc.pk}.{ext}"
    response = HttpResponse(bytes(file.data), content_type=CONTENT_TYPES[FileKind(file.kind)])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def document_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in (FileKind.DOCX, FileKind.PDF):
        raise Http404
    doc = get_visible_or_404(Document.objects.select_related("owner_agency", "doc_type"), request.user, pk=pk)
    if not doc.is_frozen and is_long(doc) and not doc.files.filter(kind=kind).exists():
        job = enqueue(
            RENDER,
            params={"document_id": doc.pk, "kind": kind, "user_id": request.user.pk},
            user=request.user,
        )
        return redirect("documents-job", pk=job.pk)
    try:
        file = services.download_file(acting_user=request.user, document=doc, kind=kind)
    except ValidationError as exc:
        raise Http404(str(exc)) from exc
    return _file_response(doc, file, kind)


@login_required
@require_POST
def document_render(request: HttpRequest, pk: int) -> HttpResponse:
    """Render in the background (for long documents), then the progress page offers the file."""
    doc = get_visible_or_404(Document, request.user, pk=pk)
    kind = request.POST.get("kind", FileKind.PDF)
    if kind not in (FileKind.DOCX, FileKind.PDF):
        raise Http404
    job = enqueue(
        RENDER, params={"document_id": doc.pk, "kind": kind, "user_id": request.user.pk}, user=request.user
    )
    return redirect("documents-job", pk=job.pk)


@login_required
def render_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk, kind=RENDER, created_by=request.user)
    doc = get_visible_or_404(
        Document.objects.select_related("owner_agency", "doc_type").defer("content", "attachments"),
        request.user,
        pk=job.params["document_id"],
    )
    template = "documents/_job.html" if request.headers.get("HX-Request") else "documents/job.html"
    return render(request, template, {"job": job, "doc": doc})


@require_GET
@login_required
def render_job_file(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk, kind=RENDER, created_by=request.user, status="done")
    doc = get_visible_or_404(
        Document.objects.select_related("owner_agency", "doc_type"),
        request.user,
        pk=job.params["document_id"],
    )
    kind = job.params["kind"]
    try:
        file = services.download_file(acting_user=request.user, document=doc, kind=kind)
    except ValidationError as exc:
        raise Http404(str(exc)) from exc
    return _file_response(doc, file, kind)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["pdf"]
        report = services.verify_upload(acting_user=request.user, data=upload.read(), filename=upload.name)
    status = 400 if request.method == "POST" and report is None else 200
    return render(request, "documents/verify.html", {"form": form, "report": report}, status=status)


@login_required
@require_POST
def document_from_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Lập văn bản KH from a plan version of an operation the user may see."""
    from canhve.operations.models import Operation, PlanVersion

    plan = get_object_or_404(PlanVersion.objects.select_related("operation"), pk=plan_id)
    op = get_visible_or_404(Operation, request.user, pk=plan.operation_id)
    try:
        doc = services.create_plan_document(acting_user=request.user, plan=plan, operation=op)
    except ValidationError as exc:
        return refuse(request, exc, reverse("operations-plan", args=[plan.pk]), source=Document)
    messages.success(request, _("Đã lập dự thảo kế hoạch từ phương án; kiểm tra nơi nhận và người ký."))
    return redirect("documents-detail", pk=doc.pk)


@login_required
@require_GET
def incoming_list(request: HttpRequest) -> HttpResponse:
    # The register shows the envelope's fields, never the package or the attachments' bytes.
    qs = (
        IncomingDocument.objects.visible_to(request.user)
        .select_related("owner_agency")
        .defer("package", "unrecognised")
    )
    return render(request, "documents/incoming_list.html", {"page": audited_page(request, qs)})


@login_required
@require_GET
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_visible_or_404(
        IncomingDocument.objects.select_related("owner_agency", "earlier").defer(
            "package", "earlier__package"
        ),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "documents/incoming_detail.html",
        {
            "doc": doc,
            "files": doc.files.only("name", "content_type", "sha256", "document_id"),
            "later": audited_list(
                request, doc.later.visible_to(request.user).defer("package").order_by("created_at", "id")
            ),
        },
    )
