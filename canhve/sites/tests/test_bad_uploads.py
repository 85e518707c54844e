"""Evidence files are checked by content before anything is written; a photo must decode with Pillow.
A refused file answers 400 naming the field (docs/decisions/0106-bad-input-never-500.md)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canhve.core.testing import changed_tables, database_rows
from canhve.sites.models import Evidence, SafePointSurvey

from .conftest import image_bytes, passing_survey_form

JPEG = image_bytes("JPEG", (64, 48))
BAD = {
    "png header on garbage": ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    "truncated jpeg": ("a.jpg", JPEG[: len(JPEG) // 2]),
    "jpeg header on text": ("a.jpg", b"\xff\xd8\xff" + b"<script>alert(1)</script>" * 4),
    "gif": ("a.gif", b"GIF89a" + b"\x00" * 32),
    "pdf without its end": ("a.pdf", b"%PDF-1.7\n1 0 obj\n"),
    "empty": ("a.png", b""),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_evidence_file_is_refused_by_the_form_naming_the_field(sites_world, name):
    filename, content = BAD[name]
    client = sites_world.client("k01_officer")
    before = database_rows()
    response = client.post(
        reverse("sites-evidence-add", args=[sites_world.survey.pk]),
        {"file": SimpleUploadedFile(filename, content), "caption": "thử"},
    )
    assert response.status_code == 400
    assert response.context["evidence_form"].errors["file"]
    assert changed_tables(before, database_rows()) == []


def test_a_real_photo_is_stored(sites_world):
    client = sites_world.client("k01_officer")
    count = Evidence.objects.count()
    response = client.post(
        reverse("sites-evidence-add", args=[sites_world.survey.pk]),
        {"file": SimpleUploadedFile("anh.jpg", JPEG), "caption": "cổng"},
    )
    assert response.status_code == 302
    assert Evidence.objects.count() == count + 1
    assert Evidence.objects.latest("pk").content_type == "image/jpeg"


def test_a_survey_with_one_bad_photo_among_good_ones_records_nothing(sites_world):
    data = passing_survey_form("Một ảnh hỏng")
    data["files"] = [
        SimpleUploadedFile("tot.jpg", JPEG),
        SimpleUploadedFile("hong.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ]
    client = sites_world.client("k01_officer")
    before = database_rows()
    surveys = SafePointSurvey.objects.count()
    response = client.post(reverse("sites-safepoint-survey", args=[sites_world.point2.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors["files"]
    assert any("hong.png" in e for e in errors) and not any("tot.jpg" in e for e in errors)
    assert SafePointSurvey.objects.count() == surveys
    assert changed_tables(before, database_rows()) == []


def test_a_decompression_bomb_is_refused(sites_world):
    from django.core.exceptions import ValidationError

    from canhve.core import uploads

    big = image_bytes("PNG", (9000, 9000))  # 81 Mpx of white: a small file, a huge image
    upload = SimpleUploadedFile("bom.png", big)
    with pytest.raises(ValidationError, match="quá lớn"):
        uploads.file_type(upload, {"image/png"}, max_bytes=10 * 1024 * 1024)


@pytest.mark.parametrize("content", [b"garbage", b"PK\x03\x04 not a zip", JPEG])
def test_a_damaged_spreadsheet_is_refused_naming_the_file_field(sites_world, content):
    client = sites_world.client("k01_officer")
    before = database_rows()
    response = client.post(
        reverse("sites-import"),
        {
            "file": SimpleUploadedFile("benh-vien.xlsx", content),
            "owner_agency": sites_world.agencies["K01-TM"].pk,
            "secrecy": "0",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert changed_tables(before, database_rows()) == []
