"""The API's shared parts: authentication, error bodies, pagination. Every app's `api.py` builds a
`ninja.Router` with these, and `canhve/api.py` mounts each one at /api/<app>/."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination
from ninja.security import APIKeyCookie, HttpBearer

from canhve.accounts.models import ApiToken, TokenScope
from canhve.accounts.second_factor import lacks_second_factor
from canhve.core.access import record_reads
from canhve.core.context import become
from canhve.core.middleware import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# An integer both databases can store and compare (signed 64 bits). A larger id in a filter made SQLite
# raise OverflowError (a 500); declared with this type it is a 422 naming the parameter (ADR 0106).
DbInt = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cv_…`: a per-user token with read or write scope, expiring, revocable."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = ApiToken.authenticate(token)
        if api_token is None:
            return None
        if request.method not in SAFE_METHODS and api_token.scope != TokenScope.WRITE:
            raise HttpError(403, "Mã truy cập này chỉ có quyền đọc (read scope).")
        request.user = api_token.user
        become(api_token.user, ip=client_ip(request), via="api")
        return api_token


class SessionAuth(APIKeyCookie):
    """The browser's session, so pages can call the API with htmx. CSRF is checked for writes."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # A session that passed only the password step is no session for a Tối mật user.
            if lacks_second_factor(user):
                return None
            return user
        return None


AUTH = [TokenAuth(), SessionAuth()]

# Every list endpoint: `@paginate(AuditedPagination, page_size=PAGE_SIZE)`.
PAGE_SIZE = 50
MAX_PAGE = 2**31  # offset MAX_PAGE * page size stays far inside a signed 64-bit integer


class AuditedPagination(PageNumberPagination):
    """Page-number pagination that audits the page it returns: one READ row per Tối mật or Tuyệt mật
    record whose body the page discloses (ADR 0108), so no list endpoint can forget it."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        # A page past any real one answers an empty page; unclamped, its offset overflowed the DB (ADR 0106).
        if getattr(pagination, "page", 1) > MAX_PAGE:
            pagination.page = MAX_PAGE
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page[self.items_attribute])
        record_reads(items, note=f"API {request.path}"[:255])
        page[self.items_attribute] = items
        return page


# ---- documented errors ---------------------------------------------------------------------------------
# Every error the API answers has one body, `{"errors": [{"field", "reason"}]}` (canhve/api.py's handlers,
# the NUL guard), and every operation documents the statuses it may answer with it, added here in one place
# so no endpoint can forget one (ADR 0106). A 409 is the operation's own to declare (ConflictOut, with
# its expected_version: ADR 0105); an operation's own declaration of any status wins.
ERROR_SCHEMAS = {
    "ErrorItem": {
        "title": "ErrorItem",
        "type": "object",
        "properties": {
            "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Field"},
            "reason": {"type": "string", "title": "Reason"},
        },
        "required": ["field", "reason"],
    },
    "ErrorOut": {
        "title": "ErrorOut",
        "type": "object",
        "properties": {
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorItem"}},
        },
        "required": ["errors"],
    },
}
ERRORS = {
    400: "Input the server cannot store (a NUL byte, a lone surrogate, bytes that are not UTF-8), by field",
    401: "No valid session or API token",
    403: "Not allowed (a read-only token writing, a missing role)",
    404: "Not found, or not visible to the caller",
    422: "Invalid input, by field",
}


def document_errors(schema: Any) -> Any:
    """Add the shared error body and the error statuses each operation may answer to an OpenAPI schema."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            statuses = {400, 401, 403, 422}
            if "{" in path:
                statuses.add(404)
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                responses.setdefault(str(status), {"description": ERRORS[status], "content": body})
    return schema
