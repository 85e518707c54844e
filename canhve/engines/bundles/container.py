"""The file layout, version 1, and reading it back without trusting a single length.

    offset  size  field
    0       8     magic  b"CVBUNDLE"
    8       2     format version, big-endian (1)
    10      4     header length H, big-endian (at most 16 KiB)
    14      H     header: canonical JSON, UTF-8 (see sealing.py for its fields)
    14+H    8     ciphertext length C, big-endian
    22+H    C     ciphertext: AES-256-GCM of the payload, 16-byte tag at the end
    22+H+C  64    Ed25519 signature over bytes 0 … 22+H+C (everything before it)

Every length is explicit and checked against the bytes present, so a file cut anywhere is reported as
truncated rather than as a bad signature, and nothing may follow the signature.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .errors import MalformedBundle, NotABundle, TruncatedBundle, UnsupportedVersion

MAGIC = b"CVBUNDLE"
FORMAT_VERSION = 1
MAX_HEADER_SIZE = 16 * 1024  # a real header is ~600 bytes; a large one is damage, not data
SIGNATURE_SIZE = 64

_VERSION = struct.Struct(">H")
_HEADER_LENGTH = struct.Struct(">I")
_CIPHERTEXT_LENGTH = struct.Struct(">Q")
VERSION_AT = len(MAGIC)
HEADER_LENGTH_AT = VERSION_AT + _VERSION.size
HEADER_AT = HEADER_LENGTH_AT + _HEADER_LENGTH.size


def associated_data(header: bytes) -> bytes:
    """Magic, version, header length and header: what AES-GCM authenticates beside the ciphertext."""
    return MAGIC + _VERSION.pack(FORMAT_VERSION) + _HEADER_LENGTH.pack(len(header)) + header


def signed_part(header: bytes, ciphertext: bytes) -> bytes:
    return associated_data(header) + _CIPHERTEXT_LENGTH.pack(len(ciphertext)) + ciphertext


@dataclass(frozen=True)
class Frame:
    """The three parts of a bundle file, split by their lengths and not yet checked."""

    header: bytes
    ciphertext: bytes
    signature: bytes
    signed: bytes  # bytes 0 … end of ciphertext, as they were in the file

    @property
    def aad(self) -> bytes:
        return self.signed[: HEADER_AT + len(self.header)]


def split_frame(data: bytes) -> Frame:
    size = len(data)
    if size < len(MAGIC):
        if MAGIC.startswith(data):
            raise TruncatedBundle(f"the file ends after {size} bytes, inside the magic")
        raise NotABundle("this is not a canhve bundle (it does not start with CVBUNDLE)")
    if data[: len(MAGIC)] != MAGIC:
        raise NotABundle("this is not a canhve bundle (it does not start with CVBUNDLE)")
    _need(data, HEADER_LENGTH_AT, "the format version")
    (version,) = _VERSION.unpack_from(data, VERSION_AT)
    if version != FORMAT_VERSION:
        raise UnsupportedVersion(f"bundle format version {version}; this canhve reads {FORMAT_VERSION}")
    _need(data, HEADER_AT, "the header length")
    (header_size,) = _HEADER_LENGTH.unpack_from(data, HEADER_LENGTH_AT)
    if header_size > MAX_HEADER_SIZE:
        raise MalformedBundle(f"the header claims {header_size} bytes, more than {MAX_HEADER_SIZE}")
    header_end = HEADER_AT + header_size
    _need(data, header_end, "the header")
    ciphertext_at = header_end + _CIPHERTEXT_LENGTH.size
    _need(data, ciphertext_at, "the ciphertext length")
    (ciphertext_size,) = _CIPHERTEXT_LENGTH.unpack_from(data, header_end)
    signature_at = ciphertext_at + ciphertext_size
    _need(data, signature_at, "the ciphertext")
    end = signature_at + SIGNATURE_SIZE
    _need(data, end, "the signature")
    if size > end:
        raise MalformedBundle(f"{size - end} bytes follow the signature")
    return Frame(
        header=data[HEADER_AT:header_end],
        ciphertext=data[ciphertext_at:signature_at],
        signature=data[signature_at:end],
        signed=data[:signature_at],
    )


def join_frame(header: bytes, ciphertext: bytes, signature: bytes) -> bytes:
    if len(header) > MAX_HEADER_SIZE or len(signature) != SIGNATURE_SIZE:
        raise ValueError("header too large or signature of the wrong size")
    return signed_part(header, ciphertext) + signature


def _need(data: bytes, end: int, part: str) -> None:
    if len(data) < end:
        raise TruncatedBundle(f"the file ends after {len(data)} bytes, inside {part} (needs {end})")
