"""A refused survey file changes nothing (docs/decisions/0106-bad-input-never-500.md)."""

from .conftest import passing_survey_form


def test_refused_survey_photo_leaves_no_survey_and_status_unchanged(sites_world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from canhve.sites.models import SafePoint, SafePointSurvey

    data = passing_survey_form("Ảnh giả")
    data["files"] = SimpleUploadedFile("anh.jpg", b"khong phai anh " * 100, content_type="image/jpeg")
    status_before = SafePoint.objects.get(pk=sites_world.point2.pk).status
    surveys_before = SafePointSurvey.objects.count()
    response = sites_world.client("k01_officer").post(
        reverse("sites-safepoint-survey", args=[sites_world.point2.pk]), data
    )
    assert response.status_code == 400
    assert SafePointSurvey.objects.count() == surveys_before
    assert SafePoint.objects.get(pk=sites_world.point2.pk).status == status_before


def test_a_refused_edit_of_a_secret_site_leaves_not_even_its_read_row(sites_world):
    """The page reads a Tối mật site (one READ audit row) before the form refuses the body: the 400
    rolls the read row back with everything else, as for any refused request (ADR 0106)."""
    from django.urls import reverse

    from canhve.core.models import AuditAction, AuditEntry
    from canhve.core.testing import changed_tables, database_rows

    client = sites_world.client("k01_officer")
    url = reverse("sites-edit", args=[sites_world.secret_site.pk])
    assert client.get(url).status_code == 200
    reads = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(sites_world.secret_site.pk))
    assert reads.count() == 1  # the GET read the record and said so
    before = database_rows()
    response = client.post(url, {"name": "", "lat": "north"})
    assert response.status_code == 400
    assert changed_tables(before, database_rows()) == []
    assert reads.count() == 1
