"""Sealing a payload for one agency and opening it: encrypt for the recipient, sign as the sender.

seal: a fresh X25519 key pair per bundle agrees a secret with the recipient's X25519 key; HKDF-SHA256
stretches it into an AES-256 key and a digest key; AES-256-GCM encrypts the payload with the header as
associated data; the sender's Ed25519 key signs the framing, header and ciphertext. ADR 0121 says why.

open_bundle checks in the order of `errors.py` and returns nothing until every check has passed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .container import FORMAT_VERSION, associated_data, join_frame, signed_part, split_frame
from .errors import (
    CorruptPayload,
    MalformedBundle,
    ReplayedBundle,
    TamperedBundle,
    UnknownSender,
    WrongRecipient,
)
from .keys import AgencyKeys, AgencyPublicKeys, check_agency_code
from .model import BundleHeader, HeaderInfo, Opened, Payload, SeenBundles, canonical_json
from .payload_codec import decode_payload, encode_payload

_SIGNATURE_DOMAIN = b"canhve-bundle-signature-v1\x00"
_HKDF_INFO = b"canhve-bundle-v1 aes-256-gcm+hmac-sha256"
_NONCE_SIZE = 12
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEADER_FIELDS = {
    "bundle_id",
    "sender",
    "recipient",
    "created_at",
    "sequence",
    "sender_key",
    "recipient_key",
    "content_digest",
    "ephemeral_public",
    "nonce",
}

TrustedSenders = Mapping[str, AgencyPublicKeys | Sequence[AgencyPublicKeys]]


def seal(
    payload: Payload, sender_keys: AgencyKeys, recipient_public: AgencyPublicKeys, header_info: HeaderInfo
) -> bytes:
    """The bundle file for `recipient_public.agency`, signed by `sender_keys.agency`."""
    if sender_keys.agency == recipient_public.agency:
        raise ValueError(f"a bundle from {sender_keys.agency} to itself crosses no gap")
    plaintext = encode_payload(payload)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes_raw()
    aes_key, digest_key = _derive(
        ephemeral.exchange(recipient_public.agreement), ephemeral_raw, recipient_public
    )
    nonce = os.urandom(_NONCE_SIZE)
    header = _encode_header(
        {
            "bundle_id": os.urandom(16).hex(),
            "sender": sender_keys.agency,
            "recipient": recipient_public.agency,
            "created_at": header_info.created_at.astimezone(dt.UTC).isoformat(),
            "sequence": header_info.sequence,
            "sender_key": sender_keys.public.fingerprint,
            "recipient_key": recipient_public.fingerprint,
            "content_digest": _content_digest(digest_key, plaintext),
            "ephemeral_public": base64.b64encode(ephemeral_raw).decode(),
            "nonce": base64.b64encode(nonce).decode(),
        }
    )
    ciphertext = AESGCM(aes_key).encrypt(nonce, plaintext, associated_data(header))
    signature = sender_keys.signing.sign(_SIGNATURE_DOMAIN + signed_part(header, ciphertext))
    return join_frame(header, ciphertext, signature)


def peek_header(data: bytes) -> BundleHeader:
    """The header as the file states it, NOT verified: for the sender's own records and a preview."""
    return _decode_header(split_frame(data).header)


def open_bundle(
    data: bytes,
    recipient_keys: AgencyKeys | Sequence[AgencyKeys],
    trusted_senders: TrustedSenders,
    seen: SeenBundles,
) -> Opened:
    """The verified header and decrypted payload, or a `BundleRefused` subclass saying why not.

    `recipient_keys` may hold several key pairs of this agency (old and new during a rotation);
    `trusted_senders` maps an agency code to its trusted public keys (likewise one or several).
    """
    own = _as_tuple(recipient_keys)
    if not own or len({keys.agency for keys in own}) != 1:
        raise ValueError("recipient_keys must be one or more key pairs of the same agency")
    frame = split_frame(data)
    header = _decode_header(frame.header)

    sender_keys = _trusted_key(header, trusted_senders)
    try:
        sender_keys.signing.verify(frame.signature, _SIGNATURE_DOMAIN + frame.signed)
    except InvalidSignature:
        raise TamperedBundle(
            f"the signature of {header.sender} does not verify: the header or ciphertext was changed"
        ) from None

    me = own[0].agency
    if header.recipient != me:
        raise WrongRecipient(f"this bundle is for {header.recipient}, not for {me}")
    mine = next((keys for keys in own if keys.public.fingerprint == header.recipient_key), None)
    if mine is None:
        raise WrongRecipient(
            f"this bundle is sealed for a key of {me} that is not loaded here ({header.recipient_key[:16]}…)"
        )

    if header.bundle_id in seen.ids:
        raise ReplayedBundle(f"bundle {header.bundle_id} from {header.sender} was already imported")
    last = seen.last_sequence.get(header.sender, 0)
    if header.sequence <= last:
        raise ReplayedBundle(
            f"sequence {header.sequence} from {header.sender} is not above the last imported, {last}"
        )

    ephemeral = X25519PublicKey.from_public_bytes(header.ephemeral_public)
    try:
        aes_key, digest_key = _derive(
            mine.agreement.exchange(ephemeral), header.ephemeral_public, mine.public
        )
        plaintext = AESGCM(aes_key).decrypt(header.nonce, frame.ciphertext, frame.aad)
    except (InvalidTag, ValueError):
        raise CorruptPayload(f"the bundle from {header.sender} is signed but does not decrypt") from None
    if not hmac.compare_digest(_content_digest(digest_key, plaintext), header.content_digest):
        raise CorruptPayload("the decrypted payload does not match the header's content digest")
    return Opened(header=header, payload=decode_payload(plaintext), sequence_gap=header.sequence - last - 1)


