import pytest

from canhve.geo import lookup
from canhve.geo.reference import load_reference


@pytest.fixture(scope="module")
def reference(django_db_setup, django_db_blocker):
    """The shipped administrative units, loaded once per module (they are read-only in these tests)."""
    # Only the geo units: this data is committed outside the test transactions, so other apps' reference
    # rows loaded here would leak into their own tests.
    with django_db_blocker.unblock():
        load_reference()
    yield
    with django_db_blocker.unblock():
        from canhve.geo.models import LegacyDistrict, LegacyProvince, LegacyWard, Province, Ward

        for model in (LegacyWard, LegacyDistrict, LegacyProvince, Ward, Province):
            model.objects.all().delete()
    lookup.reset()  # the process-wide polygon index must not outlive the rows it was built from
