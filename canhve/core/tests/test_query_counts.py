"""The number of queries a page or API read makes does not grow with the rows it shows (ADR 0108).

Every page of the project and every GET of the API schema (`inventory.everything`) is requested with N
records of every kind (and N children under each record a detail page shows), then again with 3N: the
counts must be equal. A difference is an N+1: a related record, a many-to-many or a visibility check
fetched once per row instead of once per page (select_related / prefetch_related, or one set query).
No timings here: those are in benchmarks/.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from canhve.core.tests import inventory

N = 2
_LITERALS = re.compile(r"'[^']*'|\b\d+\b")


def _shape(sql: str) -> str:
    """A query with its literals blanked, so the same query for another row counts as the same."""
    return _LITERALS.sub("?", sql)[:200]


def _grown(before, after) -> list[str]:
    more = Counter(_shape(q["sql"]) for q in after) - Counter(_shape(q["sql"]) for q in before)
    return [f"+{n} × {sql}" for sql, n in more.most_common(5)]


def _counts(world, reads):
    counts = {}
    for read in reads:
        client = world.client(read.persona)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(read.url, read.query)
        counts[read.key] = (response.status_code, ctx.captured_queries)
    return counts


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows(world, built):
    inventory.grow(world, built, N - 1)
    reads = inventory.everything(built)
    at_n = _counts(world, reads)
    inventory.grow(world, built, 2 * N)
    at_3n = _counts(world, reads)

    failures = []
    for read in reads:
        (status, before), (status_after, after) = at_n[read.key], at_3n[read.key]
        assert status == status_after, (read.url, status, status_after)
        if status == 405:  # POST-only
            continue
        if len(after) != len(before):
            grown = "\n    ".join(_grown(before, after))
            failures.append(
                f"{read.key} ({read.url}): {len(before)} queries at N, {len(after)} at 3N\n    {grown}"
            )
    assert len([k for k, v in at_n.items() if v[0] == 200]) > 80
    assert not failures, "\n".join(failures)
