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
