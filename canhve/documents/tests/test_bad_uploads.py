"""The signature check takes only a PDF, decided by its content; anything else is refused naming the field
before the check is run or audited (docs/decisions/0106-bad-input-never-500.md)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canhve.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NOT_PDF = [b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"%PDF-1.7\n1 0 obj\n", b"plain text"]


@pytest.mark.parametrize("content", NOT_PDF)
def test_the_verify_page_refuses_what_is_not_a_pdf(world, content):
    client = world.client("ct_outsider")
    audit = AuditEntry.objects.count()
    response = client.post(reverse("documents-verify"), {"pdf": SimpleUploadedFile("x.pdf", content)})
    assert response.status_code == 400
    assert response.context["form"].errors["pdf"]
    assert AuditEntry.objects.count() == audit


@pytest.mark.parametrize("content", NOT_PDF)
def test_the_verify_api_refuses_what_is_not_a_pdf(world, content):
    client = world.client("ct_outsider")
    response = client.post("/api/documents/verify", {"pdf": SimpleUploadedFile("x.pdf", content)})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["pdf"]
