"""Every gateway sample in data/edxml is read, or refused for the reason its content gives."""

from __future__ import annotations

import base64
import re

import pytest

from canhve.engines.edxml import (
    BusinessDocType,
    NotWellFormed,
    Outcome,
    Package,
    Status,
    StatusCode,
    build,
    parse,
    verify,
)

from .conftest import SAMPLES, Credential, sample

DOCUMENTS = [
    "852e179c-8eca-4502-ac38-0b97321f29c3.edxml",
    "874e0f18-90dc-45fb-989a-65401470ba84.edxml",
    "9e272474-0603-48a2-b525-9cd1af689612.edxml",
    "edoc_replacement.edxml",
    "edoc_revocation.edxml",
    "edoc_update.edxml",
]
STATUSES = [
    "status.edxml",
    "status_acceptance_03.edxml",
    "status_assignment_04.edxml",
    "status_cancellation_13.edxml",
    "status_change-acceptance_15.edxml",
    "status_change-rejection_16.edxml",
    "status_finish_06.edxml",
    "status_inbox_01.edxml",
    "status_processing_05.edxml",
    "status_rejection_02.edxml",
]
# Not well-formed XML, so no e-office system could have read them either: the parser's own verdict.
REFUSED = {
    # An undeclared `xlink:` prefix on the manifest's Reference (and a JMeter `${__StringFromFile…}`
    # placeholder where the attachment's base64 should be).
    "edoc.edxml": (NotWellFormed, "Namespace prefix xlink"),
    # "1212" before the XML declaration.
    "edoc_new.edxml": (NotWellFormed, "'1212'"),
}


def _leaf_texts(data: bytes, local: str) -> list[str]:
    """An element's texts found by a regular expression: a reading independent of the parser."""
    pattern = rf"<(?:edXML:)?{local}(?:\s[^>]*)?>([^<]*)</(?:edXML:)?{local}>"
    return re.findall(pattern, data.decode("utf-8"))


def test_every_sample_is_classified() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.edxml")) == sorted([*DOCUMENTS, *STATUSES, *REFUSED])


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_it_refuses_the_malformed_samples_naming_the_fault(name: str) -> None:
    kind, fragment = REFUSED[name]
    with pytest.raises(kind, match=re.escape(fragment)):
        parse(sample(name))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_it_reads_each_document_sample(name: str) -> None:
    data = sample(name)
    package = parse(data)
    assert isinstance(package, Package)
    head = package.envelope
    assert head.subject == _leaf_texts(data, "Subject")[0]
    assert head.document_id == _leaf_texts(data, "DocumentId")[0]
    assert head.code.number == _leaf_texts(data, "CodeNumber")[0]
    assert head.code.notation == _leaf_texts(data, "CodeNotation")[0]
    assert [r.organ_id for r in head.recipients] == _leaf_texts(data, "OrganId")[1 : 1 + len(head.recipients)]
    assert len(head.recipients) == data.count(b"<edXML:To>")
    assert head.to_places == tuple(_leaf_texts(data, "Place")[1:])  # the first Place is PromulgationInfo's
    assert package.unrecognised == ()  # every element of the samples is modelled
    encoded = _leaf_texts(data, "ContentTransferEncoded")
    assert [a.data for a in package.attachments] == [base64.b64decode("".join(e.split())) for e in encoded]
    assert [a.content_id for a in package.attachments] == [m.content_id for m in package.manifest]


@pytest.mark.parametrize("name", STATUSES)
def test_it_reads_each_status_sample(name: str) -> None:
    data = sample(name)
    status = parse(data)
    assert isinstance(status, Status)
    assert status.code == _leaf_texts(data, "StatusCode")[0]
    assert status.known_code is not None
    suffix = re.search(r"_(\d{2})\.edxml$", name)
    if suffix:  # the file names carry the code
        assert status.code == suffix.group(1)
    assert status.description == _leaf_texts(data, "Description")[0]
    assert status.response_for.document_id == _leaf_texts(data, "DocumentId")[0]
    assert status.timestamp.strftime("%Y/%m/%d %H:%M:%S") == _leaf_texts(data, "Timestamp")[0]


