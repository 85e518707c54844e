"""Hardened XML reading: the only place edXML bytes meet an XML parser.

lxml with entity resolution, DTD loading and network access off; then any DOCTYPE is refused outright,
because edXML never needs one and it is how entity bombs and external-entity reads arrive. `huge_tree`
is on so a signed PDF larger than libxml2's 10 MB text-node limit still reads: the amplification it
guards against needs entities, which cannot get this far, and the input size is capped instead.
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import ForbiddenMarkup, NotWellFormed, TooLarge

MAX_BYTES = 128 * 1024 * 1024  # a package is sent whole on the axis; far above any real one
_UTF8_BOM = b"\xef\xbb\xbf"
# Whitespace, the declaration, PIs and comments may precede a DOCTYPE; nothing else can.
_DOCTYPE_IN_PROLOG = re.compile(rb"\A(?:\s|<\?.*?\?>|<!--.*?-->)*<!DOCTYPE", re.DOTALL)
_TRUNCATION_HINTS = ("Premature end of data", "EndTag: '</' not found")


def parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep state (error log) and are not shared across threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,  # the samples comment out whole elements; comments carry nothing
        remove_pis=True,
        collect_ids=False,
    )


def read_xml(data: bytes, *, max_bytes: int = MAX_BYTES) -> etree._Element:
    """The root element of `data`, or an `EdxmlError` subclass saying why not."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("edXML is read from bytes")
    data = bytes(data)
    if len(data) > max_bytes:
        raise TooLarge(f"{len(data):,} bytes is more than the {max_bytes:,} accepted")
    if not data.strip():
        raise NotWellFormed("the package is empty")
    _refuse_leading_garbage(data)
    # Before parsing: libxml2 would read the internal subset's declarations first (and, for a bomb,
    # stop with an amplification error that says nothing useful).
    if _DOCTYPE_IN_PROLOG.match(data.removeprefix(_UTF8_BOM)):
        raise ForbiddenMarkup("a DOCTYPE declaration is not allowed in edXML (entities are refused)")
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as error:
        message = str(error)
        # An error on the last line, or libxml2's words for running out of input, means the bytes stop
        # before the document does (a transfer cut short), which is worth saying apart from bad markup.
        at_end = error.lineno >= data.rstrip().count(b"\n") + 1
        if at_end or any(hint in message for hint in _TRUNCATION_HINTS):
            raise NotWellFormed(f"not well-formed XML, it looks truncated: {message}") from None
        raise NotWellFormed(f"not well-formed XML: {message}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ForbiddenMarkup("a DOCTYPE declaration is not allowed in edXML (entities are refused)")
    for _entity in root.iter(etree.Entity):
        raise ForbiddenMarkup("an entity reference is not allowed in edXML")
    return root


def _refuse_leading_garbage(data: bytes) -> None:
    # libxml2 says only "Start tag expected"; say what is there, since a gateway's sample had "1212".
    body = data[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    stripped = body.lstrip(b" \t\r\n")
    if stripped[:1] != b"<":
        end = stripped.find(b"<")
        junk = stripped if end < 0 else stripped[:end]
        shown = junk[:20].decode("utf-8", "replace")
        where = "instead of XML" if end < 0 else "before the XML declaration"
        raise NotWellFormed(f"{len(junk)} bytes of other content ({shown!r}) {where}")
