"""edXML bytes → `Package` or `Status`.

The reader is strict about what a register needs (who sent it, to whom, its number, date and subject,
attachments that decode) and lenient about the rest, because the systems on the axis differ: elements
come in any order, optional ones are left out, and elements it does not model are listed in
`Package.unrecognised` rather than refused.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable
from typing import TypeVar

from lxml import etree

from .errors import EdxmlError, InvalidContent, NotEdxml
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
    TraceHeader,
)
from .safexml import read_xml

DSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
_DATE = re.compile(r"(\d{4})[/-](\d{2})[/-](\d{2})")
_TIMESTAMP = re.compile(r"(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")

T = TypeVar("T")


def parse(data: bytes) -> Message:
    """Read one edXML message; an `EdxmlError` subclass names what is wrong when it cannot be read."""
    root = edxml_root(data)
    envelope = _Node(_child(root, "edXMLEnvelope", "edXML"), "edXMLEnvelope", [])
    header = envelope.required("edXMLHeader")
    message = header.required("MessageHeader")
    if message.has("StatusCode"):
        return _status(message)
    return _package(root, envelope, header, message)


def edxml_root(data: bytes) -> etree._Element:
    """The hardened parse, then the check that this is edXML at all."""
    root = read_xml(data)
    name = etree.QName(root)
    if name.localname != "edXML" or name.namespace != NAMESPACE:
        found = f"{{{name.namespace}}}{name.localname}" if name.namespace else name.localname
        raise NotEdxml(f"the root element is {found}, not edXML in the {NAMESPACE} namespace")
    return root


def _child(parent: etree._Element, local: str, where: str) -> etree._Element:
    found = parent.findall(f"{{{NAMESPACE}}}{local}")
    if not found:
        raise InvalidContent(f"{where} has no {local}")
    if len(found) > 1:
        raise InvalidContent(f"{where} has {local} {len(found)} times")
    return found[0]


class _Node:
    """An element's edXML children by local name, with the path for messages and a list that collects
    the children nobody asked for (filled in by `finish`)."""

    def __init__(self, element: etree._Element, path: str, unrecognised: list[str]) -> None:
        self.element = element
        self.path = path
        self.unrecognised = unrecognised
        self.children: dict[str, list[etree._Element]] = {}
        self.asked: set[str] = set()
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child)
            key = name.localname if name.namespace == NAMESPACE else f"{{{name.namespace}}}{name.localname}"
            self.children.setdefault(key, []).append(child)

    def has(self, local: str) -> bool:
        return local in self.children

    def all(self, local: str) -> list[_Node]:
        self.asked.add(local)
        return [_Node(e, f"{self.path}/{local}", self.unrecognised) for e in self.children.get(local, [])]

    def optional(self, local: str) -> _Node | None:
        found = self.all(local)
        if len(found) > 1:
            raise InvalidContent(f"{self.path} has {local} {len(found)} times")
        return found[0] if found else None

    def required(self, local: str) -> _Node:
        node = self.optional(local)
        if node is None:
            raise InvalidContent(f"{self.path} has no {local}")
        return node

    def text(self, local: str) -> str | None:
        """The element's text verbatim ("" when empty), None when the element is absent."""
        node = self.optional(local)
        return None if node is None else (node.element.text or "")

    def required_text(self, local: str) -> str:
        value = self.text(local)
        if not value:
            raise InvalidContent(f"{self.path}/{local} is missing or empty")
        return value

    def texts(self, local: str) -> tuple[str, ...]:
        return tuple(node.element.text or "" for node in self.all(local))

    def value(self, local: str, convert: Callable[[str], T], what: str) -> T | None:
        raw = self.text(local)
        if raw is None or not raw.strip():
            return None
        try:
            return convert(raw.strip())
        except ValueError:
            raise InvalidContent(f"{self.path}/{local} is {raw!r}, not {what}") from None

    def integer(self, local: str) -> int | None:
        return self.value(local, int, "a whole number")

    def date(self, local: str) -> dt.date | None:
        return self.value(local, _read_date, "a date YYYY/MM/DD")

    def timestamp(self, local: str) -> dt.datetime | None:
        return self.value(local, _read_timestamp, "a time YYYY/MM/DD HH:MM:SS")

    def finish(self, *ignored: str) -> None:
        """Record the children that were neither read nor deliberately `ignored`."""
        for key in self.children:
            if key not in self.asked and key not in ignored:
                self.unrecognised.append(f"{self.path}/{key}")


