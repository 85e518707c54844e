"""edXML on the documents app: the received-documents register fed from every gateway sample, revocation /
update / replacement applied to the earlier received copy, export of an issued Không mật document and the
round trip through import, refusal of Mật, and the `canhve edxml` command's exit codes and lines."""

import dataclasses
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import ManagementUtility

from canhve.core.models import AuditAction, AuditEntry
from canhve.core.secrecy import Secrecy
from canhve.core.testing import database_rows
from canhve.documents import services
from canhve.documents.models import (
    IncomingAttachment,
    IncomingDocument,
    IncomingKind,
    IncomingMessage,
    IncomingStatus,
    Verification,
)
from canhve.engines import edxml

from .conftest import EDXML_SAMPLES, issue, make_draft

SAMPLES = sorted(p.name for p in EDXML_SAMPLES.glob("*.edxml"))
UNREADABLE = {"edoc.edxml", "edoc_new.edxml"}
STATUSES = [n for n in SAMPLES if n.startswith("status")]
PACKAGES = [n for n in SAMPLES if n not in UNREADABLE and n not in STATUSES]


def sample(name: str) -> bytes:
    return (EDXML_SAMPLES / name).read_bytes()


def counts() -> dict[str, int]:
    return {
        "documents": IncomingDocument.objects.count(),
        "attachments": IncomingAttachment.objects.count(),
        "messages": IncomingMessage.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def w(docs_world):
    return docs_world


@pytest.fixture
def clerk(w):
    return w.user("k01_commander")


@pytest.fixture
def tm(w):
    """K01's register (the world's `incoming` sample is in K01-TM's)."""
    return w.agencies["K01"]


def test_the_samples_are_what_the_tests_below_assume():
    assert len(SAMPLES) == 18 and set(SAMPLES) >= UNREADABLE
    assert len(PACKAGES) == 6 and len(STATUSES) == 10


@pytest.mark.parametrize("name", PACKAGES)
def test_every_readable_package_goes_into_the_register_as_sent(w, clerk, tm, name):
    data = sample(name)
    package = edxml.parse(data)
    assert isinstance(package, edxml.Package)
    files_audited = AuditEntry.objects.filter(object_type="documents.IncomingAttachment").count
    before = files_audited()
    record = services.import_edxml(clerk, tm, data)
    record.refresh_from_db()
    head = package.envelope
    assert isinstance(record, IncomingDocument)
    assert record.owner_agency == tm and record.secrecy == Secrecy.NONE
    assert (record.document_id, record.subject) == (head.document_id, head.subject)
    assert (record.code_number, record.code_notation) == (head.code.number, head.code.notation)
    assert record.promulgated_on == head.promulgation.date
    assert record.sender_organ_id == head.sender.organ_id
    assert bytes(record.package) == data
    assert record.verification in {Verification.UNSIGNED, Verification.UNVERIFIABLE}
    assert [(f.name, f.content_type, bytes(f.data)) for f in record.files.all()] == [
        (a.name, a.content_type or "", a.data) for a in package.attachments
    ]
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(record.pk))
    assert {e.object_type for e in created} >= {"documents.IncomingDocument"}
    assert files_audited() - before == len(package.attachments)


@pytest.mark.parametrize("name", STATUSES)
def test_every_status_message_is_kept(w, clerk, tm, name):
    data = sample(name)
    status = edxml.parse(data)
    record = services.import_edxml(clerk, tm, data)
    assert isinstance(record, IncomingMessage) and isinstance(status, edxml.Status)
    assert (record.code, record.response_document_id) == (status.code, status.response_for.document_id)
    assert record.secrecy == Secrecy.NONE and bytes(record.package) == data


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_an_unreadable_package_is_refused_naming_the_fault_and_stores_nothing(w, clerk, tm, name):
    before = database_rows()
    with pytest.raises(ValidationError) as refused:
        services.import_edxml(clerk, tm, sample(name))
    assert "không nhận gói edxml" in refused.value.messages[0].lower()
    assert (
        "well-formed" in refused.value.messages[0]
        or "before the XML declaration" in refused.value.messages[0]
    )
    assert database_rows() == before


