"""A fictional operation shared by K01 with Công an tỉnh Thanh Hóa, for tests and the benchmark.

Everything here is invented: the operation, the places, the people and the times.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from .model import Attachment, Payload, Record

SENDER = "K01"  # Bộ Tư lệnh Cảnh vệ
RECIPIENT = "CATH"  # Công an tỉnh Thanh Hóa
OPERATION_CODE = "DEMO-TH-07"
START = dt.datetime(2025, 9, 12, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))

_PLACES = (
    "Nhà khách tỉnh",
    "Cảng Nghi Sơn",
    "Khu di tích Lam Kinh",
    "Bệnh viện Đa khoa tỉnh",
    "Sân bay Thọ Xuân",
)
_TASKS = (
    "Khảo sát tuyến đường và điểm dừng nghỉ an toàn",
    "Bố trí lực lượng canh gác nơi ở",
    "Kiểm tra an ninh, an toàn khu vực trước 12 giờ",
    "Phân luồng giao thông trên quốc lộ 47",
    "Rà phá bom mìn tại khu vực sự kiện",
)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def sample_operation_payload(
    *, sites: int = 5, tasks: int = 12, messages: int = 4, attachment_bytes: int = 40_000, seed: int = 7
) -> Payload:
    """An operation with three plan versions, its sites, tasks and messages, and two files.

    1 + 3 + sites + tasks + messages records; attachments of `attachment_bytes` random (so
    incompressible, like PDFs and photos) bytes in total. The same seed gives the same payload.
    """
    rng = random.Random(seed)
    operation_key = _uuid(rng)
    records = [
        Record(
            model="operations.Operation",
            key=operation_key,
            version=4,
            updated_at=START - dt.timedelta(days=2),
            origin=SENDER,
            fields={
                "code": OPERATION_CODE,
                "title": "Bảo vệ đoàn khách dự lễ kỷ niệm tại Thanh Hóa",
                "status": "approved",
                "secrecy": 1,
                "starts_at": START.isoformat(),
                "ends_at": (START + dt.timedelta(hours=30)).isoformat(),
                "owner": SENDER,
                "shared_with": [RECIPIENT],
            },
        )
    ]
    for number in (1, 2, 3):
        records.append(
            Record(
                model="operations.PlanVersion",
                key=f"{OPERATION_CODE}/v{number}",
                version=1 if number < 3 else 2,
                updated_at=START - dt.timedelta(days=10 - 3 * number),
                origin=SENDER,
                fields={
                    "operation": operation_key,
                    "number": number,
                    "state": "approved" if number == 3 else "superseded",
                    "summary": f"Phương án {number}: tuyến chính quốc lộ 47, dự phòng đường tỉnh 506",
                },
            )
        )
    site_keys = []
    for index in range(sites):
        site_keys.append(key := _uuid(rng))
        records.append(
            Record(
                model="sites.Site",
                key=key,
                version=rng.randint(1, 6),
                updated_at=START - dt.timedelta(days=rng.randint(3, 200)),
                origin=RECIPIENT if index % 3 else SENDER,  # the province surveyed most of the sites
                fields={
                    "name": f"{_PLACES[index % len(_PLACES)]} ({index + 1})",
                    "lat": round(19.80 + rng.random() * 0.2, 6),
                    "lon": round(105.70 + rng.random() * 0.2, 6),
                    "kind": rng.choice(["venue", "rest_point", "hospital", "lodging"]),
                },
            )
        )
    for index in range(tasks):
        records.append(
            Record(
                model="operations.Task",
                key=_uuid(rng),
                version=rng.randint(1, 3),
                updated_at=START - dt.timedelta(hours=rng.randint(1, 300)),
                origin=SENDER,
                fields={
                    "operation": operation_key,
                    "title": _TASKS[index % len(_TASKS)],
                    "assignee_agency": RECIPIENT if index % 2 else SENDER,
                    "site": site_keys[index % len(site_keys)] if site_keys else None,
                    "due_at": (START - dt.timedelta(hours=48 - index % 48)).isoformat(),
                    "done": index % 4 == 0,
                },
            )
        )
    for index in range(messages):
        records.append(
            Record(
                model="exchange.Message",
                key=_uuid(rng),
                version=1,
                updated_at=START - dt.timedelta(hours=72 - index),
                origin=SENDER if index % 2 == 0 else RECIPIENT,
                fields={
                    "operation": operation_key,
                    "urgency": ["thường", "khẩn", "thượng khẩn", "hỏa tốc"][index % 4],
                    "secrecy": 1,
                    "body": f"Đề nghị đồng chí xác nhận phương án bố trí lực lượng, lượt {index + 1}.",
                },
            )
        )
    half = attachment_bytes // 2
    attachments = (
        Attachment("ke-hoach-bao-ve.pdf", b"%PDF-1.7\n" + rng.randbytes(max(half - 9, 0))),
        Attachment(
            "so-do-tuyen.png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(max(attachment_bytes - half - 8, 0))
        ),
    )
    return Payload(
        records=tuple(records),
        attachments=attachments,
        selection=f"operation {OPERATION_CODE} with plan versions, sites, tasks and messages",
    )
