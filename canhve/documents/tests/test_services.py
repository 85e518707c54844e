import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document as Docx
from docx.shared import Mm

from canhve.core.models import AuditAction, AuditEntry
from canhve.core.secrecy import Secrecy
from canhve.documents import services
from canhve.documents.models import Document, DocumentStatus, FileKind

from .conftest import issue, make_draft


def _number(world, doc, day):
    chief = world.user("k01_commander")
    doc = services.sign_document(acting_user=chief, document=doc)
    return services.number_document(acting_user=chief, document=doc, today=day)


def test_numbers_run_per_agency_and_type_and_restart_each_year(world, types):
    d = dt.date(2025, 12, 30)
    kh = [_number(world, make_draft(world, types), d).number for _ in range(3)]
    bc = _number(world, make_draft(world, types, code="BC"), d).number
    other_agency = _number(world, make_draft(world, types, owner="K01", user="k01_commander"), d).number
    new_year = _number(world, make_draft(world, types), dt.date(2026, 1, 2))
    assert kh == [1, 2, 3] and bc == 1 and other_agency == 1
    assert new_year.number == 1 and new_year.year == 2026
    assert new_year.number_symbol == "Số: 01/KH-K01-TM"
    assert new_year.issued_on == dt.date(2026, 1, 2)


def test_a_failed_numbering_gives_its_number_back(world, types):
    from django.db import transaction

    d = dt.date(2025, 3, 1)
    doc = services.sign_document(acting_user=world.user("k01_commander"), document=make_draft(world, types))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.number_document(acting_user=world.user("k01_commander"), document=doc, today=d)
        raise RuntimeError("crash after numbering")
    assert _number(world, make_draft(world, types), d).number == 1


def test_only_a_commander_signs_and_a_planner_numbers(world, types):
    doc = make_draft(world, types)
    with pytest.raises(PermissionDenied):
        services.sign_document(acting_user=world.user("k01_officer"), document=doc)
    doc = services.sign_document(acting_user=world.user("k01_commander"), document=doc)
    with pytest.raises(PermissionDenied):
        services.number_document(acting_user=world.user("th_liaison"), document=doc)
    with pytest.raises(ValidationError):  # skipping a step
        services.issue_document(acting_user=world.user("k01_commander"), document=doc)
    doc = services.number_document(acting_user=world.user("k01_officer"), document=doc)
    assert doc.status == DocumentStatus.NUMBERED and doc.signer == world.user("k01_commander")


def test_nobody_drafts_above_their_clearance(world, types):
    with pytest.raises(ValidationError) as e:
        make_draft(world, types, secrecy=Secrecy.TUYET_MAT)
    assert "secrecy" in e.value.message_dict


def test_an_issued_document_is_immutable_and_corrected_by_a_new_one(world, types, signing):
    doc = issue(world, make_draft(world, types))
    with pytest.raises(ValidationError):
        services.update_document(acting_user=world.user("k01_officer"), document=doc, summary="khác")
    doc.summary = "sửa lén"
    with pytest.raises(ValidationError):
        doc.save()  # even below the services
    doc.refresh_from_db()
    correction = services.create_correction(acting_user=world.user("k01_officer"), original=doc)
    assert correction.corrects == doc and correction.status == DocumentStatus.DRAFT
    assert correction.summary.startswith("Đính chính 01/KH-K01-TM")
    archived = services.archive_document(acting_user=world.user("k01_officer"), document=doc)
    assert archived.status == DocumentStatus.ARCHIVED


def test_issuing_signs_with_signer_and_agency_and_an_altered_byte_fails(world, types, signing):
    doc = issue(world, make_draft(world, types))
    pdf = bytes(doc.files.get(kind=FileKind.SIGNED_PDF).data)
    report = services.verify_upload(acting_user=world.user("auditor"), data=pdf)
    assert report.ok
    assert [s.signer_common_name for s in report.signatures] == ["k01_commander", "K01-TM"]
    i = len(pdf) // 3  # inside the first revision, which both signatures cover
    altered = pdf[:i] + bytes([pdf[i] ^ 0x01]) + pdf[i + 1 :]
    assert not services.verify_upload(acting_user=world.user("auditor"), data=altered).ok
    unsigned = services.render_file(document=make_draft(world, types), kind=FileKind.PDF)
    assert not services.verify_upload(acting_user=world.user("auditor"), data=bytes(unsigned.data)).ok


def test_issuing_without_a_certificate_is_refused(world, types):
    doc = _number(world, make_draft(world, types), dt.date(2025, 5, 5))
    with pytest.raises(ValidationError) as e:
        services.issue_document(acting_user=world.user("k01_commander"), document=doc)
    assert "signer" in e.value.message_dict
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.NUMBERED


