"""Demo data: a demo certificate authority for the K01 agencies, and documents in every state,
among them an issued, digitally signed protection plan (KH) and an after-action report (BC).
Fictional content only; idempotent (looked up by owner and summary)."""

from __future__ import annotations

from typing import Any

from canhve.core.secrecy import Secrecy
from canhve.engines.documents import make_demo_ca

from . import builders, services
from .domain import parse_markup
from .models import CredentialKind, Document, DocumentType, SigningCredential, Template, TrustRoot

DEMO_ROOT = "canhve Demo Root CA"
CA_AGENCIES = ("K01", "K01-TM", "CAHN", "CATH")
SIGNERS = (("K01", "k01.chihuy"), ("CAHN", "hn.kehoach"))

PLAN_BODY = """# II. TÌNH HÌNH, ĐẶC ĐIỂM
Đoàn khách quốc tế (giả định) thăm và làm việc tại Hà Nội trong 02 ngày.
Hoạt động gồm lễ đón chính thức, hội đàm và thăm một di tích; tình hình an ninh, trật tự ổn định.
# III. LỊCH TRÌNH
| Thời gian | Hoạt động | Địa điểm |
| 08:00 ngày 1 | Lễ đón chính thức | Địa điểm A (giả định) |
| 10:00 ngày 1 | Hội đàm | Địa điểm B (giả định) |
| 15:00 ngày 2 | Thăm di tích | Địa điểm C (giả định) |
# IV. NHIỆM VỤ CỦA CÁC ĐƠN VỊ
## 1. Phòng Tham mưu
Chủ trì xây dựng kế hoạch, tổ chức khảo sát tuyến chính và tuyến dự phòng vào đúng khung giờ di chuyển.
## 2. Phòng Bảo vệ tiếp cận
Bố trí lực lượng bảo vệ tiếp cận; phối hợp kiểm tra an ninh, an toàn khu vực trước giờ đón tiếp 12 giờ.
## 3. Công an thành phố Hà Nội
Phân luồng, tạm dừng giao thông trên tuyến; bố trí lực lượng tuần tra, canh gác tại các điểm dừng, nghỉ.
# V. PHƯƠNG ÁN XỬ LÝ TÌNH HUỐNG
- Tấn công đoàn xe: chuyển sang tuyến dự phòng, đưa đối tượng về nơi trú ẩn an toàn gần nhất;
- Cấp cứu y tế: đưa đến bệnh viện đã xác định, thời gian di chuyển dưới 15 phút;
- Cháy, đe dọa bom: sơ tán theo lối thoát đã khảo sát, phối hợp Binh chủng Công binh kiểm tra;
- Hỏng xe: dùng xe dự phòng đi sau đoàn.
# VI. TỔ CHỨC THỰC HIỆN
Các đơn vị triển khai thực hiện, báo cáo kết quả về Bộ Tư lệnh sau khi kết thúc nhiệm vụ."""


def seed_credentials(ctx: Any) -> None:
    if (
        TrustRoot.objects.filter(name=DEMO_ROOT).exists()
        and SigningCredential.objects.filter(is_demo=True).exists()
    ):
        return
    people = [(code, ctx.users[u].full_name, ctx.users[u].title) for code, u in SIGNERS]
    ca = make_demo_ca(CA_AGENCIES, people, root_name=DEMO_ROOT)
    TrustRoot.objects.update_or_create(
        name=DEMO_ROOT, defaults={"pem": ca.root_pem.decode(), "is_demo": True}
    )
    admin = ctx.users["quantri"]
    for code in CA_AGENCIES:
        seal = ca.seal(code)
        services.upload_credential(
            acting_user=admin,
            agency=ctx.agencies[code],
            kind=CredentialKind.SEAL,
            pkcs12=seal.pkcs12,
            passphrase=seal.passphrase,
            is_demo=True,
        )
    for code, username in SIGNERS:
        cred = ca.signer(ctx.users[username].full_name)
        services.upload_credential(
            acting_user=admin,
            agency=ctx.agencies[code],
            kind=CredentialKind.SIGNER,
            user=ctx.users[username],
            pkcs12=cred.pkcs12,
            passphrase=cred.passphrase,
            is_demo=True,
        )


def _doc(ctx: Any, *, owner: str, type_code: str, summary: str, **kw: Any) -> tuple[Document, bool]:
    existing = Document.objects.filter(owner_agency=ctx.agencies[owner], summary=summary).first()
    if existing is not None:
        return existing, False
    defaults = {
        "signer_title": "Phó Tư lệnh",
        "signer_name": ctx.users["k01.chihuy"].full_name,
        "signing_authority": "KT.",
        "authority_of": "Tư lệnh",
    }
    defaults.update(kw)
    doc = services.create_document(
        acting_user=ctx.users["k01.chihuy"],
        owner_agency=ctx.agencies[owner],
        doc_type=DocumentType.objects.get(code=type_code),
        summary=summary,
        **defaults,
    )
    return doc, True


