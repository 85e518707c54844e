"""Ký số: PAdES signatures on document PDFs (pyHanko) and their verification.

The signer signs first; where the law asks for the agency's seal, the agency signs again in a second
incremental revision, so the signer's signature stays valid and verifiers can tell a countersignature
(new signature fields only) from any other change made after signing.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass
from enum import StrEnum

from asn1crypto import pem, x509
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.validation import ValidationContext, validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle

from .appearance import seal_appearance, signer_appearance
from .model import SignatureBox


class SigningError(Exception):
    """The PKCS#12 could not be opened or the PDF could not be signed."""


class Appearance(StrEnum):
    SIGNER = "signer"  # over the signature block
    SEAL = "seal"  # the agency's seal, covering the left third of the signer's


class LaterChanges(StrEnum):
    NONE = "none"  # the signature covers the whole file
    SIGNATURES = "signatures"  # only later signatures (e.g. the agency seal) were added
    OTHER = "other"  # content or structure changed after signing


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    signer_common_name: str
    signer_organization: str
    signing_time: dt.datetime | None  # as claimed by the signer; there is no timestamp authority offline
    intact: bool  # the signed bytes are unaltered
    valid: bool  # the cryptographic signature checks out
    covers_whole_document: bool
    later_changes: LaterChanges
    trusted: bool  # the certificate chains to one of the given roots

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.later_changes is not LaterChanges.OTHER


@dataclass(frozen=True)
class VerificationReport:
    signatures: tuple[SignatureReport, ...]
    error: str = ""  # set when the file cannot even be parsed, which also means it was altered

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.signatures) and all(s.ok for s in self.signatures)


def sign_pdf(
    pdf: bytes,
    pkcs12: bytes,
    passphrase: bytes | None,
    *,
    field_name: str,
    box: SignatureBox,
    reason: str = "",
    location: str = "",
    appearance: Appearance = Appearance.SIGNER,
) -> bytes:
    """Adds one PAdES signature in a new incremental revision and returns the whole signed file."""
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=(), passphrase=passphrase)
    except ValueError as e:
        raise SigningError("cannot open the PKCS#12 certificate (wrong passphrase?)") from e
    subject = signer.signing_cert.subject.native
    name, organization = subject.get("common_name", ""), subject.get("organization_name", "")
    now = dt.datetime.now(dt.UTC)
    width, height = box.x2 - box.x1, box.y2 - box.y1
    if appearance is Appearance.SEAL:
        stamp = seal_appearance(min(width, height), organization=organization or name, when=now)
    else:
        stamp = signer_appearance(width, height, name=name, organization=organization, when=now)

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    # pyHanko takes whole points; a sub-point shift of the appearance is invisible.
    rect = (round(box.x1), round(box.y1), round(box.x2), round(box.y2))
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=box.page, box=rect)
    # pyHanko imports appearance pages from a file path only.
    fd, path = tempfile.mkstemp(suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(stamp)
        style = StaticStampStyle(background=ImportedPdfPage(path), border_width=0)
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        return pdf_signer.sign_pdf(writer).getvalue()
    except (PdfError, PyHankoSigningError) as e:
        raise SigningError(f"cannot sign the PDF: {e}") from e
    finally:
        os.unlink(path)


def verify_pdf(pdf: bytes, trust_roots: list[bytes]) -> VerificationReport:
    """Checks every signature in `pdf`; `trust_roots` are PEM or DER root certificates."""
    roots = [_load_certificate(r) for r in trust_roots]
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError) as e:
        return VerificationReport((), error=f"unreadable PDF: {e}")
    reports: list[SignatureReport] = []
    for sig in embedded:
        # No fetching and soft-fail revocation: the platform runs air-gapped, CRL/OCSP are unreachable.
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context)
        except (PdfError, ValueError) as e:
            return VerificationReport(tuple(reports), error=f"signature {sig.field_name}: {e}")
        subject = status.signing_cert.subject.native
        reports.append(
            SignatureReport(
                field_name=sig.field_name,
                signer_common_name=subject.get("common_name", ""),
                signer_organization=subject.get("organization_name", ""),
                signing_time=status.signer_reported_dt,
                intact=status.intact,
                valid=status.valid,
                covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                later_changes=_later_changes(status.coverage, status.modification_level),
                trusted=status.trusted,
            )
        )
    return VerificationReport(tuple(reports))


def _later_changes(coverage: SignatureCoverageLevel | None, level: ModificationLevel | None) -> LaterChanges:
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return LaterChanges.NONE
    # FORM_FILLING is the level pyHanko assigns to adding and filling signature fields.
    if (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None
        and level <= ModificationLevel.FORM_FILLING
    ):
        return LaterChanges.SIGNATURES
    return LaterChanges.OTHER


def _load_certificate(data: bytes) -> x509.Certificate:
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)
