import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from canhve.engines.documents.pdf_render import render_pdf
from canhve.engines.documents.signing import (
    Appearance,
    LaterChanges,
    SigningError,
    sign_pdf,
    verify_pdf,
)

from .conftest import AGENCY, SIGNER


@pytest.fixture(scope="module")
def rendered(plan):
    return render_pdf(plan)


@pytest.fixture(scope="module")
def signed(rendered, demo_ca):
    person = demo_ca.signer(SIGNER)
    return sign_pdf(
        rendered.data,
        person.pkcs12,
        person.passphrase,
        field_name="NguoiKy",
        box=rendered.signature_box,
        reason="Phê duyệt kế hoạch",
        location="Hà Nội",
    )


@pytest.fixture(scope="module")
def sealed(signed, rendered, demo_ca):
    seal = demo_ca.seal(AGENCY)
    box = rendered.signature_box.seal_box()
    return sign_pdf(
        signed, seal.pkcs12, seal.passphrase, field_name="CoQuan", box=box, appearance=Appearance.SEAL
    )


def test_a_signed_pdf_verifies_as_intact_trusted_and_complete(signed, demo_ca):
    report = verify_pdf(signed, [demo_ca.root_pem])
    assert report.ok
    (sig,) = report.signatures
    assert sig.signer_common_name == SIGNER
    assert sig.signer_organization == AGENCY
    assert sig.intact and sig.valid and sig.trusted and sig.covers_whole_document
    assert sig.later_changes is LaterChanges.NONE
    assert sig.signing_time is not None


def test_the_agency_seal_is_a_second_signature_that_keeps_the_first_valid(sealed, demo_ca):
    report = verify_pdf(sealed, [demo_ca.root_pem])
    assert report.ok
    first, second = report.signatures
    assert (first.signer_common_name, second.signer_common_name) == (SIGNER, AGENCY)
    assert not first.covers_whole_document
    assert first.later_changes is LaterChanges.SIGNATURES
    assert second.covers_whole_document


def test_an_altered_byte_fails_verification(signed, demo_ca):
    # Same length, inside the signed range, still a parseable PDF: only the digest can catch it.
    altered = signed.replace(b"ReportLab PDF Library", b"ReportLab PDF Librarx", 1)
    assert altered != signed
    report = verify_pdf(altered, [demo_ca.root_pem])
    assert not report.ok
    assert not report.signatures[0].intact


def test_a_change_appended_after_signing_is_reported(signed, demo_ca):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), [demo_ca.root_pem])
    (sig,) = report.signatures
    assert sig.intact  # the signed revision itself is untouched ...
    assert not sig.covers_whole_document
    assert sig.later_changes is LaterChanges.OTHER  # ... but what follows is not a signature
    assert not report.ok


def test_a_signature_from_another_root_is_not_trusted(signed):
    from canhve.engines.documents.demo_ca import make_demo_ca

    stranger = make_demo_ca(["X"], [])
    report = verify_pdf(signed, [stranger.root_pem])
    assert report.signatures[0].intact
    assert not report.signatures[0].trusted
    assert not report.ok


def test_roots_are_accepted_as_der_too(signed, demo_ca):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = x509.load_pem_x509_certificate(demo_ca.root_pem).public_bytes(Encoding.DER)
    assert verify_pdf(signed, [der]).ok


def test_a_wrong_passphrase_is_a_signing_error(rendered, demo_ca):
    person = demo_ca.signer(SIGNER)
    with pytest.raises(SigningError, match="PKCS#12"):
        sign_pdf(rendered.data, person.pkcs12, b"wrong", field_name="X", box=rendered.signature_box)


def test_an_unsigned_or_broken_pdf_does_not_verify(rendered, demo_ca):
    assert verify_pdf(rendered.data, [demo_ca.root_pem]).signatures == ()
    assert not verify_pdf(rendered.data, [demo_ca.root_pem]).ok
    broken = verify_pdf(b"%PDF-1.4 not really", [demo_ca.root_pem])
    assert broken.error and not broken.ok
