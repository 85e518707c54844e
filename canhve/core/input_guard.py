"""Refuse input PostgreSQL cannot store before any view sees it (docs/decisions/0106-bad-input-never-500.md).

A NUL byte (U+0000) in a query string, a form field or a JSON body made PostgreSQL raise inside the view
(a 500); SQLite stored it. Both now get a 400 naming the parameter and the reason: JSON
``{"errors": [{"field", "reason"}]}`` under /api/, a plain Vietnamese page elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape

REASON = "chứa ký tự NUL (\\x00), không được phép"


def _walk(value: Any, path: str) -> Iterable[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                yield name
            else:
                yield from _walk(item, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]" if path else f"[{i}]")


def bad_fields(request: HttpRequest) -> list[str]:
    """The names of the parameters carrying a NUL byte, in the query string, form fields or JSON body."""
    found: list[str] = []
    sources = [request.GET]
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method not in ("GET", "HEAD", "OPTIONS") and content_type.startswith("application/json"):
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            body = None
        found.extend(_walk(body, ""))
    elif request.method == "POST":
        sources.append(request.POST)
    for source in sources:
        for key in source:
            if "\x00" in key or any("\x00" in v for v in source.getlist(key)):
                found.append(key.replace("\x00", "\\x00"))
    if "\x00" in request.path:
        found.append("path")
    return found


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = bad_fields(request)
        if not fields:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"errors": [{"field": f, "reason": REASON} for f in fields]}, status=400)
        items = "".join(f"<li><code>{escape(f)}</code>: {escape(REASON)}</li>" for f in fields)
        return HttpResponse(
            f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>Dữ liệu không hợp lệ</title>'
            f"<h1>Dữ liệu gửi lên không hợp lệ</h1><ul>{items}</ul></html>",
            status=400,
            content_type="text/html; charset=utf-8",
        )
