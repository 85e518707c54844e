"""`Package` / `Status` → edXML bytes, optionally signed, and status replies to a received package.

Elements are written in the order the gateway's samples use, every element in the QCVN 102 namespace
under the `edXML` prefix (the samples mix a default namespace and the prefix; both mean the same). An
optional field that is None is left out; an empty string is written as an empty element, so reading
the bytes back gives the same value.
"""

from __future__ import annotations

import base64
import datetime as dt

from lxml import etree

from .model import (
    NAMESPACE,
    VIETNAM_TIME,
    Business,
    Envelope,
    Message,
    Organization,
    OtherInfo,
    Package,
    ResponseFor,
    StaffInfo,
    Status,
    StatusCode,
)
from .signature import PrivateKey, sign_root

_E = f"{{{NAMESPACE}}}"
_NSMAP = {"edXML": NAMESPACE}

# Descriptions as the samples word them (the văn thư's action); a reply may give its own.
STATUS_DESCRIPTIONS = {
    StatusCode.RECEIVED: "Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý",
    StatusCode.REJECTED: "Từ chối không tiếp nhận văn bản điện tử",
    StatusCode.ACCEPTED: "Tiếp nhận văn bản điện tử, vào sổ văn bản đến của đơn vị",
    StatusCode.ASSIGNED: "Phân công xử lý",
    StatusCode.PROCESSING: "Đang xử lý văn bản đến",
    StatusCode.FINISHED: "Hoàn thành xử lý",
    StatusCode.RECALL_REQUESTED: "Yêu cầu lấy lại văn bản điện tử",
    StatusCode.CHANGE_ACCEPTED: "Đồng ý yêu cầu cập nhật, lấy lại",
    StatusCode.CHANGE_REJECTED: "Từ chối yêu cầu cập nhật, lấy lại",
}


def build(
    message: Message,
    *,
    signing_key: PrivateKey | None = None,
    certificate: object | None = None,
) -> bytes:
    """The edXML bytes of `message`; with `signing_key` (and its X.509 `certificate`), an enveloped
    XML-DSig signature in edXMLHeader over the whole document, attachments included."""
    if (signing_key is None) != (certificate is None):
        raise ValueError("signing needs both signing_key and certificate")
    root = etree.Element(_E + "edXML", nsmap=_NSMAP)
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    if isinstance(message, Status):
        _status_header(_sub(header, "MessageHeader"), message)
    else:
        _package(root, envelope, header, message)
    if signing_key is not None:
        return sign_root(root, header, signing_key, certificate)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def status_for(
    package: Package,
    code: StatusCode | str,
    *,
    sender: Organization,
    timestamp: dt.datetime,
    reason: str | None = None,
    description: str | None = None,
    staff: StaffInfo | None = None,
    signing_key: PrivateKey | None = None,
    certificate: object | None = None,
) -> bytes:
    """The status message with which `sender` (one of the package's To) answers it: 01 received,
    02 rejected (a `reason` is required: the sender must learn why), 03 accepted, …"""
    code = StatusCode(code)
    recipients = {organization.organ_id for organization in package.envelope.recipients}
    if sender.organ_id not in recipients:
        raise ValueError(f"{sender.organ_id} is not a recipient of {package.envelope.document_id}")
    if code is StatusCode.REJECTED and not (reason and reason.strip()):
        raise ValueError("a rejection (02) needs the reason")
    text = description or STATUS_DESCRIPTIONS[code]
    if reason:
        text = f"{text}: {reason}"
    envelope = package.envelope
    status = Status(
        sender=sender,
        response_for=ResponseFor(
            organ_id=envelope.sender.organ_id,
            code=str(envelope.code),
            promulgation_date=envelope.promulgation.date,
            document_id=envelope.document_id,
        ),
        code=code.value,
        description=text,
        timestamp=timestamp,
        staff=staff,
    )
    return build(status, signing_key=signing_key, certificate=certificate)


def _sub(parent: etree._Element, local: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _E + local)
    if text is not None:
        element.text = text
    return element


def _leaf(parent: etree._Element, local: str, value: object) -> None:
    """A text element, or nothing when the value is None."""
    if value is None:
        return
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dt.datetime):
        text = value.astimezone(VIETNAM_TIME).strftime("%Y/%m/%d %H:%M:%S")
    elif isinstance(value, dt.date):
        text = value.strftime("%Y/%m/%d")
    else:
        text = str(value)
    _sub(parent, local, text)


def _organization(parent: etree._Element, local: str, organization: Organization) -> None:
    element = _sub(parent, local)
    _leaf(element, "OrganId", organization.organ_id)
    _leaf(element, "OrganizationInCharge", organization.organization_in_charge)
    _leaf(element, "OrganName", organization.organ_name)
    _leaf(element, "OrganAdd", organization.organ_add)
    _leaf(element, "Email", organization.email)
    _leaf(element, "Telephone", organization.telephone)
    _leaf(element, "Fax", organization.fax)
    _leaf(element, "Website", organization.website)


def _staff(parent: etree._Element, staff: StaffInfo | None) -> None:
    if staff is None:
        return
    element = _sub(parent, "StaffInfo")
    _leaf(element, "Department", staff.department)
    _leaf(element, "Staff", staff.staff)
    _leaf(element, "Email", staff.email)
    _leaf(element, "Mobile", staff.mobile)


