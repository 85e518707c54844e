"""Why a bundle is refused: one class per reason, so the importer can say which and audit it.

Every refusal happens before anything is returned, so a refused bundle can never be half imported. The
classes are ordered as `open_bundle` checks them: framing first, then who sent it, then whether it is
intact, then whether it is for us and new, and only then the decrypted content.
"""

from __future__ import annotations

from typing import ClassVar


class BundleRefused(Exception):
    """The bundle is not imported; `reason` is one line for the operator, `code` a stable audit key."""

    code: ClassVar[str] = "refused"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotABundle(BundleRefused):
    """The file does not start with the bundle magic: some other file was picked."""

    code = "not-a-bundle"


class UnsupportedVersion(BundleRefused):
    """A format version this code does not read (a newer canhve made it, or the byte is damaged)."""

    code = "unsupported-version"


class TruncatedBundle(BundleRefused):
    """The file ends before the lengths it declares: a copy was cut short."""

    code = "truncated"


class MalformedBundle(BundleRefused):
    """The framing or the header cannot be read, or bytes follow the signature."""

    code = "malformed"


class UnknownSender(BundleRefused):
    """The sending agency, or the key it signed with, is not among the trusted senders."""

    code = "unknown-sender"


class TamperedBundle(BundleRefused):
    """The sender's signature does not verify over the header and ciphertext: something changed."""

    code = "tampered"


class WrongRecipient(BundleRefused):
    """The bundle is sealed for another agency, or for a key this agency does not hold."""

    code = "wrong-recipient"


class ReplayedBundle(BundleRefused):
    """The bundle id was imported before, or its sequence is not above the last one from that sender."""

    code = "replayed"


class CorruptPayload(BundleRefused):
    """Signed by a trusted sender, yet it does not decrypt or decode: the sender's export was faulty."""

    code = "corrupt-payload"
