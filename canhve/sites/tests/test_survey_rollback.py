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


def test_a_refused_edit_of_a_secret_site_keeps_only_its_read_row(sites_world):
    """The page reads a Tối mật site (one READ audit row) and shows it again with the form's errors: the
    400 rolls back everything else, but the read is recorded (ADR 0106, 0108)."""
    from django.urls import reverse

    from canhve.core.models import AuditAction, AuditEntry
    from canhve.core.testing import changed_tables, database_rows

    client = sites_world.client("k01_officer")
    url = reverse("sites-edit", args=[sites_world.secret_site.pk])
    assert client.get(url).status_code == 200
    last = AuditEntry.objects.order_by("-id").first()
    before = database_rows()
    response = client.post(url, {"name": "", "lat": "north"})
    assert response.status_code == 400
    assert changed_tables(before, database_rows()) == ["core_auditentry"]
    added = AuditEntry.objects.filter(id__gt=last.pk)
    assert list(added.values_list("action", "object_id")) == [
        (AuditAction.READ, str(sites_world.secret_site.pk))
    ]
