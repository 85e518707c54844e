"""Keys and bundles shared by the bundle tests; key generation is cheap, sealing 5 MB is not."""

from __future__ import annotations

import datetime as dt

import pytest

from canhve.engines.bundles import AgencyKeys, HeaderInfo, Payload, seal
from canhve.engines.bundles.samples import RECIPIENT, SENDER, sample_operation_payload

CREATED = dt.datetime(2025, 9, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def k01() -> AgencyKeys:
    return AgencyKeys.generate(SENDER)


@pytest.fixture(scope="session")
def cath() -> AgencyKeys:
    return AgencyKeys.generate(RECIPIENT)


@pytest.fixture(scope="session")
def cact() -> AgencyKeys:
    """Công an thành phố Cần Thơ: a third agency, for bundles meant for someone else."""
    return AgencyKeys.generate("CACT")


@pytest.fixture(scope="session")
def payload() -> Payload:
    return sample_operation_payload()


@pytest.fixture(scope="session")
def small_bundle(k01: AgencyKeys, cath: AgencyKeys) -> bytes:
    """Few records and a tiny attachment, so a test can damage every one of its bytes in turn."""
    small = sample_operation_payload(sites=1, tasks=2, messages=1, attachment_bytes=64)
    return seal(small, k01, cath.public, HeaderInfo(sequence=3, created_at=CREATED))


@pytest.fixture(scope="session")
def bundle(payload: Payload, k01: AgencyKeys, cath: AgencyKeys) -> bytes:
    return seal(payload, k01, cath.public, HeaderInfo(sequence=3, created_at=CREATED))
