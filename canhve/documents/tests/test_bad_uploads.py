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


def test_a_damaged_pkcs12_is_a_400_naming_the_file_field(world):
    from django.test import Client

    from canhve.accounts.models import Membership, Role, User
    from canhve.core.testing import changed_tables, database_rows, login
    from canhve.documents.models import SigningCredential

    admin = User.objects.create_superuser(username="qt", password="x-test-pass-1234")
    Membership.objects.create(user=admin, agency=world.agencies["K01"], role=Role.ADMINISTRATOR)
    client = login(Client(), admin)
    before = database_rows()
    response = client.post(
        reverse("admin:documents-credential-upload"),
        {
            "agency": world.agencies["K01"].pk,
            "kind": "seal",
            "pkcs12": SimpleUploadedFile("k01.p12", b"not a pkcs12 file"),
            "passphrase": "x",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["pkcs12"]
    assert changed_tables(before, database_rows()) == []
    assert not SigningCredential.objects.exists()