def test_the_same_package_twice_is_refused_the_second_time(w, clerk, tm):
    data = sample("852e179c-8eca-4502-ac38-0b97321f29c3.edxml")
    services.import_edxml(clerk, tm, data)
    before = counts()
    with pytest.raises(ValidationError, match="đã được nhận"):
        services.import_edxml(clerk, tm, data)
    assert counts() == before


def test_someone_without_a_role_in_the_agency_cannot_receive_for_it(w, tm):
    from django.core.exceptions import PermissionDenied

    before = counts()
    with pytest.raises(PermissionDenied):
        services.import_edxml(w.user("th_liaison"), tm, sample("852e179c-8eca-4502-ac38-0b97321f29c3.edxml"))
    assert counts() == before


def original_of(name: str, document_id: str) -> bytes:
    """A new-document package the sample `name` acts on: its own envelope, with the earlier id, as new."""
    package = edxml.parse(sample(name))
    assert isinstance(package, edxml.Package)
    head = dataclasses.replace(
        package.envelope, document_id=document_id, business=edxml.Business(edxml.BusinessDocType.NEW)
    )
    return edxml.build(dataclasses.replace(package, envelope=head))


@pytest.mark.parametrize(
    ("name", "kind", "state"),
    [
        ("edoc_revocation.edxml", IncomingKind.REVOCATION, IncomingStatus.REVOKED),
        ("edoc_update.edxml", IncomingKind.UPDATE, IncomingStatus.UPDATED),
        ("edoc_replacement.edxml", IncomingKind.REPLACEMENT, IncomingStatus.REPLACED),
    ],
)
def test_a_revocation_update_or_replacement_changes_the_earlier_record(w, clerk, tm, name, kind, state):
    package = edxml.parse(sample(name))
    assert isinstance(package, edxml.Package)
    (earlier_id,) = package.envelope.earlier_document_ids()
    # No readable sample is the original they name (edoc_new, the revocation's, is not well-formed).
    assert earlier_id not in {
        p.envelope.document_id
        for n in PACKAGES
        if n != name and isinstance(p := edxml.parse(sample(n)), edxml.Package) and not p.envelope.business
    }
    original = services.import_edxml(clerk, tm, original_of(name, earlier_id))
    assert isinstance(original, IncomingDocument) and original.kind == IncomingKind.NEW
    later = services.import_edxml(clerk, tm, sample(name))
    assert isinstance(later, IncomingDocument)
    original.refresh_from_db()
    assert (later.kind, later.earlier_id) == (kind, original.pk)
    assert original.status == state
    assert AuditEntry.objects.filter(action=AuditAction.TRANSITION, object_id=str(original.pk)).exists()


def test_a_revocation_of_a_document_never_received_is_kept_without_link(w, clerk, tm):
    record = services.import_edxml(clerk, tm, sample("edoc_revocation.edxml"))
    assert isinstance(record, IncomingDocument)
    assert record.kind == IncomingKind.REVOCATION and record.earlier is None
    assert record.status == IncomingStatus.RECEIVED


def test_another_agencys_copy_is_not_touched(w, clerk, tm):
    package = edxml.parse(sample("edoc_update.edxml"))
    assert isinstance(package, edxml.Package)
    (earlier_id,) = package.envelope.earlier_document_ids()
    other = services.import_edxml(None, w.agencies["CATH"], original_of("edoc_update.edxml", earlier_id))
    services.import_edxml(clerk, tm, sample("edoc_update.edxml"))
    other.refresh_from_db()
    assert other.status == IncomingStatus.RECEIVED


# ---- export ------------------------------------------------------------------------------------------


@pytest.fixture
def open_issued(w):
    doc = make_draft(
        w,
        w.types,
        secrecy=Secrecy.NONE,
        summary="Thông báo lịch làm việc (giả định)",
        shared_with=[w.agencies["CATH"]],
    )
    return issue(w, doc)


