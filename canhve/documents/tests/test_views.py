import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canhve.core.models import AuditAction, AuditEntry
from canhve.core.testing import check_matrix
from canhve.documents.models import Document, DocumentStatus, FileKind

from .persona_urls import CASES


@pytest.fixture
def w(docs_world):
    return docs_world


def test_each_persona_gets_exactly_what_it_may_see(w):
    check_matrix(w, CASES)


def test_a_top_secret_document_is_invisible_below_its_clearance_and_its_download_audited(w):
    url = reverse("documents-download", kwargs={"pk": w.top_secret.pk, "kind": "pdf"})
    assert w.client("k01_officer").get(url).status_code == 404  # Tối mật clearance, K01 member
    listing = w.client("k01_officer").get(reverse("documents-list")).content.decode()
    assert "Phương án Tuyệt mật" not in listing
    response = w.client("k01_commander").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(w.top_secret.pk))
    assert exports.filter(actor=w.user("k01_commander")).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(w.top_secret.pk)).exists()


def test_the_issued_pdf_download_is_the_signed_file(w):
    response = w.client("th_liaison").get(
        reverse("documents-download", kwargs={"pk": w.issued.pk, "kind": "pdf"})
    )
    assert response.content == bytes(w.issued.files.get(kind=FileKind.SIGNED_PDF).data)


def test_the_verify_page_reports_intact_and_altered(w):
    signed = bytes(w.issued.files.get(kind=FileKind.SIGNED_PDF).data)
    url = reverse("documents-verify")
    page = w.client("ct_outsider").post(url, {"pdf": SimpleUploadedFile("kh.pdf", signed)}).content.decode()
    assert "Nguyên vẹn" in page and "k01_commander" in page
    i = len(signed) // 3
    altered = signed[:i] + bytes([signed[i] ^ 1]) + signed[i + 1 :]
    page = w.client("ct_outsider").post(url, {"pdf": SimpleUploadedFile("kh.pdf", altered)}).content.decode()
    assert "Nguyên vẹn</span>" not in page and ("đã bị sửa" in page or "bị sửa" in page)


def test_a_commander_walks_a_draft_to_issued_through_the_pages(w):
    client = w.client("k01_commander")
    url = reverse("documents-move", kwargs={"pk": w.draft.pk})
    for target in ("signed", "numbered", "issued"):
        assert client.post(url, {"target": target}).status_code == 302
    doc = Document.objects.get(pk=w.draft.pk)
    assert doc.status == DocumentStatus.ISSUED and doc.number == 2  # the fixture's issued KH took 01
    page = client.get(reverse("documents-detail", kwargs={"pk": doc.pk})).content.decode()
    assert "Số: 02/KH-K01-TM" in page and "Soạn văn bản đính chính" in page


def test_creating_from_a_template_builds_the_content(w):
    data = {
        "owner_agency": w.agencies["K01-TM"].pk,
        "doc_type": w.types["QC"].pk,
        "summary": "",
        "secrecy": 0,
        "urgency": 0,
        "place": "Hà Nội",
        "signing_authority": "",
        "authority_of": "",
        "signer_title": "Tư lệnh",
        "signer_name": "Nguyễn Văn A",
        "recipients": "Công an tỉnh Thanh Hóa",
        "archive_line": "Lưu: VT.",
        "parties": "K01 và CATH",
        "chapters": "Chương. Quy định chung\nĐiều. Phạm vi\nNội dung.\nĐiều. Nguyên tắc\nX.",
    }
    response = w.client("k01_officer").post(reverse("documents-create") + "?template=regulation", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    doc = Document.objects.get(summary="Quy chế phối hợp giữa K01 và CATH")
    texts = [b.get("text") for b in doc.content]
    assert "Chương I" in texts and "Điều 1. Phạm vi" in texts and "Điều 2. Nguyên tắc" in texts


def test_the_render_job_page_offers_the_file_when_done(w):
    page = w.client("k01_officer").get(reverse("documents-job", kwargs={"pk": w.job.pk})).content.decode()
    assert reverse("documents-job-file", kwargs={"pk": w.job.pk}) in page
    partial = w.client("k01_officer").get(
        reverse("documents-job", kwargs={"pk": w.job.pk}), HTTP_HX_REQUEST="true"
    )
    assert b"<html" not in partial.content
