"""What an uploaded file really is, decided by its content (docs/decisions/0106-bad-input-never-500.md).

`file_type(upload, allowed)` reads the magic bytes, then makes sure the file is what they claim: an image
must open, verify and decode with Pillow (a PNG header on garbage, a truncated JPEG, a decompression bomb
are refused), a PDF must start with `%PDF-` and end with `%%EOF`. It returns the content type or raises a
`ValidationError` with a message the caller files under its field name, before anything is written.
"""

from __future__ import annotations

import warnings
from typing import Any

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAGIC = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}
PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG"}
EXTENSION = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
LABEL = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}
# A photo from any phone fits; a "zip bomb" image (tiny file, gigapixels) does not.
MAX_PIXELS = 60_000_000
_CHECKED = "_canhve_content_type"


def _image_problem(upload: Any, content_type: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as img:
                if img.format != PILLOW_FORMAT[content_type]:
                    return f"nội dung không phải ảnh {LABEL[content_type]}"
                if img.width * img.height > MAX_PIXELS:
                    return f"ảnh quá lớn ({img.width}×{img.height} điểm ảnh)"
                img.verify()  # structure and checksums, without decoding
            upload.seek(0)
            with Image.open(upload) as img:
                img.load()  # the pixels themselves: a truncated file fails here
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return f"không đọc được ảnh ({exc.__class__.__name__})"
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return f"ảnh hỏng hoặc không trọn vẹn ({exc})"[:200]
    finally:
        upload.seek(0)
    return None


def _pdf_problem(upload: Any) -> str | None:
    upload.seek(0)
    size = upload.size or 0
    upload.seek(max(0, size - 2048))
    tail = upload.read()
    upload.seek(0)
    return None if b"%%EOF" in tail else "tệp PDF không trọn vẹn (thiếu %%EOF)"


def file_type(upload: Any, allowed: frozenset[str] | set[str], *, max_bytes: int) -> str:
    """The content type of `upload` among `allowed`, checked by content; ValidationError otherwise."""
    key = (frozenset(allowed), max_bytes)
    cached = getattr(upload, _CHECKED, None)
    if cached is not None and cached[0] == key:
        return str(cached[1])  # already checked under the same terms (the form, then the service)
    names = ", ".join(LABEL[t] for t in MAGIC.values() if t in allowed)
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(f"Tệp quá lớn (tối đa {max_bytes // (1024 * 1024)} MB).")
    if upload.size == 0:
        raise ValidationError("Tệp rỗng.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = next((t for magic, t in MAGIC.items() if head.startswith(magic)), "")
    if content_type not in allowed:
        raise ValidationError(f"Chỉ nhận {names} (kiểm tra theo nội dung tệp).")
    if content_type == "application/pdf":
        problem = _pdf_problem(upload)
    else:
        problem = _image_problem(upload, content_type)
    if problem:
        raise ValidationError(f"Tệp không hợp lệ: {problem}.")
    setattr(upload, _CHECKED, (key, content_type))
    return str(content_type)
