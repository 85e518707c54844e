import pytest
from django.core.management import CommandError, call_command

from canhve.core.models import AuditAction, AuditEntry


@pytest.fixture
def w(docs_world):
    return docs_world


def test_it_renders_a_visible_document(w, tmp_path):
    out = tmp_path / "kh.docx"
    call_command(
        "document", "render", str(w.draft.pk), "--format", "docx", "--out", str(out), "--user", "th_liaison"
    )
    assert out.read_bytes()[:2] == b"PK"
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(w.draft.pk), via="cli").exists()


def test_it_gives_the_signed_pdf_of_an_issued_document_and_verifies_it(w, tmp_path, capsys):
    out = tmp_path / "kh.pdf"
    call_command(
        "document", "render", str(w.issued.pk), "--format", "pdf", "--out", str(out), "--user", "auditor"
    )
    call_command("document", "verify", str(out), "--user", "auditor")
    data = out.read_bytes()
    i = len(data) // 3
    out.write_bytes(data[:i] + bytes([data[i] ^ 1]) + data[i + 1 :])
    with pytest.raises(CommandError):
        call_command("document", "verify", str(out), "--user", "auditor")


def test_it_refuses_a_document_the_user_may_not_see(w, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="không có quyền xem"):
        call_command(
            "document",
            "render",
            str(w.top_secret.pk),
            "--format",
            "pdf",
            "--out",
            str(out),
            "--user",
            "k01_officer",
        )
    assert not out.exists()
