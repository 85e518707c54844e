"""Refuse input PostgreSQL cannot store before any view sees it (docs/decisions/0106-bad-input-never-500.md).

A NUL byte (U+0000) in a query string, a form field or a JSON body made PostgreSQL raise inside the view
(a 500); SQLite stored it. A lone UTF-16 surrogate (`"\\ud800"` in JSON) cannot be encoded as UTF-8 for
either database. Bytes that are not UTF-8 in a query string or a urlencoded form were silently replaced
by U+FFFD. All now get a 400 naming the parameter and the reason: JSON ``{"errors": [{"field", "reason"}]}``
under /api/, a plain Vietnamese page elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus, unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape

REASON = "chứa ký tự NUL (\\x00), không được phép"
SURROGATE = "chứa nửa cặp UTF-16 đứng lẻ (\\ud800–\\udfff), không phải văn bản Unicode hợp lệ"
NOT_UTF8 = "chứa byte không phải UTF-8"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _problem(text: str) -> str | None:
    if "\x00" in text:
        return REASON
    if _SURROGATE.search(text):
        return SURROGATE
    return None


def _walk(value: Any, path: str) -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        problem = _problem(value)
        if problem:
            yield path, problem
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            problem = _problem(str(key))
            if problem:
                yield _printable(name), problem
            else:
                yield from _walk(item, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]" if path else f"[{i}]")


def _printable(name: str) -> str:
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", name.replace("\x00", "\\x00"))


def _raw(part: str) -> bytes:
    # WSGI hands the query string over as latin-1 text (PEP 3333): its characters are the raw bytes.
    try:
        raw = part.replace("+", " ").encode("latin-1")
    except UnicodeEncodeError:
        raw = part.replace("+", " ").encode("utf-8")
    return unquote_to_bytes(raw)


def _not_utf8(encoded: str) -> Iterable[tuple[str, str]]:
    """Parameters of an urlencoded string (query string, form body) whose bytes are not UTF-8."""
    for pair in encoded.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        for part in (key, value):
            try:
                _raw(part).decode("utf-8")
            except UnicodeDecodeError:
                yield _printable(unquote_plus(key, errors="replace")), NOT_UTF8
                break


def bad_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """(name, reason) of each parameter, in the query string, form fields or JSON body, that carries a NUL
    byte, a lone surrogate, or bytes that are not UTF-8."""
    found: list[tuple[str, str]] = list(_not_utf8(request.META.get("QUERY_STRING", "")))
    sources = [] if found else [request.GET]
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method not in ("GET", "HEAD", "OPTIONS") and content_type.startswith("application/json"):
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            body = None
        found.extend(_walk(body, ""))
    elif request.method == "POST":
        urlencoded = content_type.startswith("application/x-www-form-urlencoded")
        form_errors = list(_not_utf8(request.body.decode("latin-1"))) if urlencoded else []
        found.extend(form_errors)
        if not form_errors:
            sources.append(request.POST)
    for source in sources:
        for key in source:
            problem = _problem(key) or next(filter(None, map(_problem, source.getlist(key))), None)
            if problem:
                found.append((_printable(key), problem))
    if "\x00" in request.path:
        found.append(("path", REASON))
    return found


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = bad_fields(request)
        if not fields:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"errors": [{"field": f, "reason": r} for f, r in fields]}, status=400)
        items = "".join(f"<li><code>{escape(f)}</code>: {escape(r)}</li>" for f, r in fields)
        return HttpResponse(
            f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>Dữ liệu không hợp lệ</title>'
            f"<h1>Dữ liệu gửi lên không hợp lệ</h1><ul>{items}</ul></html>",
            status=400,
            content_type="text/html; charset=utf-8",
        )
