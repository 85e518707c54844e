"""Views for test_refused_requests: each writes a row, then answers as its name says."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from canhve.core.models import Job
from canhve.core.transactions import commits_on_refusal, keep_on_refusal
from canhve.urls import urlpatterns as project_urls


def _write(request: HttpRequest) -> None:
    Job.objects.create(kind=f"test:{request.path}")


def answers(status: int):
    def view(request: HttpRequest) -> HttpResponse:
        _write(request)
        return HttpResponse(status=status)

    return view


def raises(request: HttpRequest) -> HttpResponse:
    _write(request)
    raise PermissionDenied


@commits_on_refusal
def kept_by_decorator(request: HttpRequest) -> HttpResponse:
    _write(request)
    return HttpResponse(status=400)


def kept_by_request(request: HttpRequest) -> HttpResponse:
    _write(request)
    keep_on_refusal(request)
    return HttpResponse(status=429)


@transaction.non_atomic_requests
def not_atomic(request: HttpRequest) -> HttpResponse:
    _write(request)
    return HttpResponse(status=400)


urlpatterns = [
    *[path(f"_t/answers/{s}/", answers(s)) for s in (200, 201, 302, 400, 403, 404, 409, 422, 500)],
    path("_t/raises/", raises),
    path("_t/kept-by-decorator/", kept_by_decorator),
    path("_t/kept-by-request/", kept_by_request),
    path("_t/not-atomic/", not_atomic),
    *project_urls,
]
