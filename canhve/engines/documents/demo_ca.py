"""A throw-away certificate authority for the demo: root CA → one CA per agency → end-entity certificates
for the agency's seal (chữ ký số của cơ quan) and for each signer (chữ ký số của người có thẩm quyền).

Real deployments load PKCS#12 files issued by the government CA instead; everything downstream only
sees PKCS#12 bytes + passphrase and root certificates, so the two are interchangeable.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

# P-256 keys take milliseconds to make, so a fresh CA per demo seed or test run costs nothing.
_CURVE = ec.SECP256R1()
_ROOT_YEARS = 10
_LEAF_YEARS = 2


@dataclass(frozen=True)
class Credential:
    """A signing identity as an administrator would upload it: PKCS#12 bytes and their passphrase."""

    common_name: str
    agency: str
    pkcs12: bytes
    passphrase: bytes


@dataclass(frozen=True)
class DemoCA:
    root_pem: bytes
    seals: tuple[Credential, ...]  # one per agency
    signers: tuple[Credential, ...]

    def seal(self, agency: str) -> Credential:
        return next(c for c in self.seals if c.agency == agency)

    def signer(self, name: str) -> Credential:
        return next(c for c in self.signers if c.common_name == name)


@dataclass(frozen=True)
class _Issuer:
    name: x509.Name
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def make_demo_ca(
    agencies: Iterable[str],
    signers: Iterable[tuple[str, str, str]],
    *,
    root_name: str = "canhve Demo Root CA",
) -> DemoCA:
    """`signers` holds (agency, full name, title) tuples; each agency in them must be in `agencies`."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # tolerate small clock skew between hosts
    root_name_x = _name(root_name, organization="canhve demo")
    root_key = ec.generate_private_key(_CURVE)
    root = _Issuer(
        root_name_x,
        root_key,
        _certificate(root_name_x, root_key, root_name_x, root_key, now, _ROOT_YEARS, ca_path_length=1),
    )

    agency_cas: dict[str, _Issuer] = {}
    seals = []
    for agency in agencies:
        name = _name(f"{agency} CA", organization=agency)
        key = ec.generate_private_key(_CURVE)
        cert = _certificate(name, key, root.name, root.key, now, _ROOT_YEARS, ca_path_length=0)
        agency_cas[agency] = _Issuer(name, key, cert)
        seals.append(_leaf(agency_cas[agency], root, agency, agency, None, now))

    people = [_leaf(agency_cas[agency], root, agency, name, title, now) for agency, name, title in signers]
    root_pem = root.cert.public_bytes(serialization.Encoding.PEM)
    return DemoCA(root_pem=root_pem, seals=tuple(seals), signers=tuple(people))


def _name(common_name: str, *, organization: str, title: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title))
    return x509.Name(attrs)


def _certificate(
    subject: x509.Name,
    subject_key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    now: dt.datetime,
    years: int,
    *,
    ca_path_length: int | None,
) -> x509.Certificate:
    is_ca = ca_path_length is not None
    public = subject_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=ca_path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not is_ca,
                content_commitment=not is_ca,  # non-repudiation: what document signatures need
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=is_ca,
                crl_sign=is_ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def _leaf(
    issuer: _Issuer, root: _Issuer, agency: str, common_name: str, title: str | None, now: dt.datetime
) -> Credential:
    key = ec.generate_private_key(_CURVE)
    cert = _certificate(
        _name(common_name, organization=agency, title=title),
        key,
        issuer.name,
        issuer.key,
        now,
        _LEAF_YEARS,
        ca_path_length=None,
    )
    passphrase = secrets.token_urlsafe(12).encode()
    # The chain goes into the PKCS#12 so a signature embeds it and verifiers need only the root.
    blob = pkcs12.serialize_key_and_certificates(
        common_name.encode(),
        key,
        cert,
        [issuer.cert, root.cert],
        serialization.BestAvailableEncryption(passphrase),
    )
    return Credential(common_name=common_name, agency=agency, pkcs12=blob, passphrase=passphrase)
