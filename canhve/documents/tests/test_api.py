import pytest
from django.test import Client

from canhve.accounts.models import ApiToken, TokenScope
from canhve.core.models import AuditAction, AuditEntry


@pytest.fixture
def w(docs_world):
    return docs_world


def _client(w, persona, scope=TokenScope.READ):
    _, raw = ApiToken.issue(user=w.user(persona), name="t", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_list_is_scoped_to_the_caller(w):
    ids = {d["id"] for d in _client(w, "th_liaison").get("/api/documents/documents").json()["items"]}
    assert ids == {w.draft.pk, w.issued.pk}
    assert _client(w, "k01_officer").get(f"/api/documents/documents/{w.top_secret.pk}").status_code == 404
    assert _client(w, "k01_commander").get(f"/api/documents/documents/{w.top_secret.pk}").status_code == 200


def test_a_draft_is_created_and_moved_through_the_services(w):
    c = _client(w, "k01_officer", TokenScope.WRITE)
    payload = {
        "owner_agency_code": "K01-TM",
        "doc_type": "TB",
        "summary": "Thông báo lịch trực",
        "signer_title": "Trưởng phòng",
        "signer_name": "Lê Văn B",
        "recipients": ["Các đội"],
        "body": "# I. LỊCH\nNội dung.",
    }
    r = c.post("/api/documents/documents", payload, content_type="application/json")
    assert r.status_code == 201 and r.json()["number_symbol"] == "Số: …/TB-K01-TM"
    doc_id = r.json()["id"]
    r = c.post(
        f"/api/documents/documents/{doc_id}/move", {"target": "issued"}, content_type="application/json"
    )
    assert r.status_code in (403, 422)
    r = c.post("/api/documents/documents", {**payload, "secrecy": 3}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "secrecy"


def test_api_downloads_are_audited(w):
    r = _client(w, "th_liaison").get(f"/api/documents/documents/{w.issued.pk}/file/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, object_id=str(w.issued.pk), actor=w.user("th_liaison")
    ).exists()
