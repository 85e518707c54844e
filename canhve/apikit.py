"""The API's shared parts: authentication, error bodies, pagination. Every app's `api.py` builds a
`ninja.Router` with these, and `canhve/api.py` mounts each one at /api/<app>/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination
from ninja.security import APIKeyCookie, HttpBearer

from canhve.accounts.models import ApiToken, TokenScope
from canhve.accounts.second_factor import lacks_second_factor
from canhve.core.access import record_reads
from canhve.core.context import become
from canhve.core.middleware import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
