"""Samples from the e-office gateway (data/edxml) and signing credentials made once per session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

SAMPLES = Path(__file__).resolve().parents[4] / "data" / "edxml"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@dataclass(frozen=True)
class Credential:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


def _certificate(
    subject_cn: str,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    issuer: Credential | None = None,
    *,
    ca: bool = False,
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    return builder.sign(issuer.key if issuer else key, hashes.SHA256())


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def agency() -> Credential:
    """A self-signed agency certificate, trusted by being listed."""
    key = _rsa()
    return Credential(key, _certificate("BỘ TƯ LỆNH CẢNH VỆ", key))


@pytest.fixture(scope="session")
def other_agency() -> Credential:
    key = _rsa()
    return Credential(key, _certificate("Đơn vị lạ", key))


@pytest.fixture(scope="session")
def root_ca() -> Credential:
    key = _rsa()
    return Credential(key, _certificate("Demo CA", key, ca=True))


@pytest.fixture(scope="session")
def issued(root_ca: Credential) -> Credential:
    """An agency certificate issued by `root_ca`, trusted through it."""
    key = ec.generate_private_key(ec.SECP256R1())
    return Credential(key, _certificate("Công an tỉnh Thanh Hóa", key, root_ca))
