"""`make demo` on a fresh machine: the reference data and the fictional demo seed an empty database, and
seeding again changes nothing. The seeders run every service with its rules (write-down included), so a
rule that the demo breaks fails here, not on a user's first `make demo`."""

from io import StringIO

import pytest
from django.core.management import call_command

from canhve.core import audit_chain
from canhve.core.models import AuditEntry
from canhve.operations.models import Contingency, Operation
from canhve.staffing.models import Roster

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("load_reference", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())


def test_the_demo_seeds_an_empty_database_and_seeding_again_changes_nothing():
    _seed()
    seeded = (Operation.objects.count(), Contingency.objects.count(), Roster.objects.count())
    assert seeded[0] >= 5 and seeded[1] >= 1 and seeded[2] >= 1, seeded
    assert Contingency.objects.exclude(safe_haven=None).exists(), "a plan names its safe haven"
    rows = AuditEntry.objects.count()
    _seed()
    assert (Operation.objects.count(), Contingency.objects.count(), Roster.objects.count()) == seeded
    assert audit_chain.verify()["count"] >= rows
