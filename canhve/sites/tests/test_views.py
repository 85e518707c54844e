from django.urls import reverse

from canhve.core.models import AuditAction, AuditEntry
from canhve.core.testing import check_matrix
from canhve.sites.models import SafePoint, SafePointStatus

from .conftest import passing_survey_form
from .persona_urls import CASES


def test_persona_matrix(sites_world):
    check_matrix(sites_world, CASES)
    # the matrix's POSTs took effect only for those allowed
    sites_world.point.refresh_from_db()
    assert sites_world.point.status == SafePointStatus.APPROVED
    assert SafePoint.objects.get(pk=sites_world.point2.pk).status == SafePointStatus.RETIRED


def test_evidence_download_is_audited_and_not_sniffable(sites_world):
    response = sites_world.client("th_liaison").get(reverse("sites-evidence", args=[sites_world.evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(sites_world.point.pk)).exists()


def test_site_list_hides_other_agencies_sites(sites_world):
    response = sites_world.client("ct_outsider").get(reverse("sites-list"))
    assert "Nhà khách giả định" not in response.content.decode()
    response = sites_world.client("k01_officer").get(reverse("sites-list"), {"kind": "venue"})
    assert "Nhà khách giả định" in response.content.decode()


def test_safepoint_list_query_count_does_not_grow(sites_world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import make_point

    client = sites_world.client("k01_officer")
    client.get(reverse("sites-safepoint-list"))  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("sites-safepoint-list"))
    for i in range(5):
        make_point(sites_world, f"Thêm {i}", corridor=None)
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("sites-safepoint-list"))
    assert "Thêm 4" in response.content.decode()
    assert len(after) == len(before)


def test_survey_form_records_and_scores(sites_world):
    client = sites_world.client("k01_officer")
    data = passing_survey_form("Khảo sát thử")
    response = client.post(reverse("sites-safepoint-survey", args=[sites_world.point2.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    point = SafePoint.objects.get(pk=sites_world.point2.pk)
    assert point.status == SafePointStatus.SCORED and point.score is not None


def test_dashboard_renders_numbers(sites_world):
    response = sites_world.client("k01_commander").get(reverse("sites-dashboard"))
    html = response.content.decode()
    assert 'id="province-data"' in html and "Hà Nội" in html