def _issue(ctx: Any, doc: Document) -> None:
    chief = ctx.users["k01.chihuy"]
    doc = services.sign_document(acting_user=chief, document=doc)
    doc = services.number_document(acting_user=chief, document=doc)
    services.issue_document(acting_user=chief, document=doc)


def seed_documents(ctx: Any) -> None:
    seed_credentials(ctx)
    a = ctx.agencies
    recipients = (
        "Lãnh đạo Bộ Công an (để báo cáo)\nCông an thành phố Hà Nội\nBinh chủng Công binh\nPhòng Tham mưu"
    )
    summary, blocks, attachments = builders.protection_plan_from_text(
        protectee="đoàn khách quốc tế thăm Việt Nam (diễn tập giả định)",
        objectives="Bảo đảm tuyệt đối an toàn cho đối tượng cảnh vệ trong suốt thời gian hoạt động "
        "tại Hà Nội\n"
        "Phát hiện, ngăn chặn kịp thời mọi âm mưu, hoạt động xâm hại",
        body=PLAN_BODY,
    )
    plan, new = _doc(
        ctx,
        owner="K01",
        type_code="KH",
        summary=summary,
        template=Template.PLAN,
        secrecy=Secrecy.MAT,
        urgency=1,
        recipients=recipients,
        archive_line="Lưu: VT, TM.",
        content=blocks,
        attachments=attachments,
        shared_with=[a["CAHN"]],
    )
    if new:
        _issue(ctx, plan)

    summary, blocks, _ = builders.after_action_report(
        operation="bảo vệ hội nghị quốc tế (diễn tập giả định)",
        period="tháng 3/2026",
        objectives="Bảo đảm tuyệt đối an toàn cho các đoàn đại biểu: đạt\nKhông để xảy ra sự cố an ninh: đạt",
        strengths="Khảo sát tuyến và điểm dừng nghỉ đầy đủ, đúng khung giờ\n"
        "Phối hợp với Công an thành phố chặt chẽ",
        improvements="Thông tin liên lạc tại tầng hầm còn gián đoạn\n"
        "Thời gian kiểm tra an ninh khu vực B chậm 20 phút",
        actions="Bổ sung trạm lặp vô tuyến tầng hầm | Phòng Kỹ thuật nghiệp vụ | 30/6/2026\n"
        "Điều chỉnh quy trình kiểm tra khu vực B | Phòng Tham mưu | 15/5/2026",
    )
    report, new = _doc(
        ctx,
        owner="K01",
        type_code="BC",
        summary=summary,
        template=Template.AFTER_ACTION,
        secrecy=Secrecy.MAT,
        recipients="Lãnh đạo Bộ Công an (để báo cáo)\nCác phòng thuộc Bộ Tư lệnh",
        content=blocks,
    )
    if new:
        _issue(ctx, report)

    _doc(
        ctx,
        owner="K01",
        type_code="KH",
        summary="Phương án bảo vệ sự kiện đặc biệt quan trọng (giả định)",
        template=Template.PLAN,
        secrecy=Secrecy.TUYET_MAT,
        urgency=3,
        content=parse_markup(
            "# I. MỤC ĐÍCH, YÊU CẦU\nNội dung Tuyệt mật giả định: chỉ người có mức tiếp cận "
            "Tuyệt mật thuộc Bộ Tư lệnh được xem."
        ),
    )
    summary, blocks, _ = builders.regulation(
        parties="Bộ Tư lệnh Cảnh vệ và Công an tỉnh Thanh Hóa (dự thảo giả định)",
        chapters="Chương I. Quy định chung\nĐiều. Phạm vi điều chỉnh\nQuy chế này quy định "
        "nguyên tắc, nội dung, "
        "hình thức phối hợp trong công tác cảnh vệ trên địa bàn tỉnh.\nĐiều. Nguyên tắc phối hợp\n"
        "Phối hợp chặt chẽ, thường xuyên; bảo vệ bí mật nhà nước theo quy định.\nChương II. Nội dung "
        "phối hợp\nĐiều. Trao đổi thông tin\nHai bên trao đổi thông tin phục vụ nhiệm vụ cảnh vệ theo "
        "nguyên tắc cần biết.\nĐiều. Huấn luyện, diễn tập\nHằng năm phối hợp tổ chức hội nghị tập huấn.",
    )
    _doc(
        ctx,
        owner="K01",
        type_code="QC",
        summary=summary,
        template=Template.REGULATION,
        secrecy=Secrecy.NONE,
        signing_authority="",
        authority_of="",
        signer_title="Tư lệnh",
        content=blocks,
        shared_with=[a["CATH"]],
    )