def _read_date(raw: str) -> dt.date:
    match = _DATE.fullmatch(raw)
    if not match:
        raise ValueError(raw)
    year, month, day = (int(part) for part in match.groups())
    return dt.date(year, month, day)


def _read_timestamp(raw: str) -> dt.datetime:
    match = _TIMESTAMP.fullmatch(raw)
    if not match:
        raise ValueError(raw)
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM_TIME)


def _read_bool(raw: str) -> bool:
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise ValueError(raw)


def _organization(node: _Node) -> Organization:
    organization = Organization(
        organ_id=node.required_text("OrganId"),
        organization_in_charge=node.text("OrganizationInCharge"),
        organ_name=node.text("OrganName"),
        organ_add=node.text("OrganAdd"),
        email=node.text("Email"),
        telephone=node.text("Telephone"),
        fax=node.text("Fax"),
        website=node.text("Website"),
    )
    node.finish()
    return organization


def _staff(node: _Node | None) -> StaffInfo | None:
    if node is None:
        return None
    staff = StaffInfo(node.text("Department"), node.text("Staff"), node.text("Email"), node.text("Mobile"))
    node.finish()
    return staff


def _response_for(node: _Node) -> ResponseFor:
    response = ResponseFor(
        organ_id=node.text("OrganId"),
        code=node.text("Code"),
        promulgation_date=node.date("PromulgationDate"),
        document_id=node.text("DocumentId"),
    )
    node.finish()
    return response


def _status(message: _Node) -> Status:
    code = message.required_text("StatusCode")
    timestamp = message.timestamp("Timestamp")
    if timestamp is None:
        raise InvalidContent(f"{message.path}/Timestamp is missing or empty")
    try:
        status = Status(
            sender=_organization(message.required("From")),
            response_for=_response_for(message.required("ResponseFor")),
            code=code,
            description=message.text("Description") or "",
            timestamp=timestamp,
            staff=_staff(message.optional("StaffInfo")),
        )
    except ValueError as error:
        raise InvalidContent(f"{message.path}: {error}") from None
    message.finish()
    return status


def _package(root: etree._Element, envelope: _Node, header: _Node, message: _Node) -> Package:
    unrecognised = message.unrecognised
    head = _envelope(message, header.optional("TraceHeaderList"))
    header.finish("Signature", f"{{{DSIG_NAMESPACE}}}Signature")  # the signature is `verify`'s business
    body = envelope.optional("edXMLBody")
    manifest: tuple[ManifestReference, ...] = ()
    if body is not None:
        listing = body.optional("edXMLManifest")
        manifest = tuple(_manifest_reference(ref) for ref in listing.all("Reference")) if listing else ()
        if listing is not None:
            listing.finish()
        body.finish()
    envelope.finish()
    carrier = _Node(root, "edXML", unrecognised)
    encoded = carrier.optional("AttachmentEncoded")
    attachments = tuple(_attachment(node) for node in encoded.all("Attachment")) if encoded else ()
    if encoded is not None:
        encoded.finish()
    carrier.finish("edXMLEnvelope")
    try:
        return Package(head, manifest, attachments, unrecognised=tuple(unrecognised))
    except ValueError as error:
        raise InvalidContent(str(error)) from None


def _envelope(message: _Node, trace_list: _Node | None) -> Envelope:
    code = message.required("Code")
    promulgation = message.required("PromulgationInfo")
    promulgation_date = promulgation.date("PromulgationDate")
    if promulgation_date is None:
        raise InvalidContent(f"{promulgation.path}/PromulgationDate is missing or empty")
    trace: tuple[TraceHeader, ...] = ()
    business = None
    if trace_list is not None:
        trace = tuple(_trace_header(node) for node in trace_list.all("TraceHeader"))
        business_node = trace_list.optional("Bussiness")
        business = _business(business_node) if business_node else None
        trace_list.finish()
    try:
        envelope = Envelope(
            sender=_organization(message.required("From")),
            recipients=tuple(_organization(node) for node in message.all("To")),
            document_id=message.required_text("DocumentId"),
            code=Code(code.required_text("CodeNumber"), code.required_text("CodeNotation")),
            promulgation=PromulgationInfo(promulgation.text("Place"), promulgation_date),
            subject=message.required_text("Subject"),
            document_type=_optional(message.optional("DocumentType"), _document_type),
            content=message.text("Content"),
            signer=_optional(message.optional("SignerInfo"), _signer),
            due_date=message.date("DueDate"),
            other_info=_optional(message.optional("OtherInfo"), _other_info),
            response_for=tuple(_response_for(node) for node in message.all("ResponseFor")),
            steering_type=message.integer("SteeringType"),
            to_places=_places(message.optional("ToPlaces")),
            trace=trace,
            business=business,
        )
    except ValueError as error:
        raise InvalidContent(f"{message.path}: {error}") from None
    code.finish()
    promulgation.finish()
    message.finish()
    return envelope


