"""Why a message was refused. Every refusal is an `EdxmlError` whose text names what is wrong, so the
importer can answer with one line (and a 02 status) instead of a traceback."""

from __future__ import annotations


class EdxmlError(Exception):
    """The bytes are not an edXML message canhve can take in."""


class NotWellFormed(EdxmlError):
    """Not well-formed XML: truncated, garbage before the declaration, an undeclared prefix, …"""


class ForbiddenMarkup(EdxmlError):
    """A DOCTYPE, entity or processing instruction: never needed by edXML, the vehicle of entity bombs
    and external-entity reads, so refused before anything is read."""


class TooLarge(EdxmlError):
    """Larger than the reader accepts."""


class NotEdxml(EdxmlError):
    """Well-formed XML, but another kind of document (wrong root element or namespace)."""


class InvalidContent(EdxmlError):
    """An edXML message with a required element missing or a value that cannot be read."""
