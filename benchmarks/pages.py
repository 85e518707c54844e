"""Page timing, in process: the main pages on the demo data, against the sign-in page as baseline.

Each page is requested through Django's test client (the whole middleware stack, session, second
factor, audit rows; no network, no server) as the planner `k01.kehoach` (Tối mật, K01-TM): the
operations list, the operation page (the demo operation with the most movements), its map data, the
sites list. The baseline, timed in the same run, is the anonymous sign-in page: the cost of the stack
and a small template. For each: median and p90 of the runs, queries, time in SQL, bytes.

    .venv/bin/python benchmarks/pages.py                  # demo data in var/benchmarks/pages.sqlite3
    .venv/bin/python benchmarks/pages.py --runs 50
    .venv/bin/python benchmarks/pages.py --database-url postgres://postgres@127.0.0.1:5432/canhve_perf
    .venv/bin/python benchmarks/pages.py --profile operation   # cProfile of one page, top 30

The SQLite demo database is built on first use (migrate, load-reference, seed-demo: about a minute)
and reused. Never run as a test; no threshold.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER = "k01.kehoach"


def _setup(database_url: str | None) -> None:
    if database_url is None:
        path = ROOT / "var" / "benchmarks" / "pages.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{path}"
        fresh = not path.exists()
    else:
        fresh = False
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhve.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        print("building the demo database (once): migrate, load-reference, seed-demo…", flush=True)
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def _pages() -> list[tuple[str, str, bool]]:
    """(label, url, signed in) for the baseline and the pages timed."""
    from django.db.models import Count
    from django.urls import reverse

    from canhve.accounts.models import User
    from canhve.operations.models import Operation

    user = User.objects.get(username=USER)
    op = Operation.objects.visible_to(user).annotate(n=Count("movements")).order_by("-n", "pk").first()
    assert op is not None, "no operation visible to the planner: seed the demo first"
    return [
        ("baseline: sign-in page", reverse("login"), False),
        ("signed-in floor: /api/accounts/me", "/api/accounts/me", True),
        ("operations list", reverse("operations-list"), True),
        (f"operation page ({op.code})", reverse("operations-detail", kwargs={"pk": op.pk}), True),
        ("operation map data", reverse("operations-map-data", kwargs={"pk": op.pk}), True),
        ("sites list", reverse("sites-list"), True),
        ("API operations list", "/api/operations/operations", True),
    ]


def _client(signed_in: bool):  # type: ignore[no-untyped-def]
    from django.test import Client

    from canhve.accounts.models import User
    from canhve.core.testing import login

    client = Client()
    if signed_in:
        login(client, User.objects.get(username=USER))
    return client


class _SqlTimer:
    """Time spent in the database driver, query by query (Django's captured times are rounded to ms)."""

    def __init__(self) -> None:
        self.seconds, self.queries = 0.0, 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


def _time(client, url: str, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.db import connection

    for _ in range(3):  # warm: templates compiled, road graph loaded, connection open
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times, sql, queries = [], [], 0
    for _ in range(runs):
        timer = _SqlTimer()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        sql.append(timer.seconds)
        queries = timer.queries
    times.sort()
    return {
        "median": statistics.median(times),
        "p90": times[int(0.9 * (len(times) - 1))],
        "sql": statistics.median(sql),
        "queries": queries,
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: the demo in var/benchmarks/pages.sqlite3")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", help="profile the page whose label contains this word")
    args = parser.parse_args()
    _setup(args.database_url)
    from django.db import connection

    pages = _pages()
    if args.profile:
        import cProfile
        import pstats

        label, url, signed = next(p for p in pages if args.profile in p[0])
        client = _client(signed)
        _time(client, url, 3)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            client.get(url)
        profiler.disable()
        print(f"{label}: {url}, {args.runs} requests")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return

    print(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']}); user {USER}; "
        f"{args.runs} runs per page, medians"
    )
    clients = {True: _client(True), False: _client(False)}
    results = [(label, url, _time(clients[signed], url, args.runs)) for label, url, signed in pages]
    base = results[0][2]["median"]
    print(f"{'page':<40} {'median':>9} {'p90':>9} {'SQL':>8} {'queries':>8} {'KiB':>7} {'× baseline':>11}")
    for label, _url, r in results:
        print(
            f"{label:<40} {r['median'] * 1000:7.1f} ms {r['p90'] * 1000:7.1f} ms {r['sql'] * 1000:5.1f} ms "
            f"{r['queries']:8d} {r['bytes'] / 1024:7.1f} {r['median'] / base:10.1f}×"
        )


if __name__ == "__main__":
    main()