def _optional(node: _Node | None, read: Callable[[_Node], T]) -> T | None:
    if node is None:
        return None
    value = read(node)
    node.finish()
    return value


def _document_type(node: _Node) -> DocumentType:
    return DocumentType(node.text("Type"), node.text("TypeDetail"), node.text("TypeName"))


def _signer(node: _Node) -> SignerInfo:
    return SignerInfo(node.text("Competence"), node.text("Position"), node.text("FullName"))


def _other_info(node: _Node) -> OtherInfo:
    appendixes = node.optional("Appendixes")
    info = OtherInfo(
        priority=node.integer("Priority"),
        sphere_of_promulgation=node.text("SphereOfPromulgation"),
        typer_notation=node.text("TyperNotation"),
        promulgation_amount=node.integer("PromulgationAmount"),
        page_amount=node.integer("PageAmount"),
        direction=node.value("Direction", _read_bool, "true or false"),
        appendixes=appendixes.texts("Appendix") if appendixes else (),
    )
    if appendixes is not None:
        appendixes.finish()
    return info


def _places(node: _Node | None) -> tuple[str, ...]:
    if node is None:
        return ()
    places = node.texts("Place")
    node.finish()
    return places


def _trace_header(node: _Node) -> TraceHeader:
    header = TraceHeader(node.text("OrganId"), node.timestamp("Timestamp"))
    node.finish()
    return header


def _business(node: _Node) -> Business:
    raw_type = node.required_text("BussinessDocType")
    try:
        doc_type = BusinessDocType(int(raw_type))
    except ValueError:
        raise InvalidContent(
            f"{node.path}/BussinessDocType is {raw_type!r}, not 0 (new), 1 (revocation), "
            "2 (update) or 3 (replacement)"
        ) from None
    replacements = node.optional("ReplacementInfoList")
    business = Business(
        doc_type=doc_type,
        document_id=node.text("DocumentId"),
        reason=node.text("BussinessDocReason"),
        paper=node.integer("Paper"),
        staff=_staff(node.optional("StaffInfo")),
        document_info=_optional(node.optional("BussinessDocumentInfo"), _business_document_info),
        replacements=tuple(_replacement(r) for r in replacements.all("ReplacementInfo"))
        if replacements
        else (),
    )
    if replacements is not None:
        replacements.finish()
    node.finish()
    return business


def _business_document_info(node: _Node) -> BusinessDocumentInfo:
    receivers = node.optional("ReceiverList")
    info = BusinessDocumentInfo(
        document_info=node.text("DocumentInfo"),
        document_receiver=node.text("DocumentReceiver"),
        receivers=tuple(_receiver(r) for r in receivers.all("Receiver")) if receivers else (),
    )
    if receivers is not None:
        receivers.finish()
    return info


def _receiver(node: _Node) -> Receiver:
    receiver = Receiver(node.required_text("OrganId"), node.text("ReceiverType"))
    node.finish()
    return receiver


def _replacement(node: _Node) -> ReplacementInfo:
    organs = node.optional("OrganIdList")
    info = ReplacementInfo(node.required_text("DocumentId"), organs.texts("OrganId") if organs else ())
    if organs is not None:
        organs.finish()
    node.finish()
    return info


def _manifest_reference(node: _Node) -> ManifestReference:
    reference = ManifestReference(
        content_id=node.required_text("ContentId"),
        name=node.text("AttachmentName"),
        content_type=node.text("ContentType"),
        description=node.text("Description"),
    )
    node.finish()
    return reference


def _attachment(node: _Node) -> Attachment:
    content_id = node.required_text("ContentId")
    name = node.text("AttachmentName")
    if not name:
        raise InvalidContent(f"attachment {content_id} has no AttachmentName")
    encoded = node.text("ContentTransferEncoded")
    if encoded is None:
        raise InvalidContent(f"attachment {content_id} ({name}) has no ContentTransferEncoded")
    compact = "".join(encoded.split())
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidContent(
            f"attachment {content_id} ({name}): ContentTransferEncoded is not base64 "
            f"(it begins {compact[:32]!r})"
        ) from None
    attachment = Attachment(content_id, name, node.text("ContentType"), data, node.text("Description"))
    node.finish()
    return attachment


__all__ = ["EdxmlError", "edxml_root", "parse"]
