import datetime as dt
import re
from pathlib import Path

import polib
from django.utils import timezone, translation
from django.utils.formats import date_format

from canhve.exchange.models import InformationItem


def test_vietnamese_is_the_default_even_for_an_english_browser(world):
    response = world.client("k01_officer").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Tổng quan" in response.content.decode()


def test_the_english_switch_translates_the_shell(world):
    client = world.client("k01_officer")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Overview" in body and "Log out" in body


def test_times_are_stored_aware_and_shown_in_ho_chi_minh_time(world):
    item = InformationItem.objects.create(
        owner_agency=world.agencies["K01-TM"], title="t", body="b", author=world.user("k01_officer")
    )
    item.refresh_from_db()
    assert timezone.is_aware(item.created_at)
    utc = dt.datetime(2025, 1, 4, 20, 30, tzinfo=dt.UTC)
    local = timezone.localtime(utc)
    assert local.utcoffset() == dt.timedelta(hours=7)
    with translation.override("vi"):
        assert date_format(local, "SHORT_DATETIME_FORMAT") == "03:30 05/01/2025"
        assert date_format(local.date(), "SHORT_DATE_FORMAT") == "05/01/2025"


def test_the_english_catalogue_translates_every_string_with_the_same_placeholders():
    po = polib.pofile(str(Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po"))
    placeholders = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    missing = [e.msgid for e in po if not e.obsolete and (not e.msgstr or e.fuzzy)]
    mismatched = [
        e.msgid
        for e in po.translated_entries()
        if sorted(placeholders.findall(e.msgid)) != sorted(placeholders.findall(e.msgstr))
    ]
    assert missing == [] and mismatched == []