def _response_for(parent: etree._Element, response: ResponseFor) -> None:
    element = _sub(parent, "ResponseFor")
    _leaf(element, "OrganId", response.organ_id)
    _leaf(element, "Code", response.code)
    _leaf(element, "PromulgationDate", response.promulgation_date)
    _leaf(element, "DocumentId", response.document_id)


def _status_header(message: etree._Element, status: Status) -> None:
    _organization(message, "From", status.sender)
    _response_for(message, status.response_for)
    _staff(message, status.staff)
    _leaf(message, "StatusCode", status.code)
    _leaf(message, "Description", status.description)
    _leaf(message, "Timestamp", status.timestamp)


def _package(
    root: etree._Element, envelope: etree._Element, header: etree._Element, package: Package
) -> None:
    _message_header(_sub(header, "MessageHeader"), package.envelope)
    head = package.envelope
    if head.trace or head.business is not None:
        trace_list = _sub(header, "TraceHeaderList")
        for hop in head.trace:
            element = _sub(trace_list, "TraceHeader")
            _leaf(element, "OrganId", hop.organ_id)
            _leaf(element, "Timestamp", hop.timestamp)
        if head.business is not None:
            _business(trace_list, head.business)
    manifest = _sub(_sub(envelope, "edXMLBody"), "edXMLManifest")
    manifest.set("version", "1.0")
    for reference in package.manifest:
        element = _sub(manifest, "Reference")
        _leaf(element, "ContentId", reference.content_id)
        _leaf(element, "ContentType", reference.content_type)
        _leaf(element, "AttachmentName", reference.name)
        _leaf(element, "Description", reference.description)
    if package.attachments:
        encoded = _sub(root, "AttachmentEncoded")
        for attachment in package.attachments:
            element = _sub(encoded, "Attachment")
            _leaf(element, "ContentId", attachment.content_id)
            _leaf(element, "AttachmentName", attachment.name)
            _leaf(element, "Description", attachment.description)
            _leaf(element, "ContentType", attachment.content_type)
            _leaf(element, "ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))


def _message_header(message: etree._Element, head: Envelope) -> None:
    _organization(message, "From", head.sender)
    for recipient in head.recipients:
        _organization(message, "To", recipient)
    _leaf(message, "DocumentId", head.document_id)
    code = _sub(message, "Code")
    _leaf(code, "CodeNumber", head.code.number)
    _leaf(code, "CodeNotation", head.code.notation)
    promulgation = _sub(message, "PromulgationInfo")
    _leaf(promulgation, "Place", head.promulgation.place)
    _leaf(promulgation, "PromulgationDate", head.promulgation.date)
    if head.document_type is not None:
        kind = _sub(message, "DocumentType")
        _leaf(kind, "Type", head.document_type.type)
        _leaf(kind, "TypeDetail", head.document_type.type_detail)
        _leaf(kind, "TypeName", head.document_type.type_name)
    _leaf(message, "Subject", head.subject)
    _leaf(message, "Content", head.content)
    if head.signer is not None:
        signer = _sub(message, "SignerInfo")
        _leaf(signer, "Competence", head.signer.competence)
        _leaf(signer, "Position", head.signer.position)
        _leaf(signer, "FullName", head.signer.full_name)
    _leaf(message, "DueDate", head.due_date)
    if head.other_info is not None:
        _other_info(message, head.other_info)
    for response in head.response_for:
        _response_for(message, response)
    _leaf(message, "SteeringType", head.steering_type)
    if head.to_places:
        places = _sub(message, "ToPlaces")
        for place in head.to_places:
            _leaf(places, "Place", place)


def _other_info(message: etree._Element, info: OtherInfo) -> None:
    element = _sub(message, "OtherInfo")
    _leaf(element, "Priority", info.priority)
    _leaf(element, "SphereOfPromulgation", info.sphere_of_promulgation)
    _leaf(element, "TyperNotation", info.typer_notation)
    _leaf(element, "PromulgationAmount", info.promulgation_amount)
    _leaf(element, "PageAmount", info.page_amount)
    _leaf(element, "Direction", info.direction)
    if info.appendixes:
        appendixes = _sub(element, "Appendixes")
        for appendix in info.appendixes:
            _leaf(appendixes, "Appendix", appendix)


def _business(trace_list: etree._Element, business: Business) -> None:
    element = _sub(trace_list, "Bussiness")  # sic, as the standard spells it
    _leaf(element, "DocumentId", business.document_id)
    _leaf(element, "BussinessDocType", int(business.doc_type))
    _leaf(element, "BussinessDocReason", business.reason)
    _leaf(element, "Paper", business.paper)
    if business.document_info is not None:
        info = _sub(element, "BussinessDocumentInfo")
        _leaf(info, "DocumentInfo", business.document_info.document_info)
        _leaf(info, "DocumentReceiver", business.document_info.document_receiver)
        if business.document_info.receivers:
            receivers = _sub(info, "ReceiverList")
            for receiver in business.document_info.receivers:
                entry = _sub(receivers, "Receiver")
                _leaf(entry, "OrganId", receiver.organ_id)
                _leaf(entry, "ReceiverType", receiver.receiver_type)
    if business.replacements:
        replacements = _sub(element, "ReplacementInfoList")
        for replacement in business.replacements:
            entry = _sub(replacements, "ReplacementInfo")
            _leaf(entry, "DocumentId", replacement.document_id)
            organs = _sub(entry, "OrganIdList")
            for organ_id in replacement.organ_ids:
                _leaf(organs, "OrganId", organ_id)
    _staff(element, business.staff)
