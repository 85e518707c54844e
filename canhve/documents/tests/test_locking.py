"""ADR 0105: two editors of one draft; the second save of the same version gets 409, not a lost update."""

from django.test import Client
from django.urls import reverse

from canhve.core.testing import login
from canhve.documents.models import Document

from .conftest import make_draft


def _post_data(page, summary: str) -> dict:
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["doc_type"] = form["doc_type"].value()
    data["summary"] = summary
    return data


def test_second_save_of_a_stale_draft_gets_409_and_keeps_the_first(world, types):
    doc = make_draft(world, types)
    url = reverse("documents-edit", args=[doc.pk])
    alice, bob = (login(Client(), world.user("k01_officer")) for _ in range(2))
    page_a, page_b = alice.get(url), bob.get(url)
    assert page_a.status_code == page_b.status_code == 200
    first = alice.post(url, _post_data(page_a, "Bản của người thứ nhất"))
    assert first.status_code == 302
    second = bob.post(url, _post_data(page_b, "Bản của người thứ hai"))
    assert second.status_code == 409
    body = second.content.decode()
    assert "Bản của người thứ hai" in body and "Bản của người thứ nhất" in body  # both shown, nothing lost
    doc = Document.objects.get(pk=doc.pk)
    assert doc.summary == "Bản của người thứ nhất" and doc.version == 1


def test_api_patch_with_a_stale_version_gets_409_with_both_versions(world, types):
    doc = make_draft(world, types)
    url = f"/api/documents/documents/{doc.pk}"
    alice, bob = (login(Client(), world.user("k01_officer")) for _ in range(2))
    v = alice.get(url).json()["version"]
    assert bob.get(url).json()["version"] == v
    first = alice.patch(
        url, {"expected_version": v, "summary": "API thứ nhất"}, content_type="application/json"
    )
    assert first.status_code == 200, first.content
    second = bob.patch(
        url, {"expected_version": v, "summary": "API thứ hai"}, content_type="application/json"
    )
    assert second.status_code == 409
    body = second.json()
    assert body["submitted"]["summary"] == "API thứ hai" and body["current"]["summary"] == "API thứ nhất"
    assert body["current_version"] == v + 1
    assert Document.objects.get(pk=doc.pk).summary == "API thứ nhất"
