"""Status replies to a received package: 01 received, 02 rejected with its reason, 03 accepted."""

from __future__ import annotations

import datetime as dt

import pytest

from canhve.engines.edxml import (
    VIETNAM_TIME,
    Attachment,
    Code,
    Envelope,
    Organization,
    Package,
    PromulgationInfo,
    Status,
    StatusCode,
    build,
    parse,
    status_for,
)

K01 = Organization("000.00.00.K01", organ_name="Bộ Tư lệnh Cảnh vệ")
THANH_HOA = Organization("000.00.00.H56", organ_name="Công an tỉnh Thanh Hóa", organ_add="Thanh Hóa")


@pytest.fixture(scope="module")
def package() -> Package:
    envelope = Envelope(
        sender=K01,
        recipients=(THANH_HOA,),
        document_id="000.00.00.K01,2025/01/05,05/KH-K01",
        code=Code("05", "KH-K01"),
        promulgation=PromulgationInfo("Hà Nội", dt.date(2025, 1, 5)),
        subject="Kế hoạch bảo vệ",
    )
    pdf = Attachment("cid:1", "05-KH-K01.pdf", "application/pdf", b"%PDF-1.7\n...")
    return Package.with_attachments(envelope, (pdf,))


@pytest.mark.parametrize("code", [StatusCode.RECEIVED, StatusCode.ACCEPTED])
def test_a_reply_names_the_package_it_answers(package: Package, code: StatusCode) -> None:
    when = dt.datetime(2025, 1, 5, 9, 30, tzinfo=VIETNAM_TIME)
    status = parse(status_for(package, code, sender=THANH_HOA, timestamp=when))
    assert isinstance(status, Status)
    assert status.code == code and status.sender == THANH_HOA and status.timestamp == when
    assert status.response_for.document_id == package.envelope.document_id
    assert status.response_for.organ_id == K01.organ_id
    assert status.response_for.code == "05/KH-K01"
    assert status.response_for.promulgation_date == dt.date(2025, 1, 5)


def test_a_rejection_carries_its_reason(package: Package) -> None:
    when = dt.datetime(2025, 1, 5, 2, 30, tzinfo=dt.UTC)
    status = parse(
        status_for(package, "02", sender=THANH_HOA, timestamp=when, reason="Thiếu chữ ký số của cơ quan")
    )
    assert isinstance(status, Status)
    assert status.known_code is StatusCode.REJECTED
    assert status.description.endswith("Thiếu chữ ký số của cơ quan")
    assert status.timestamp == when  # written as 09:30 Vietnam time, the same instant
    assert status.timestamp.utcoffset() == dt.timedelta(hours=7)


def test_a_rejection_without_reason_is_refused(package: Package) -> None:
    with pytest.raises(ValueError, match="reason"):
        status_for(package, StatusCode.REJECTED, sender=THANH_HOA, timestamp=dt.datetime.now(dt.UTC))


def test_only_a_recipient_answers(package: Package) -> None:
    with pytest.raises(ValueError, match="not a recipient"):
        status_for(package, StatusCode.RECEIVED, sender=K01, timestamp=dt.datetime.now(dt.UTC))


def test_a_naive_time_is_refused(package: Package) -> None:
    with pytest.raises(ValueError, match="time zone"):
        status_for(package, StatusCode.RECEIVED, sender=THANH_HOA, timestamp=dt.datetime(2025, 1, 5, 9, 30))


def test_a_package_made_here_reads_back_equal(package: Package) -> None:
    assert parse(build(package)) == package
    assert package.manifest[0].name == "05-KH-K01.pdf"


def test_a_package_needs_a_recipient(package: Package) -> None:
    with pytest.raises(ValueError, match="To"):
        Envelope(
            sender=K01,
            recipients=(),
            document_id="x",
            code=Code("1", "X"),
            promulgation=PromulgationInfo(None, dt.date(2025, 1, 1)),
            subject="s",
        )
