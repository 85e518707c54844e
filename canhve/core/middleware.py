from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from .context import acting_as


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. X-Forwarded-For counts only when the peer is a configured proxy (which
    must overwrite the header); from anyone else it is a claim the client makes about itself."""
    peer = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and peer in settings.FORWARDED_ALLOW_IPS:
        return forwarded.split(",")[0].strip()
    return peer


class PrivateResponseMiddleware:
    """Signed-in pages and every API answer may hold secrets: no browser or proxy cache keeps them.
    Every response also says which device features pages may use (Permissions-Policy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AuditContextMiddleware:
    """Makes the signed-in user and the client address the actor of every audit row written by the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        via = "api" if request.path.startswith("/api/") else "web"
        with acting_as(user, ip=client_ip(request), via=via):
            return self.get_response(request)


class VietnameseByDefaultMiddleware:
    """The UI is Vietnamese unless the user picks English with the switch (a cookie): a browser's
    Accept-Language alone does not change it, so every officer sees the same screens by default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
