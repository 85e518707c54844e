"""Bundle engine: records and files exchanged across the air gap as signed, encrypted files.

Plain Python (no Django): the bundle command or page turns an operation's rows into a `Payload`,
`seal`s it for one agency, and on the other side `open_bundle` verifies and decrypts it and `plan_merge`
says what each record would do to the rows held there. ADR 0121 describes the format and the rules.
"""

from .container import FORMAT_VERSION, MAGIC
from .errors import (
    BundleRefused,
    CorruptPayload,
    MalformedBundle,
    NotABundle,
    ReplayedBundle,
    TamperedBundle,
    TruncatedBundle,
    UnknownSender,
    UnsupportedVersion,
    WrongRecipient,
)
from .keys import AgencyKeys, AgencyPublicKeys
from .merge import LocalRecord, MergeAction, MergePlan, MergeStep, apply_plan, plan_merge
from .model import Attachment, BundleHeader, HeaderInfo, Opened, Payload, Record, RecordKey, SeenBundles
from .sealing import TrustedSenders, open_bundle, peek_header, seal

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "AgencyKeys",
    "AgencyPublicKeys",
    "Attachment",
    "BundleHeader",
    "BundleRefused",
    "CorruptPayload",
    "HeaderInfo",
    "LocalRecord",
    "MalformedBundle",
    "MergeAction",
    "MergePlan",
    "MergeStep",
    "NotABundle",
    "Opened",
    "Payload",
    "Record",
    "RecordKey",
    "ReplayedBundle",
    "SeenBundles",
    "TamperedBundle",
    "TruncatedBundle",
    "TrustedSenders",
    "UnknownSender",
    "UnsupportedVersion",
    "WrongRecipient",
    "apply_plan",
    "open_bundle",
    "peek_header",
    "plan_merge",
    "seal",
]
