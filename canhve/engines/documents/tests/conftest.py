"""Shared, module-scoped material: rendering and key generation are the slow parts of these tests."""

import pytest

from canhve.engines.documents.demo_ca import DemoCA, make_demo_ca
from canhve.engines.documents.samples import sample_plan

AGENCY = "BỘ TƯ LỆNH CẢNH VỆ"
SIGNER = "Trần Văn Minh"


@pytest.fixture(scope="session")
def plan():
    return sample_plan(sections=2)


@pytest.fixture(scope="session")
def demo_ca() -> DemoCA:
    return make_demo_ca([AGENCY, "CÔNG AN THÀNH PHỐ HÀ NỘI"], [(AGENCY, SIGNER, "Phó Tư lệnh")])
