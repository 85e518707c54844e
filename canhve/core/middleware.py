from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import acting_as


def client_ip(request: HttpRequest) -> str | None:
    # Behind the reverse proxy the first X-Forwarded-For hop is the client; the proxy must overwrite it.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


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
