"""The typed REST API at /api/, its OpenAPI 3 schema at /api/openapi.json and docs at /api/docs.

Each app that has an `api.py` with a `router` is mounted at /api/<app label>/; nothing here changes when
an app adds endpoints.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .apikit import AUTH, document_errors


class CanhveAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        # The error statuses and their body, documented for every operation in one place (apikit).
        return document_errors(super().get_openapi_schema(**kwargs))


api = CanhveAPI(
    title="canhve API",
    version="1",
    description="Protective-operations platform. Every endpoint returns only what the caller may see.",
    auth=AUTH,
    urls_namespace="api",
    # The schema names every endpoint and field: it is for signed-in users, like the pages.
    docs_decorator=login_required,
)


_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
_PARAM_NAMES = frozenset({"payload", "filters", "data"})


def _errors(request: HttpRequest, status: int, errors: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"errors": errors}, status=status)


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        # ninja reports ("body", "payload", "title"): the field follows the location and parameter name.
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in _LOCATIONS:
            loc = loc[1:]
        if len(loc) > 1 and loc[0] in _PARAM_NAMES:
            loc = loc[1:]
        errors.append({"field": ".".join(loc) or None, "reason": err.get("msg", "invalid")})
    return _errors(request, 422, errors)


@api.exception_handler(ValidationError)
def _django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors: list[dict[str, Any]] = [
            {"field": f, "reason": " ".join(m for e in errs for m in e.messages)}
            for f, errs in exc.error_dict.items()
        ]
    else:
        errors = [{"field": None, "reason": m} for m in exc.messages]
    return _errors(request, 422, errors)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _errors(request, 404, [{"field": None, "reason": "Không tìm thấy hoặc không có quyền xem."}])


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _errors(request, 403, [{"field": None, "reason": str(exc) or "Không có quyền."}])


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _errors(request, 401, [{"field": None, "reason": "Cần đăng nhập hoặc mã truy cập API hợp lệ."}])


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _errors(request, exc.status_code, [{"field": None, "reason": str(exc)}])


def _mount_app_routers() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("canhve."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        api.add_router(f"/{config.label}/", module.router, tags=[str(config.verbose_name)])


_mount_app_routers()