def test_an_issued_open_document_goes_out_and_comes_back_the_same(w, open_issued):
    data = services.export_edxml(w.user("k01_commander"), open_issued)
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(open_issued.pk)).exists()
    package = edxml.parse(data)
    assert isinstance(package, edxml.Package)
    assert [r.organ_id for r in package.envelope.recipients] == ["CATH"]
    received = services.import_edxml(w.user("th_liaison"), w.agencies["CATH"], data)
    assert isinstance(received, IncomingDocument)
    assert received.subject == open_issued.summary
    assert f"Số: {received.code}" == open_issued.number_symbol
    assert received.promulgated_on == open_issued.issued_on
    assert received.sender_organ_id == "K01-TM"
    assert received.signer.endswith(open_issued.signer_name)
    pdf = open_issued.files.get(kind="signed_pdf")
    assert [bytes(f.data) for f in received.files.all()] == [bytes(pdf.data)]
    # Signed with K01-TM's seal certificate; nobody's certificates are trusted for edXML yet.
    assert received.verification == Verification.UNVERIFIABLE


@pytest.mark.parametrize("attr", ["issued", "draft", "top_secret"])
def test_a_secret_document_is_refused_before_anything_is_built(w, attr):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.export_edxml(w.user("k01_commander"), getattr(w, attr))
    assert "không có trường độ mật" in refused.value.messages[0]
    assert AuditEntry.objects.count() == before


def test_an_open_draft_is_refused_it_is_not_issued(w):
    draft = make_draft(w, w.types, secrecy=Secrecy.NONE)
    with pytest.raises(ValidationError, match="đã ban hành"):
        services.export_edxml(w.user("k01_commander"), draft)


# ---- the command -------------------------------------------------------------------------------------


def run(*argv: str) -> int:
    """The command as the shell runs it (exit code, one line). `run_from_argv` closes every connection
    when it ends, which on PostgreSQL is the test's own transaction: kept open here."""
    try:
        with mock.patch("django.core.management.base.connections.close_all"):
            ManagementUtility(["canhve", "edxml", *argv]).execute()
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def test_the_command_imports_with_one_line(w, capsys):
    path = EDXML_SAMPLES / "9e272474-0603-48a2-b525-9cd1af689612.edxml"
    assert run("import", str(path), "--agency", "K01-TM", "--user", "k01_officer") == 0
    out = capsys.readouterr().out.strip().splitlines()
    record = IncomingDocument.objects.get(document_id="efa170d6-eca4-47e1-aef7-a6dafce24e9e")
    assert out == [out[0]] and out[0].startswith(f"imported #{record.pk} ")
    assert AuditEntry.objects.filter(object_id=str(record.pk), via="cli", action=AuditAction.CREATE).exists()
    assert record.received_by == w.user("k01_officer")


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (
            ["import", str(EDXML_SAMPLES / "edoc_new.edxml"), "--agency", "K01-TM"],
            "before the XML declaration",
        ),
        (["import", str(EDXML_SAMPLES / "edoc.edxml"), "--agency", "K01-TM"], "not well-formed"),
        (["import", "/nonexistent.edxml", "--agency", "K01-TM"], "Không có tệp"),
        (["import", str(EDXML_SAMPLES / "status.edxml"), "--agency", "NOPE"], "Không có đơn vị"),
        (
            ["import", str(EDXML_SAMPLES / "status.edxml"), "--agency", "K01-TM", "--user", "th_liaison"],
            "không có quyền",
        ),
    ],
)
def test_the_command_refuses_with_one_line_and_stores_nothing(w, capsys, argv, reason):
    before = counts()
    assert run(*argv) != 0
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and reason in err[0] and "Traceback" not in captured.err
    assert counts() == before


def test_the_command_exports_an_open_document_and_refuses_a_secret_one(w, open_issued, tmp_path, capsys):
    out = tmp_path / "out.edxml"
    assert run("export", str(open_issued.pk), "--out", str(out), "--to", "CATH") == 0
    assert capsys.readouterr().out.strip().startswith(f"exported #{open_issued.pk} ")
    package = edxml.parse(out.read_bytes())
    assert isinstance(package, edxml.Package) and package.envelope.subject == open_issued.summary
    secret = tmp_path / "secret.edxml"
    assert run("export", str(w.issued.pk), "--out", str(secret)) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "không có trường độ mật" in err[0]
    assert not secret.exists()