def test_it_reads_what_a_revocation_update_and_replacement_act_on() -> None:
    revocation = parse(sample("edoc_revocation.edxml"))
    update = parse(sample("edoc_update.edxml"))
    replacement = parse(sample("edoc_replacement.edxml"))
    new = parse(sample("852e179c-8eca-4502-ac38-0b97321f29c3.edxml"))
    assert isinstance(revocation, Package) and isinstance(update, Package)
    assert isinstance(replacement, Package) and isinstance(new, Package)
    assert revocation.envelope.business is not None
    assert revocation.envelope.business.doc_type is BusinessDocType.REVOCATION
    # No Bussiness/DocumentId: the revocation restates the revoked document's header.
    assert revocation.envelope.earlier_document_ids() == (revocation.envelope.document_id,)
    assert update.envelope.business is not None and update.envelope.business.document_info is not None
    assert update.envelope.business.doc_type is BusinessDocType.UPDATE
    assert [r.organ_id for r in update.envelope.business.document_info.receivers] == [
        "000.00.00.H41",
        "000.00.00.H14",
    ]
    assert replacement.envelope.business is not None
    assert replacement.envelope.business.doc_type is BusinessDocType.REPLACEMENT
    assert replacement.envelope.earlier_document_ids() == ("000.00.00.G22,2014/01/30,7806/VPCP-TTĐT",)
    assert replacement.envelope.business.replacements[0].organ_ids == ("000.00.00.H41", "000.00.00.H14")
    assert new.envelope.earlier_document_ids() == ()


def test_it_keeps_the_quirks_of_the_2025_gateway_verbatim() -> None:
    package = parse(sample("874e0f18-90dc-45fb-989a-65401470ba84.edxml"))
    assert isinstance(package, Package)
    assert package.envelope.sender.organ_name is None  # no OrganName at all
    assert [hop.organ_id for hop in package.envelope.trace] == ["null", None]
    # The manifest and the attachment agree on PDF, yet the bytes are a zip archive: kept as sent.
    assert package.manifest[0].content_type == package.attachments[0].content_type == "application/pdf"
    assert package.attachments[0].data.startswith(b"PK\x03\x04")


@pytest.mark.parametrize("name", DOCUMENTS + STATUSES)
def test_a_built_sample_reads_back_equal(name: str) -> None:
    message = parse(sample(name))
    assert parse(build(message)) == message


@pytest.mark.parametrize("name", DOCUMENTS + STATUSES)
def test_a_signed_built_sample_reads_back_equal_and_verifies(name: str, agency: Credential) -> None:
    message = parse(sample(name))
    signed = build(message, signing_key=agency.key, certificate=agency.certificate)
    assert parse(signed) == message
    assert verify(signed, [agency.certificate]).outcome is Outcome.VALID


@pytest.mark.parametrize("name", DOCUMENTS + STATUSES)
def test_the_samples_signatures_are_unsigned_or_unverifiable(name: str, agency: Credential) -> None:
    data = sample(name)
    verification = verify(data, [agency.certificate])
    expected = Outcome.UNVERIFIABLE if b"<Signature" in data else Outcome.UNSIGNED
    assert verification.outcome is expected, verification.reason


def test_an_illustrative_signature_moved_into_the_xmldsig_namespace_is_still_unverifiable() -> None:
    """852e… carries a real (expired) VNPT-CA certificate over a digest of nothing in particular;
    even when that certificate is trusted, checking it must report, not crash."""
    data = sample("852e179c-8eca-4502-ac38-0b97321f29c3.edxml").replace(
        b"<Signature>", b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">'
    )
    untrusted = verify(data, [])
    assert untrusted.outcome is Outcome.UNVERIFIABLE and "not a trusted" in untrusted.reason
    from cryptography import x509

    certificate = x509.load_der_x509_certificate(base64.b64decode(_leaf_texts(data, "X509Certificate")[0]))
    trusted = verify(data, [certificate])
    assert trusted.outcome in (Outcome.UNVERIFIABLE, Outcome.INVALID)
    assert trusted.outcome is not Outcome.VALID


def test_a_truncated_certificate_from_the_samples_is_unverifiable(agency: Credential) -> None:
    truncated = _leaf_texts(sample("edoc_update.edxml"), "X509Certificate")[0]  # "MIIFqTCCBJG"
    signed = build(parse(sample("edoc_update.edxml")), signing_key=agency.key, certificate=agency.certificate)
    good = _leaf_texts(signed, "ds:X509Certificate")[0]
    broken = signed.replace(good.encode(), truncated.encode())
    verification = verify(broken, [agency.certificate])
    assert verification.outcome is Outcome.UNVERIFIABLE
    assert "cannot be read" in verification.reason


def test_the_status_code_names_cover_the_samples() -> None:
    codes = {parse(sample(name)).code for name in STATUSES}  # type: ignore[union-attr]
    assert codes == {code.value for code in StatusCode}
