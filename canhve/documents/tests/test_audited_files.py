"""ADR 0108: rendered files are plain rows (no `Audited.save()`); replacing them writes one summary row on
the document naming every file removed and stored."""

from canhve.core.models import AuditEntry
from canhve.documents import services
from canhve.documents.models import FileKind

from .conftest import issue, make_draft


def _file_rows(doc):
    rows = AuditEntry.objects.filter(object_type="documents.Document", object_id=str(doc.pk)).order_by("pk")
    return [r for r in rows if "files_created" in r.changes or "files_deleted" in r.changes]


def test_a_draft_render_audits_the_file_it_stores_and_the_stale_one_it_drops(world, types):
    doc = make_draft(world, types)
    first = services.render_file(document=doc, kind=FileKind.DOCX)
    doc = services.update_document(
        acting_user=world.user("k01_officer"), document=doc, summary="Nội dung đã sửa (giả định)"
    )
    second = services.render_file(document=doc, kind=FileKind.DOCX)
    made, replaced = _file_rows(doc)
    assert made.changes["files_created"] == [[first.pk, "docx", first.sha256]]
    assert replaced.changes["files_deleted"] == [[first.pk, "docx", first.sha256]]
    assert replaced.changes["files_created"] == [[second.pk, "docx", second.sha256]]
    assert replaced.secrecy == doc.secrecy and replaced.owner_agency_id == doc.owner_agency_id


def test_issuing_audits_the_signed_files_that_replace_the_drafts(world, types, signing):
    doc = make_draft(world, types)
    draft_pdf = services.render_file(document=doc, kind=FileKind.PDF)
    doc = issue(world, doc)
    row = _file_rows(doc)[-1]
    assert [draft_pdf.pk, "pdf", draft_pdf.sha256] in row.changes["files_deleted"]
    kinds = sorted(kind for _, kind, _ in row.changes["files_created"])
    assert kinds == sorted([FileKind.SIGNED_PDF, FileKind.DOCX])
    assert {f.pk for f in doc.files.all()} == {pk for pk, _, _ in row.changes["files_created"]}
