"""An agency's two key pairs for bundles, their fingerprint, and how they are stored and exchanged.

Ed25519 signs (who sent it) and X25519 agrees keys (who may read it): two pairs rather than one key
converted between curves, because each primitive is then used only as designed and either can be rotated
alone. The fingerprint binds the agency code to both public keys, so a key card cannot be re-labelled as
another agency's and a header naming a fingerprint names exactly one (agency, key pair).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

_FINGERPRINT_DOMAIN = b"canhve-bundle-keys-v1\x00"
# The agencies app's code is a SlugField of at most 32 characters (K01, CATH, K01-TM).
AGENCY_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def check_agency_code(code: str) -> str:
    if not isinstance(code, str) or not AGENCY_CODE.fullmatch(code):
        raise ValueError(f"agency code must be 1-32 letters, digits, '-' or '_', not {code!r}")
    return code


def key_fingerprint(agency: str, signing_raw: bytes, agreement_raw: bytes) -> str:
    """SHA-256 over the agency code and both raw public keys, as 64 hex digits."""
    digest = hashlib.sha256(_FINGERPRINT_DOMAIN + agency.encode() + b"\x00" + signing_raw + agreement_raw)
    return digest.hexdigest()


@dataclass(frozen=True)
class AgencyPublicKeys:
    """What an agency hands to its partners (on paper or a signed document) and they trust."""

    agency: str
    signing: Ed25519PublicKey
    agreement: X25519PublicKey

    def __post_init__(self) -> None:
        check_agency_code(self.agency)

    @property
    def signing_raw(self) -> bytes:
        return self.signing.public_bytes(*_RAW)

    @property
    def agreement_raw(self) -> bytes:
        return self.agreement.public_bytes(*_RAW)

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.agency, self.signing_raw, self.agreement_raw)

    @property
    def fingerprint_display(self) -> str:
        """The first 128 bits in groups of four, short enough to read aloud over a telephone."""
        head = self.fingerprint[:32].upper()
        return " ".join(head[i : i + 4] for i in range(0, 32, 4))

    def to_card(self) -> str:
        """A JSON key card carrying the fingerprint, so a typo in copying it is caught on load."""
        return json.dumps(
            {
                "agency": self.agency,
                "signing": base64.b64encode(self.signing_raw).decode(),
                "agreement": base64.b64encode(self.agreement_raw).decode(),
                "fingerprint": self.fingerprint,
            },
            sort_keys=True,
        )

    @classmethod
    def from_card(cls, card: str) -> AgencyPublicKeys:
        data = json.loads(card)
        keys = cls(
            agency=data["agency"],
            signing=Ed25519PublicKey.from_public_bytes(base64.b64decode(data["signing"], validate=True)),
            agreement=X25519PublicKey.from_public_bytes(base64.b64decode(data["agreement"], validate=True)),
        )
        if keys.fingerprint != data["fingerprint"]:
            raise ValueError(f"key card for {keys.agency}: the fingerprint does not match its keys")
        return keys


@dataclass(frozen=True)
class AgencyKeys:
    """An agency's private keys; they never leave the agency's own canhve host."""

    agency: str
    signing: Ed25519PrivateKey
    agreement: X25519PrivateKey

    def __post_init__(self) -> None:
        check_agency_code(self.agency)

    @classmethod
    def generate(cls, agency: str) -> AgencyKeys:
        return cls(agency, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    @property
    def public(self) -> AgencyPublicKeys:
        return AgencyPublicKeys(self.agency, self.signing.public_key(), self.agreement.public_key())

    def to_pem(self, passphrase: bytes) -> bytes:
        """Both keys as passphrase-encrypted PKCS#8 PEM blocks, signing key first."""
        if not passphrase:
            raise ValueError("private bundle keys are only written encrypted: give a passphrase")
        encryption = serialization.BestAvailableEncryption(passphrase)
        pkcs8 = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        return self.signing.private_bytes(*pkcs8) + self.agreement.private_bytes(*pkcs8)

    @classmethod
    def from_pem(cls, agency: str, data: bytes, passphrase: bytes) -> AgencyKeys:
        marker = b"-----END ENCRYPTED PRIVATE KEY-----\n"
        blocks = [block + marker for block in data.split(marker) if block.strip()]
        if len(blocks) != 2:
            raise ValueError(f"expected 2 PEM private keys (signing, agreement), found {len(blocks)}")
        signing = serialization.load_pem_private_key(blocks[0], passphrase)
        agreement = serialization.load_pem_private_key(blocks[1], passphrase)
        if not isinstance(signing, Ed25519PrivateKey) or not isinstance(agreement, X25519PrivateKey):
            raise ValueError("the PEM file must hold an Ed25519 key then an X25519 key")
        return cls(agency, signing, agreement)