def _derive(shared: bytes, ephemeral_raw: bytes, recipient: AgencyPublicKeys) -> tuple[bytes, bytes]:
    # Salting with both public keys binds the keys to this exchange (as HPKE's DHKEM does).
    okm = HKDF(
        algorithm=hashes.SHA256(), length=64, salt=ephemeral_raw + recipient.agreement_raw, info=_HKDF_INFO
    ).derive(shared)
    return okm[:32], okm[32:]


def _content_digest(digest_key: bytes, plaintext: bytes) -> str:
    # Keyed, not a bare SHA-256: anyone holding the file reads the header, and a bare hash would let
    # them confirm a guessed payload (a short acknowledgement, say). It also commits the signed header
    # to one plaintext, which AES-GCM alone does not.
    return hmac.new(digest_key, plaintext, "sha256").hexdigest()


def _trusted_key(header: BundleHeader, trusted_senders: TrustedSenders) -> AgencyPublicKeys:
    known = trusted_senders.get(header.sender)
    if known is None:
        raise UnknownSender(f"{header.sender} is not a trusted sender here")
    match = next((keys for keys in _as_tuple(known) if keys.fingerprint == header.sender_key), None)
    if match is None or match.agency != header.sender:
        raise UnknownSender(
            f"the key {header.sender_key[:16]}… is not among the trusted keys of {header.sender}"
        )
    return match


def _as_tuple(keys: Any) -> tuple[Any, ...]:
    return (keys,) if isinstance(keys, AgencyKeys | AgencyPublicKeys) else tuple(keys)


def _encode_header(fields: dict[str, Any]) -> bytes:
    return canonical_json(fields).encode()


def _decode_header(raw: bytes) -> BundleHeader:
    try:
        fields = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_pairs)
        if not isinstance(fields, dict) or set(fields) != _HEADER_FIELDS:
            raise ValueError(f"expected the fields {sorted(_HEADER_FIELDS)}")
        sequence = fields["sequence"]
        if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
            raise ValueError(f"sequence {sequence!r} is not a positive integer")
        if not _HEX32.fullmatch(fields["bundle_id"]):
            raise ValueError("the bundle id is not 32 hex digits")
        for name in ("sender_key", "recipient_key", "content_digest"):
            if not _HEX64.fullmatch(fields[name]):
                raise ValueError(f"{name} is not 64 hex digits")
        created_at = dt.datetime.fromisoformat(fields["created_at"])
        if created_at.utcoffset() is None:
            raise ValueError("created_at has no timezone")
        ephemeral = base64.b64decode(fields["ephemeral_public"], validate=True)
        nonce = base64.b64decode(fields["nonce"], validate=True)
        if len(ephemeral) != 32 or len(nonce) != _NONCE_SIZE:
            raise ValueError("the ephemeral key or nonce has the wrong size")
        return BundleHeader(
            format_version=FORMAT_VERSION,
            bundle_id=fields["bundle_id"],
            sender=check_agency_code(fields["sender"]),
            recipient=check_agency_code(fields["recipient"]),
            created_at=created_at,
            sequence=sequence,
            sender_key=fields["sender_key"],
            recipient_key=fields["recipient_key"],
            content_digest=fields["content_digest"],
            ephemeral_public=ephemeral,
            nonce=nonce,
        )
    except (ValueError, TypeError, KeyError) as exc:  # UnicodeDecodeError and binascii.Error are ValueErrors
        raise MalformedBundle(f"the header cannot be read: {exc}") from exc


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a header field is repeated")
    return result
