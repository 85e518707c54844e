"""Numbering under real concurrency: several clerks number at the same moment, each in its own
connection and transaction; the register must come out 1..N with no gap and no duplicate."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from canhve.core.secrecy import Secrecy
from canhve.documents import services
from canhve.documents.models import Document

from .conftest import make_draft

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_concurrent_numbering_has_no_gap_and_no_duplicate(world, types):
    chief = world.user("k01_commander")
    drafts = [
        services.sign_document(acting_user=chief, document=make_draft(world, types, secrecy=Secrecy.NONE))
        for _ in range(12)
    ]
    barrier = threading.Barrier(len(drafts))
    errors: list[BaseException] = []

    def clerk(doc: Document) -> None:
        try:
            barrier.wait()
            services.number_document(acting_user=chief, document=doc, today=dt.date(2026, 2, 1))
        except BaseException as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(Document.objects.filter(pk__in=[d.pk for d in drafts]).values_list("number", flat=True))
    assert numbers == list(range(1, len(drafts) + 1))
