from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from canhve.staffing import domain

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_it_builds_three_eight_hour_shifts_a_day_with_the_night_shift_ending_next_morning():
    slots = domain.shift_slots(date(2026, 12, 7), 2, "3x8", HCM)
    assert len(slots) == 6
    assert [s.start.hour for s in slots[:3]] == [6, 14, 22]
    assert slots[2].end == datetime(2026, 12, 8, 6, tzinfo=HCM)
    assert all((s.end - s.start).total_seconds() == 8 * 3600 for s in slots)


def test_it_refuses_an_unknown_pattern():
    with pytest.raises(ValueError):
        domain.shift_slots(date(2026, 12, 7), 1, "4x6", HCM)


def test_an_answer_is_full_partial_or_a_decline():
    assert domain.response_status(requested=3, provided=3, decline=False) == domain.ACCEPTED
    assert domain.response_status(requested=3, provided=1, decline=False) == domain.PARTIAL
    assert domain.response_status(requested=3, provided=0, decline=True) == domain.DECLINED
    with pytest.raises(ValueError):
        domain.response_status(requested=3, provided=0, decline=False)


def test_only_open_requests_can_be_answered_or_cancelled():
    assert domain.can_respond(domain.SENT) and domain.can_respond(domain.PARTIAL)
    assert not domain.can_respond(domain.DECLINED) and not domain.can_respond(domain.CANCELLED)
    assert domain.can_cancel(domain.SENT) and not domain.can_cancel(domain.ACCEPTED)


def test_what_is_missing_counts_declines_as_open_need_and_ignores_cancelled_requests():
    needs = domain.missing_by_skill(
        [
            ("EOD", 3, 0, domain.SENT),
            ("EOD", 2, 2, domain.ACCEPTED),
            ("Canh gác", 10, 8, domain.PARTIAL),
            ("Canh gác", 4, 0, domain.DECLINED),
            ("Canh gác", 5, 0, domain.CANCELLED),
        ]
    )
    by = {n.label: n for n in needs}
    assert (by["EOD"].requested, by["EOD"].provided, by["EOD"].pending, by["EOD"].missing) == (5, 2, 3, 3)
    assert (by["Canh gác"].requested, by["Canh gác"].missing) == (14, 6)


def test_a_shift_touching_midnight_to_five_is_a_night_shift():
    assert domain.is_night_slot(datetime(2026, 12, 7, 22, tzinfo=HCM), datetime(2026, 12, 8, 6, tzinfo=HCM))
    assert not domain.is_night_slot(
        datetime(2026, 12, 7, 14, tzinfo=HCM), datetime(2026, 12, 7, 22, tzinfo=HCM)
    )
