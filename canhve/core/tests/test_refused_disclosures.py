"""A refused request stores nothing (ADR 0106) but the record that it disclosed something (ADR 0108): a
4xx answer may still show a Tối mật record, so its READ rows outlive the rollback, chained onto the trail,
while everything else the request wrote is discarded."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse

from canhve.core import audit_chain
from canhve.core.access import record_read, record_reads
from canhve.core.models import AuditAction, AuditEntry, Job, write_audit
from canhve.core.secrecy import Secrecy
from canhve.core.tests.test_audit_compartment import top_secret_op
from canhve.documents.apps import DocumentsConfig
from canhve.documents.forms import EditForm
from canhve.documents.models import DocumentType
from canhve.documents.tests.conftest import make_draft
from canhve.operations.models import Operation
from canhve.urls import urlpatterns as project_urls

pytestmark = pytest.mark.django_db


def _show_the_operation(request: HttpRequest, pk: int) -> HttpResponse:
    """What a refused edit page does: reads the record (its page and a list beside it), writes what it
    would store, then shows the record."""
    op = Operation.objects.get(pk=pk)
    record_read(op, note="detail")
    record_reads([op], note="list")
    Job.objects.create(kind="test:refused-disclosure")
    write_audit(action=AuditAction.UPDATE, obj=op, note="would-be change")
    return HttpResponse(op.name)


def answers(status: int):
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        response = _show_the_operation(request, pk)
        response.status_code = status
        return response

    return view


def raises(request: HttpRequest, pk: int) -> HttpResponse:
    _show_the_operation(request, pk)
    raise PermissionDenied


urlpatterns = [
    path("_t/shows/<int:status>/<int:pk>/", lambda request, status, pk: answers(status)(request, pk)),
    path("_t/shows-then-raises/<int:pk>/", raises),
    *project_urls,
]


def reads_of(obj) -> list[AuditEntry]:
    rows = AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    return list(rows.filter(action=AuditAction.READ).order_by("id"))


@pytest.fixture
def op(world):
    return top_secret_op(world, "TM-SHOWN")


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status", "reads"),
    [
        ("/_t/shows/200/{pk}/", 200, ["detail", "list"]),  # written once, not again
        ("/_t/shows/400/{pk}/", 400, ["detail", "list"]),
        ("/_t/shows/409/{pk}/", 409, ["detail", "list"]),
        ("/_t/shows/422/{pk}/", 422, ["detail", "list"]),
        ("/_t/shows-then-raises/{pk}/", 403, []),  # an error page shows nothing of the record
    ],
)
def test_a_refusal_keeps_the_read_rows_of_what_it_showed_and_nothing_else(world, op, url, status, reads):
    before = {row.pk for row in reads_of(op)}
    response = world.client("k01_commander").post(url.format(pk=op.pk))
    assert response.status_code == status
    assert (op.name in response.content.decode()) is bool(reads)
    kept = [row for row in reads_of(op) if row.pk not in before]
    assert [row.note for row in kept] == reads
    for row in kept:
        assert row.actor == world.user("k01_commander")
        assert (row.owner_agency_id, row.secrecy) == (world.agencies["K01"].pk, Secrecy.TUYET_MAT)
    stored = status < 400
    assert Job.objects.filter(kind="test:refused-disclosure").exists() is stored
    assert AuditEntry.objects.filter(note="would-be change").exists() is stored
    audit_chain.verify()


def test_a_stale_edit_of_a_secret_document_shows_the_stored_text_and_records_the_read(world):
    """The 409 of a stale save lists the stored values beside the editor's (core/locking.py)."""
    DocumentsConfig.load_reference(None)  # type: ignore[arg-type]
    types = {t.code: t for t in DocumentType.objects.all()}
    doc = make_draft(world, types, secrecy=Secrecy.TOI_MAT, summary="Trích yếu tối mật đang lưu")
    officer = world.user("k01_officer")
    form = EditForm(instance=doc, user=officer, initial={"body": ""})
    posted = {name: value for name in form.fields if (value := form[name].value()) is not None}
    posted |= {"summary": "Trích yếu của người sửa", "expected_version": doc.version + 1}
    response = world.client("k01_officer").post(reverse("documents-edit", args=[doc.pk]), posted)
    assert response.status_code == 409, response.context["form"].errors
    assert "Trích yếu tối mật đang lưu" in response.content.decode()
    assert [(row.actor, row.secrecy) for row in reads_of(doc)] == [(officer, Secrecy.TOI_MAT)]
    doc.refresh_from_db()
    assert doc.summary == "Trích yếu tối mật đang lưu"
    audit_chain.verify()
