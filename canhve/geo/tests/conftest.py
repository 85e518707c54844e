import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def reference(django_db_setup, django_db_blocker):
    """The shipped administrative units, loaded once per module (they are read-only in these tests)."""
    with django_db_blocker.unblock():
        call_command("load_reference")
    yield
    with django_db_blocker.unblock():
        from canhve.geo.models import LegacyDistrict, LegacyProvince, LegacyWard, Province, Ward

        for model in (LegacyWard, LegacyDistrict, LegacyProvince, Ward, Province):
            model.objects.all().delete()
