"""edXML engine: the national document exchange format (QCVN 102:2016/BTTTT), both ways.

Plain Python (no Django): `parse` reads a package or status message from an e-office system into frozen
dataclasses, `build` writes one (signed with XML-DSig when given a key), `verify` reports on a
package's signature, `status_for` answers a received package. The documents app maps these to its
received-documents register and its issued documents.
"""

from .errors import EdxmlError, ForbiddenMarkup, InvalidContent, NotEdxml, NotWellFormed, TooLarge
from .model import (
    NAMESPACE,
    VIETNAM_TIME,
    Attachment,
    Business,
    BusinessDocType,
    BusinessDocumentInfo,
    Code,
    DocumentType,
    Envelope,
    ManifestReference,
    Message,
    Organization,
    OtherInfo,
    Package,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    Status,
    StatusCode,
    TraceHeader,
)
from .reading import parse
from .signature import Outcome, Verification, verify
from .writing import STATUS_DESCRIPTIONS, build, status_for

__all__ = [
    "NAMESPACE",
    "STATUS_DESCRIPTIONS",
    "VIETNAM_TIME",
    "Attachment",
    "Business",
    "BusinessDocType",
    "BusinessDocumentInfo",
    "Code",
    "DocumentType",
    "EdxmlError",
    "Envelope",
    "ForbiddenMarkup",
    "InvalidContent",
    "ManifestReference",
    "Message",
    "NotEdxml",
    "NotWellFormed",
    "Organization",
    "OtherInfo",
    "Outcome",
    "Package",
    "PromulgationInfo",
    "Receiver",
    "ReplacementInfo",
    "ResponseFor",
    "SignerInfo",
    "StaffInfo",
    "Status",
    "StatusCode",
    "TooLarge",
    "TraceHeader",
    "Verification",
    "build",
    "parse",
    "status_for",
    "verify",
]
