"""A refused survey file changes nothing (docs/decisions/0106-bad-input-never-500.md)."""


def test_refused_survey_photo_leaves_no_survey_and_status_unchanged(sites_world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from canhve.sites.models import SafePoint, SafePointSurvey

    data = {"surveyed_on": "2026-01-05", "notes": "Ảnh giả"}
    for gate in (
        "perimeter",
        "two_accesses",
        "motorcade_parking",
        "private_room",
        "sweepable",
        "operator",
        "fire_exits",
    ):
        data[f"gate_{gate}"] = "yes"
    for code in ("comms", "overlook", "footfall", "utilities", "helipad", "flood"):
        data[f"score_{code}"] = "4"
    data["files"] = SimpleUploadedFile("anh.jpg", b"khong phai anh " * 100, content_type="image/jpeg")
    status_before = SafePoint.objects.get(pk=sites_world.point2.pk).status
    surveys_before = SafePointSurvey.objects.count()
    response = sites_world.client("k01_officer").post(
        reverse("sites-safepoint-survey", args=[sites_world.point2.pk]), data
    )
    assert response.status_code == 400
    assert SafePointSurvey.objects.count() == surveys_before
    assert SafePoint.objects.get(pk=sites_world.point2.pk).status == status_before
