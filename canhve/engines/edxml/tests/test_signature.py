"""XML-DSig: a package signed by `build` verifies; any change after signing does not."""

from __future__ import annotations

import dataclasses

import pytest
from lxml import etree

from canhve.engines.edxml import Outcome, Package, build, parse, verify
from canhve.engines.edxml.signature import DSIG

from .conftest import Credential, sample


@pytest.fixture(scope="module")
def package() -> Package:
    parsed = parse(sample("9e272474-0603-48a2-b525-9cd1af689612.edxml"))
    assert isinstance(parsed, Package)
    return parsed


@pytest.fixture(scope="module")
def signed(package: Package, agency: Credential) -> bytes:
    return build(package, signing_key=agency.key, certificate=agency.certificate)


def test_the_signature_sits_in_the_header_and_covers_the_whole_package(signed: bytes) -> None:
    root = etree.fromstring(signed)
    signature = root.find(f".//{{{DSIG}}}Signature")
    assert signature is not None
    assert etree.QName(signature.getparent()).localname == "edXMLHeader"
    (reference,) = signature.iterfind(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}Reference")
    assert reference.get("URI") == ""


def test_a_signed_package_verifies_against_its_certificate(signed: bytes, agency: Credential) -> None:
    verification = verify(signed, [agency.certificate])
    assert verification.outcome is Outcome.VALID and verification.signed and verification.valid
    assert verification.signer == "BỘ TƯ LỆNH CẢNH VỆ"


def test_a_certificate_issued_by_a_trusted_root_verifies(
    package: Package, issued: Credential, root_ca: Credential, agency: Credential
) -> None:
    signed = build(package, signing_key=issued.key, certificate=issued.certificate)  # an EC key
    assert verify(signed, [root_ca.certificate]).outcome is Outcome.VALID
    assert verify(signed, [agency.certificate]).outcome is Outcome.UNVERIFIABLE


def test_an_unknown_signer_is_unverifiable(signed: bytes, other_agency: Credential) -> None:
    verification = verify(signed, [other_agency.certificate])
    assert verification.outcome is Outcome.UNVERIFIABLE
    assert "not a trusted" in verification.reason


def test_a_changed_subject_after_signing_fails(signed: bytes, package: Package, agency: Credential) -> None:
    subject = package.envelope.subject.encode()
    tampered = signed.replace(subject, " (sửa)".join([package.envelope.subject, ""]).encode())
    assert tampered != signed
    verification = verify(tampered, [agency.certificate])
    assert verification.outcome is Outcome.INVALID


def test_a_changed_attachment_after_signing_fails(
    signed: bytes, package: Package, agency: Credential
) -> None:
    other = dataclasses.replace(package.attachments[0], data=package.attachments[0].data + b"%")
    forged = build(dataclasses.replace(package, attachments=(other,)))
    # Graft the genuine signature onto the forged attachment.
    genuine = etree.fromstring(signed)
    forged_root = etree.fromstring(forged)
    header = forged_root.find(".//{*}edXMLHeader")
    assert header is not None
    header.append(genuine.find(f".//{{{DSIG}}}Signature"))
    grafted = etree.tostring(forged_root, xml_declaration=True, encoding="UTF-8")
    assert verify(grafted, [agency.certificate]).outcome is Outcome.INVALID


def test_a_removed_signature_leaves_an_unsigned_package(signed: bytes, agency: Credential) -> None:
    root = etree.fromstring(signed)
    signature = root.find(f".//{{{DSIG}}}Signature")
    assert signature is not None
    signature.getparent().remove(signature)
    assert verify(etree.tostring(root), [agency.certificate]).outcome is Outcome.UNSIGNED


def test_an_unsigned_build_is_unsigned(package: Package, agency: Credential) -> None:
    assert verify(build(package), [agency.certificate]).outcome is Outcome.UNSIGNED


def test_signing_needs_both_key_and_certificate(package: Package, agency: Credential) -> None:
    with pytest.raises(ValueError, match="both"):
        build(package, signing_key=agency.key)


def test_a_truncated_signed_package_is_refused_not_verified(signed: bytes, agency: Credential) -> None:
    from canhve.engines.edxml import NotWellFormed

    with pytest.raises(NotWellFormed, match="truncated"):
        verify(signed[: len(signed) // 2], [agency.certificate])
