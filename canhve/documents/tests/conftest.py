from pathlib import Path

import pytest

from canhve.accounts.models import Membership, Role, User
from canhve.core.jobs import enqueue, run_pending
from canhve.core.secrecy import Secrecy
from canhve.documents import services
from canhve.documents.apps import DocumentsConfig
from canhve.documents.models import CredentialKind, DocumentType, TrustRoot
from canhve.engines.documents import make_demo_ca

EDXML_SAMPLES = Path(__file__).resolve().parents[3] / "data" / "edxml"
# A 2025 gateway package: unsigned, one PDF attachment.
EDXML_SAMPLE = (EDXML_SAMPLES / "874e0f18-90dc-45fb-989a-65401470ba84.edxml").read_bytes()


@pytest.fixture(scope="session")
def demo_ca():
    return make_demo_ca(["K01", "K01-TM"], [("K01", "k01_commander", "Phó Tư lệnh")], root_name="test root")


@pytest.fixture
def types(db):
    DocumentsConfig.load_reference(None)  # type: ignore[arg-type]
    return {t.code: t for t in DocumentType.objects.all()}


def make_draft(world, types, *, owner="K01-TM", code="KH", secrecy=Secrecy.MAT, user="k01_officer", **kw):
    defaults = {
        "summary": "Bảo đảm an ninh, an toàn đoàn khách (giả định)",
        "signer_title": "Phó Tư lệnh",
        "signer_name": "Trần Văn Thử",
        "signing_authority": "KT.",
        "authority_of": "Tư lệnh",
        "recipients": "Công an tỉnh Thanh Hóa\nPhòng Tham mưu",
        "archive_line": "Lưu: VT, TM.",
        "content": [
            {"type": "heading", "level": 1, "text": "I. MỤC ĐÍCH, YÊU CẦU"},
            {"type": "paragraph", "text": "Bảo đảm tuyệt đối an toàn."},
        ],
    }
    defaults.update(kw)
    return services.create_document(
        acting_user=world.user(user),
        owner_agency=world.agencies[owner],
        doc_type=types[code],
        secrecy=secrecy,
        **defaults,
    )


@pytest.fixture
def signing(world, demo_ca):
    """The demo CA's credentials loaded by an administrator: the commander's and both agencies' seals."""
    admin = User.objects.create_user(username="admin_docs", password="x-test-pass-1234", clearance=3)
    Membership.objects.create(user=admin, agency=world.agencies["BCA"], role=Role.ADMINISTRATOR)
    TrustRoot.objects.create(name="test root", pem=demo_ca.root_pem.decode())
    for code in ("K01", "K01-TM"):
        seal = demo_ca.seal(code)
        services.upload_credential(
            acting_user=admin,
            agency=world.agencies[code],
            kind=CredentialKind.SEAL,
            pkcs12=seal.pkcs12,
            passphrase=seal.passphrase,
        )
    cred = demo_ca.signer("k01_commander")
    services.upload_credential(
        acting_user=admin,
        agency=world.agencies["K01"],
        kind=CredentialKind.SIGNER,
        user=world.user("k01_commander"),
        pkcs12=cred.pkcs12,
        passphrase=cred.passphrase,
    )
    return admin


def issue(world, doc):
    chief = world.user("k01_commander")
    doc = services.sign_document(acting_user=chief, document=doc)
    doc = services.number_document(acting_user=chief, document=doc)
    return services.issue_document(acting_user=chief, document=doc)


@pytest.fixture
def docs_world(world, types, signing):
    world.types = types
    world.draft = make_draft(world, types, shared_with=[world.agencies["CATH"]])
    world.top_secret = make_draft(
        world,
        types,
        owner="K01",
        secrecy=Secrecy.TUYET_MAT,
        user="k01_commander",
        summary="Phương án Tuyệt mật (giả định)",
    )
    world.issued = issue(
        world,
        make_draft(
            world, types, shared_with=[world.agencies["CATH"]], summary="Kế hoạch đã ban hành (giả định)"
        ),
    )
    world.job = enqueue(
        "documents.render",
        params={"document_id": world.draft.pk, "kind": "docx", "user_id": world.user("k01_officer").pk},
        user=world.user("k01_officer"),
    )
    run_pending()
    world.plan = make_plan(world)
    world.incoming = services.import_edxml(world.user("k01_officer"), world.agencies["K01-TM"], EDXML_SAMPLE)
    return world


def make_plan(world):
    """An operation of K01-TM shared with CATH, with one plan version, a stop pair, a movement and routes."""
    import datetime as dt

    from django.utils import timezone

    from canhve.operations.models import Operation, PlanVersion

    start = timezone.make_aware(dt.datetime(2026, 3, 2, 8, 0))
    op = Operation.objects.create(
        code="NV-T-01",
        name="đoàn khách quốc tế (giả định)",
        kind="delegation",
        starts_at=start,
        ends_at=start + dt.timedelta(days=1),
        owner_agency=world.agencies["K01-TM"],
        secrecy=Secrecy.MAT,
    )
    op.shared_with_agencies.set([world.agencies["CATH"]])
    return PlanVersion.objects.create(
        operation=op,
        number=1,
        objectives="Bảo đảm tuyệt đối an toàn\nKhông để xảy ra sơ hở",
        organisation="Phòng Tham mưu chủ trì",
        communications="Kênh vô tuyến K01-TC",
    )
