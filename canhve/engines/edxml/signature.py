"""XML-DSig on edXML: an enveloped signature in edXMLHeader over the whole document (signxml).

Placement and reference follow the gateway's samples: `<Signature>` after TraceHeaderList, one
Reference with URI="" and the enveloped-signature transform, so the envelope *and* the attachments are
covered. Algorithms are RSA/ECDSA with SHA-256 and inclusive C14N 1.0 (the samples' canonicalisation;
their rsa-sha1 is refused by signxml's defaults and by us).

`verify` never raises for a signature it cannot check: the samples carry illustrative signatures
(a digest over nothing, a certificate cut to 11 characters, a `<Signature>` outside the XML-DSig
namespace), and an importer must report those, not fail on them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature

from .model import NAMESPACE
from .reading import edxml_root
from .safexml import parser

DSIG = "http://www.w3.org/2000/09/xmldsig#"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

# Transforms that keep the whole document in the signed bytes; anything else (an XPath filter, say)
# could sign part of the package while the reader shows all of it.
_WHOLE_DOCUMENT_TRANSFORMS = {
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
}


class Outcome(StrEnum):
    UNSIGNED = "unsigned"
    VALID = "valid"  # a trusted signer's signature over these exact bytes
    INVALID = "invalid"  # a trusted signer's certificate, but the bytes or the signature do not match
    UNVERIFIABLE = "unverifiable"  # a signature that cannot be checked: unknown signer, unreadable, …


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    reason: str  # one line for the register and the importer's output
    signer: str | None = None  # subject common name of the certificate in KeyInfo, when readable

    @property
    def signed(self) -> bool:
        return self.outcome is not Outcome.UNSIGNED

    @property
    def valid(self) -> bool:
        return self.outcome is Outcome.VALID


def sign_root(root: etree._Element, header: etree._Element, key: PrivateKey, certificate: object) -> bytes:
    if not isinstance(certificate, x509.Certificate):
        raise TypeError("certificate must be a cryptography x509.Certificate")
    if isinstance(key, rsa.RSAPrivateKey):
        method = SignatureMethod.RSA_SHA256
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        method = SignatureMethod.ECDSA_SHA256
    else:
        raise TypeError("signing_key must be an RSA or EC private key")
    # signxml puts the signature where this placeholder stands instead of at the end of the root.
    etree.SubElement(header, f"{{{DSIG}}}Signature", Id="placeholder", nsmap={"ds": DSIG})
    etree.indent(root, space="  ")
    signer = XMLSigner(
        signature_algorithm=method,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    signed = signer.sign(root, key=key, cert=[certificate])  # enveloped: one Reference, URI=""
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def verify(data: bytes, trusted_certificates: Sequence[x509.Certificate]) -> Verification:
    """Whether `data` carries a valid signature by one of `trusted_certificates` (or a certificate
    directly issued by one of them). Refuses unreadable XML with an `EdxmlError`, like `parse`."""
    root = edxml_root(data)
    signatures = [
        el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "Signature"
    ]
    if not signatures:
        return Verification(Outcome.UNSIGNED, "the package carries no signature")
    if len(signatures) > 1:
        return Verification(
            Outcome.UNVERIFIABLE, f"the package carries {len(signatures)} signatures, not one"
        )
    signature = signatures[0]
    if etree.QName(signature).namespace != DSIG:
        return Verification(
            Outcome.UNVERIFIABLE, "the Signature element is not in the XML-DSig namespace (an illustration)"
        )
    if problem := _coverage_problem(signature):
        return Verification(Outcome.UNVERIFIABLE, problem)
    certificate, problem = _certificate(signature)
    if certificate is None:
        return Verification(Outcome.UNVERIFIABLE, problem)
    signer = _common_name(certificate)
    if not any(_issued_by_or_is(certificate, trusted) for trusted in trusted_certificates):
        return Verification(
            Outcome.UNVERIFIABLE, f"the signer {signer!r} is not a trusted certificate", signer
        )
    config = SignatureConfiguration(expect_references=1)
    try:
        XMLVerifier().verify(root, x509_cert=certificate, parser=parser(), expect_config=config)
    except (InvalidDigest, InvalidSignature) as error:
        return Verification(Outcome.INVALID, f"the signature does not match the package: {error}", signer)
    except InvalidCertificate as error:
        return Verification(Outcome.UNVERIFIABLE, f"the signer's certificate is not usable: {error}", signer)
    except InvalidInput as error:
        return Verification(Outcome.UNVERIFIABLE, f"the signature cannot be checked: {error}", signer)
    except Exception as error:
        return Verification(Outcome.UNVERIFIABLE, f"the signature cannot be checked: {error!r}", signer)
    return Verification(Outcome.VALID, f"signed by {signer}", signer)


def _coverage_problem(signature: etree._Element) -> str:
    references = signature.findall(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}Reference")
    if len(references) != 1 or references[0].get("URI") != "":
        return 'the signature does not have the one Reference URI="" that covers the whole package'
    header = signature.getparent()
    if header is None or header.tag != f"{{{NAMESPACE}}}edXMLHeader":
        return "the signature is not in edXMLHeader"
    for transform in references[0].iterfind(f"{{{DSIG}}}Transforms/{{{DSIG}}}Transform"):
        if transform.get("Algorithm") not in _WHOLE_DOCUMENT_TRANSFORMS:
            return (
                f"the signature uses transform {transform.get('Algorithm')!r}, which may leave parts unsigned"
            )
    return ""


def _certificate(signature: etree._Element) -> tuple[x509.Certificate | None, str]:
    found = signature.find(f"{{{DSIG}}}KeyInfo/{{{DSIG}}}X509Data/{{{DSIG}}}X509Certificate")
    if found is None or not (found.text or "").strip():
        return None, "the signature carries no X509Certificate"
    try:
        der = base64.b64decode("".join(found.text.split()), validate=True)
        return x509.load_der_x509_certificate(der), ""
    except (binascii.Error, ValueError):
        return None, "the signature's certificate cannot be read (truncated or not DER)"


def _issued_by_or_is(certificate: x509.Certificate, trusted: x509.Certificate) -> bool:
    if certificate == trusted:
        return True
    try:
        certificate.verify_directly_issued_by(trusted)
    except (ValueError, TypeError, CryptoInvalidSignature):
        return False
    return True


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else certificate.subject.rfc4514_string()
    return value if isinstance(value, str) else value.decode("utf-8", "replace")