def test_the_docx_follows_decree_30(world, types, signing):
    doc = issue(world, make_draft(world, types, urgency=1))
    file = services.download_file(acting_user=world.user("k01_officer"), document=doc, kind=FileKind.DOCX)
    d = Docx(io.BytesIO(bytes(file.data)))
    s = d.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(1) and abs(s.page_height - Mm(297)) < Mm(1)
    assert Mm(20) - Mm(0.5) <= s.top_margin <= Mm(25) + Mm(0.5)
    assert Mm(30) - Mm(0.5) <= s.left_margin <= Mm(35) + Mm(0.5)
    assert Mm(15) - Mm(0.5) <= s.right_margin <= Mm(20) + Mm(0.5)
    assert d.styles["Normal"].font.name == "Times New Roman"
    texts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    joined = "\n".join(texts)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/KH-K01-TM",
        "KẾ HOẠCH",
        "Nơi nhận:",
        "- Công an tỉnh Thanh Hóa;",
        "- Lưu: VT, TM.",
        "MẬT",
        "KHẨN",
        "KT. TƯ LỆNH",
    ):
        assert expected in joined, expected


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler")
def test_the_pdf_puts_the_agency_left_and_the_national_title_right(world, types, tmp_path):
    file = services.render_file(document=make_draft(world, types), kind=FileKind.PDF)
    (tmp_path / "d.pdf").write_bytes(bytes(file.data))
    subprocess.run(
        ["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-gray", str(tmp_path / "d.pdf"), str(tmp_path / "p")],
        check=True,
    )
    from PIL import Image

    png = next(tmp_path.glob("p*.pgm"))
    img = Image.open(png)
    w, h = img.size

    def ink(box):
        return sum(1 for v in img.crop(box).getdata() if v < 128)

    top = int(h * 0.12)
    assert ink((int(w * 0.14), 0, int(w * 0.45), top)) > 50  # agency block, left of the text area
    assert ink((int(w * 0.5), 0, int(w * 0.92), top)) > 50  # national title and motto, right
    assert ink((0, 0, int(w * 0.12), h)) == 0  # the 30 mm left margin stays blank
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(tmp_path / "d.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words = [
        (
            float(ln.split('xMin="')[1].split('"')[0]),
            float(ln.split('yMin="')[1].split('"')[0]),
            ln.split(">")[1].split("<")[0],
        )
        for ln in bbox.splitlines()
        if "<word " in ln
    ]
    title = next(w for w in words if w[2] == "CỘNG")
    agency = next(w for w in words if w[2] == "ĐƠN")  # "ĐƠN VỊ K01-TM", the issuing agency in caps
    number = next(w for w in words if w[2] == "Số:")
    page_width = 595.0
    assert title[0] > page_width * 0.45 and title[1] < 100  # right column, top of the page
    assert agency[0] < page_width * 0.45 and agency[1] < 100  # left column
    assert number[0] < page_width * 0.45 and number[1] > agency[1]  # number line under the agency


def test_every_download_is_audited_as_an_export(world, types):
    doc = make_draft(world, types)
    before = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(doc.pk)).count()
    services.download_file(acting_user=world.user("k01_officer"), document=doc, kind=FileKind.DOCX)
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(doc.pk)).count() == before + 1


def test_credentials_need_an_administrator_and_a_valid_file(world, types, demo_ca):
    seal = demo_ca.seal("K01")
    with pytest.raises(PermissionDenied):
        services.upload_credential(
            acting_user=world.user("k01_commander"),
            agency=world.agencies["K01"],
            kind="seal",
            pkcs12=seal.pkcs12,
            passphrase=seal.passphrase,
        )


def test_a_plan_version_becomes_a_kh_draft_with_its_operation_s_scope(world, types, docs_world):
    from canhve.documents.builders import operation_statistics

    plan = docs_world.plan
    doc = services.create_plan_document(
        acting_user=world.user("k01_officer"), plan=plan, operation=plan.operation
    )
    assert (
        doc.doc_type.code == "KH"
        and doc.secrecy == Secrecy.MAT
        and doc.owner_agency == world.agencies["K01-TM"]
    )
    assert list(doc.shared_with_agencies.all()) == [world.agencies["CATH"]]
    texts = [b.get("text", "") for b in doc.content]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in texts and "Bảo đảm tuyệt đối an toàn" in texts
    assert "VIII. PHƯƠNG ÁN XỬ LÝ TÌNH HUỐNG" in texts and "VI. THÔNG TIN LIÊN LẠC" in texts
    assert doc.source == f"operations.PlanVersion:{plan.pk}"
    services.render_file(document=doc, kind=FileKind.DOCX)
    stats = operation_statistics(year=2026, user=world.user("k01_officer"))
    assert any(b.get("text") == "Tổng số nhiệm vụ cảnh vệ trong năm: 1." for b in stats)
    assert operation_statistics(year=2026, user=world.user("ct_outsider"))[1]["text"].endswith(": 0.")


def test_the_route_map_draws_primary_and_alternate(world):
    from canhve.documents.builders import route_map

    png = route_map([([[105.8, 21.0], [105.85, 21.03]], True), ([[105.8, 21.0], [105.82, 21.04]], False)])
    assert png.startswith(b"\x89PNG")
