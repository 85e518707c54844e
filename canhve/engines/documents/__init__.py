"""Document engine: Decree 30/2020/NĐ-CP official documents to DOCX and PDF, and PDF ký số.

Plain Python (no Django): the documents app builds an `OfficialDocument`, renders it, signs the PDF
with PKCS#12 credentials and stores the bytes.
"""

from .demo_ca import Credential, DemoCA, make_demo_ca
from .docx_render import render_docx
from .model import (
    Block,
    BulletList,
    Heading,
    Image,
    OfficialDocument,
    Paragraph,
    Secrecy,
    SignatureBlock,
    SignatureBox,
    Table,
    Urgency,
    date_line,
    number_line,
)
from .pdf_render import RenderedPdf, render_pdf
from .signing import (
    Appearance,
    LaterChanges,
    SignatureReport,
    SigningError,
    VerificationReport,
    sign_pdf,
    verify_pdf,
)

__all__ = [
    "Appearance",
    "Block",
    "BulletList",
    "Credential",
    "DemoCA",
    "Heading",
    "Image",
    "LaterChanges",
    "OfficialDocument",
    "Paragraph",
    "RenderedPdf",
    "Secrecy",
    "SignatureBlock",
    "SignatureBox",
    "SignatureReport",
    "SigningError",
    "Table",
    "Urgency",
    "VerificationReport",
    "date_line",
    "make_demo_ca",
    "number_line",
    "render_docx",
    "render_pdf",
    "sign_pdf",
    "verify_pdf",
]
