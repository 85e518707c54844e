"""Load on PostgreSQL: gunicorn (2 workers) driven by wrk over loopback, against a trivial page.

1. Creates the database `canhve_perf` on 127.0.0.1:5432 (user postgres, trust), migrates, loads the
   reference data and the demo, then multiplies the demo through the ORM (the repository has no larger
   generator): every operation with its tasks, stops, movements, routes, closures, plan versions and
   contingencies, sites, personnel and qualifications, posts, rosters with shifts and assignments,
   mobilisation requests, documents, information items and safe points, with their sharing. At the
   default `--scale 400`: ~2,000 operations, ~12,000 sites, ~2,000 personnel.
2. Starts gunicorn with 2 sync workers on 127.0.0.1:8107 (DEBUG off, sessions in the database,
   persistent connections, access log with the request time). Default: the development settings with
   DEBUG off; `--production` runs `collectstatic` and CANHVE_ENV=production. For the app's endpoints
   the two differ only in the static files storage and the HTTPS redirect (off on loopback either way).
3. Drives each endpoint with wrk (one thread, `--connections`, `--duration` seconds after a 3 s warm
   up) as the planner k01.kehoach: pages with session cookies (several sessions, second factor
   verified), the API with Bearer tokens (several, read scope). Endpoints: the sign-in page (baseline,
   anonymous), /api/accounts/me (the signed-in floor), the operations and sites lists (page and API),
   an operation page and its API detail, the operation's map data and the roads of a map's box.
4. Prints per endpoint: requests/s, errors (non-200 answers, socket errors), the client latency
   p50/p95/p99 (wrk: includes waiting for a free worker) and the server time p50/p95/p99 (gunicorn's
   request time from its access log), and the ratio of req/s to the baseline's.

wrk, gunicorn and PostgreSQL share the machine's cores: the figures are for this whole box, not the app
alone. No thresholds: the target (p95 ≤ 50 ms server time at ≥ 300 req/s, 0 errors) is judged in
benchmarks/README.md.

    .venv/bin/python benchmarks/load_postgres.py                 # build the data, then load
    .venv/bin/python benchmarks/load_postgres.py --reuse         # keep an existing canhve_perf
    .venv/bin/python benchmarks/load_postgres.py --only "map"    # endpoints whose label has "map"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
BIN = Path(sys.executable).parent
DB = "canhve_perf"
PG = "postgres://postgres@127.0.0.1:5432"
SECRET = "load-benchmark-not-secret-" + "x" * 40
USER = "k01.kehoach"
SESSIONS = TOKENS = 16


def _env(production: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{DB}",
        SECRET_KEY=SECRET,
        DJANGO_SETTINGS_MODULE="canhve.settings",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        CANHVE_VAR_DIR=str(OUT / "var"),
    )
    if production:
        env.update(
            CANHVE_ENV="production",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; TLS ends at the proxy in production
            SECURE_HSTS_SECONDS="0",
        )
    return env


def _psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atqc", sql, "postgres"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _canhve(*args: str) -> None:
    subprocess.run([str(BIN / "python"), "-m", "canhve", *args], check=True, env=_env(), cwd=ROOT)


# ---- the data -------------------------------------------------------------------------------------------


def build_database(scale: int) -> None:
    _psql(f"DROP DATABASE IF EXISTS {DB}")
    _psql(f"CREATE DATABASE {DB}")
    t0 = time.perf_counter()
    _canhve("migrate", "--noinput", "-v", "0")
    _canhve("load_reference")
    subprocess.run(
        [str(BIN / "python"), "-m", "canhve", "seed_demo"],
        check=True,
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    print(f"demo seeded in {time.perf_counter() - t0:.0f} s; multiplying ×{scale}…", flush=True)
    t0 = time.perf_counter()
    multiply(scale)
    print(f"multiplied in {time.perf_counter() - t0:.0f} s", flush=True)
    _psql(f"COMMENT ON DATABASE {DB} IS 'canhve load benchmark, scale {scale}'")


def _django() -> None:
    for key, value in _env().items():
        os.environ[key] = value
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


Key = tuple[int, Any]


def _clone(
    model: Any,
    rows: list[Any],
    copies: int,
    *,
    fks: dict[str, dict[Key, Any] | None] | None = None,
    edit: Any = None,
    m2m: dict[str, dict[Key, Any] | None] | None = None,
) -> dict[Key, Any]:
    """`copies` copies of `rows` (copy k = 1..copies) with bulk_create; each FK attname in `fks` is mapped
    through its {(k, old id): new id} (None: kept); `edit(obj, k)` changes unique fields. Many-to-many
    fields in `m2m` are copied (targets mapped the same way). Returns {(k, old pk): new pk}."""
    fks, m2m = fks or {}, m2m or {}
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    made, keys = [], []
    for k in range(1, copies + 1):
        for row in rows:
            obj = model(**{f.attname: getattr(row, f.attname) for f in fields})
            for attname, mapping in fks.items():
                old = getattr(row, attname)
                if mapping is not None and old is not None:
                    setattr(obj, attname, mapping.get((k, old), old))
            if edit is not None:
                edit(obj, k)
            made.append(obj)
            keys.append((k, row.pk))
    model.objects.bulk_create(made, batch_size=1000)
    ids = {key: obj.pk for key, obj in zip(keys, made, strict=True)}
    for name, target_map in m2m.items():
        field = model._meta.get_field(name)
        through = field.remote_field.through
        src = field.m2m_field_name() + "_id"
        dst = field.m2m_reverse_field_name() + "_id"
        links = list(through.objects.filter(**{f"{src}__in": [r.pk for r in rows]}).values_list(src, dst))
        through.objects.bulk_create(
            [
                through(**{src: ids[(k, a)], dst: target_map.get((k, b), b) if target_map else b})
                for k in range(1, copies + 1)
                for a, b in links
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
    return ids


def multiply(scale: int) -> None:
    """Copies of the demo's records at realistic proportions (no audit rows: bulk inserts)."""
    _django()
    from django.db import connection, transaction

    from canhve.documents.models import Document
    from canhve.exchange.models import InformationItem
    from canhve.operations.models import (
        Closure,
        Contingency,
        Movement,
        MovementRoute,
        Operation,
        PlanVersion,
        Stop,
        Task,
    )
    from canhve.sites.models import SafePoint, Site
    from canhve.staffing.models import (
        Absence,
        Assignment,
        MobilisationRequest,
        Personnel,
        Post,
        PostAgencyRequirement,
        Qualification,
        Roster,
        Shift,
    )

    share = {"shared_with_agencies": None, "shared_with_users": None}
    n_sites, n_people, n_posts = max(1, scale // 40), max(1, scale // 10), max(1, scale // 8)
    n_docs, n_points = max(1, scale // 2), max(1, scale // 4)
    with transaction.atomic():

        def site_edit(o: Any, k: int) -> None:
            o.name = f"{o.name} · {k}"
            o.lat += 0.0002 * (k % 7)
            o.lon += 0.0002 * (k // 7 % 7)
            o.external_id = f"{o.external_id}-{k}" if o.external_id else ""

        sites = _clone(Site, list(Site.objects.all()), n_sites, edit=site_edit, m2m=share)

        def op_edit(o: Any, k: int) -> None:
            o.code = f"{o.code}-{k:04d}"
            shift = dt.timedelta(days=k)
            o.starts_at, o.ends_at = o.starts_at - shift, o.ends_at - shift

        ops = _clone(
            Operation,
            list(Operation.objects.all()),
            scale,
            edit=op_edit,
            m2m={**share, "provinces": None},
        )
        by_op = {"operation_id": ops}
        _clone(Task, list(Task.objects.all()), scale, fks=by_op)
        stops = _clone(Stop, list(Stop.objects.all()), scale, fks=by_op)
        plans = _clone(
            PlanVersion,
            list(PlanVersion.objects.all()),
            scale,
            fks=by_op,
            edit=lambda o, k: setattr(o, "based_on_id", None),
        )
        moves = _clone(
            Movement,
            list(Movement.objects.all()),
            scale,
            fks={**by_op, "origin_id": stops, "destination_id": stops},
        )
        routes = _clone(
            MovementRoute,
            list(MovementRoute.objects.all()),
            scale,
            fks={"movement_id": moves, "plan_version_id": plans},
        )
        _clone(Closure, list(Closure.objects.all()), scale, fks=by_op)
        _clone(
            Contingency,
            list(Contingency.objects.all()),
            scale,
            fks={"plan_version_id": plans, "movement_id": moves, "alternate_route_id": routes},
        )

        def person_edit(o: Any, k: int) -> None:
            o.service_number = f"{o.service_number}-{k}"
            o.account_id = None

        people = _clone(Personnel, list(Personnel.objects.all()), n_people, edit=person_edit, m2m=share)
        by_person = {"personnel_id": people}
        _clone(Qualification, list(Qualification.objects.all()), n_people, fks=by_person)
        _clone(Absence, list(Absence.objects.all()), n_people, fks=by_person)
        posts = _clone(Post, list(Post.objects.all()), n_posts, m2m={**share, "required_skills": None})
        _clone(
            PostAgencyRequirement, list(PostAgencyRequirement.objects.all()), n_posts, fks={"post_id": posts}
        )
        rosters = _clone(
            Roster,
            list(Roster.objects.all()),
            n_posts,
            edit=lambda o, k: setattr(o, "job_id", None),
            m2m={**share, "posts": posts},
        )
        shifts = _clone(Shift, list(Shift.objects.all()), n_posts, fks={"roster_id": rosters})
        _clone(
            Assignment,
            list(Assignment.objects.all()),
            n_posts,
            fks={"roster_id": rosters, "shift_id": shifts, "post_id": posts, "personnel_id": people},
        )
        _clone(
            MobilisationRequest,
            list(MobilisationRequest.objects.all()),
            n_posts,
            fks={"roster_id": rosters},
            m2m={**share, "provided": people},
        )

        def doc_edit(o: Any, k: int) -> None:
            if o.number is not None:
                o.number += 10 * k

        _clone(Document, list(Document.objects.all()), n_docs, edit=doc_edit, m2m=share)
        _clone(InformationItem, list(InformationItem.objects.all()), n_docs, m2m=share)
        _clone(
            SafePoint,
            list(SafePoint.objects.all()),
            n_points,
            fks={"site_id": sites},
            edit=lambda o, k: setattr(o, "latest_survey_id", None),
            m2m=share,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {
        m.__name__: m.objects.count()
        for m in (
            Operation,
            Task,
            MovementRoute,
            Site,
            SafePoint,
            Personnel,
            Post,
            Roster,
            Assignment,
            Document,
        )
    }
    print("dataset:", ", ".join(f"{n:,} {name}" for name, n in counts.items()), flush=True)


def credentials() -> dict[str, Any]:
    """Session cookies (second factor verified) and Bearer tokens of the planner, and the operation to
    time: the one with the most movements among those the planner may see at Mật (no audit row per read)."""
    _django()
    from django.db.models import Count
    from django.test import Client

    from canhve.accounts.models import ApiToken, TokenScope, User
    from canhve.core.secrecy import Secrecy
    from canhve.core.testing import login
    from canhve.operations.models import Operation
    from canhve.sites.models import Site

    user = User.objects.get(username=USER)
    cookies = []
    for _ in range(SESSIONS):
        client = login(Client(), user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    tokens = [ApiToken.issue(user=user, name="load", scope=TokenScope.READ, days=1)[1] for _ in range(TOKENS)]
    op = (
        Operation.objects.visible_to(user)
        .filter(secrecy__lte=Secrecy.MAT)
        .annotate(n=Count("movements", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    assert op is not None
    counts = {
        "operations": Operation.objects.visible_to(user).count(),
        "sites": Site.objects.visible_to(user).count(),
    }
    return {"cookies": cookies, "tokens": tokens, "op": op.pk, "op_code": op.code, "visible": counts}


# ---- the server and the load ----------------------------------------------------------------------------


def start_server(port: int, log: Path, production: bool) -> subprocess.Popen[bytes]:
    if production:
        subprocess.run(
            [str(BIN / "python"), "-m", "canhve", "collectstatic", "--noinput", "-v", "0"],
            check=True,
            env=_env(production=True),
            cwd=ROOT,
        )
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "canhve.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            str(log),
            "--access-logformat",
            '%(s)s %(D)s "%(U)s"',
        ],
        env=_env(production=production),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(OUT / "gunicorn-error.log", "w"),  # noqa: SIM115 - kept open for the server's life
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer; see benchmarks/out/gunicorn-error.log")


LUA = """
local headers = %(headers)s
bad = 0  -- a global: done() reads each thread's count with thread:get
math.randomseed(os.time())
request = function()
  return wrk.format("GET", %(path)s, headers[math.random(#headers)])
end
response = function(status, h, body)
  if status ~= 200 then bad = bad + 1 end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local non200 = 0
  for _, t in ipairs(threads) do non200 = non200 + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "non200": %%d, "socket_errors": %%d, "timeouts": %%d, ' ..
    '"p50": %%d, "p95": %%d, "p99": %%d}\\n',
    summary.requests, summary.duration, non200, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _lua_table(items: list[dict[str, str]]) -> str:
    def one(h: dict[str, str]) -> str:
        return "{" + ", ".join(f'["{k}"] = {json.dumps(v)}' for k, v in h.items()) + "}"

    return "{" + ", ".join(one(h) for h in items) + "}"


def drive(port: int, path: str, headers: list[dict[str, str]], seconds: int, connections: int) -> dict:
    script = OUT / "wrk.lua"
    script.write_text(LUA % {"headers": _lua_table(headers), "path": json.dumps(path)})
    url = f"http://127.0.0.1:{port}"
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]
    run = subprocess.run(cmd, check=True, capture_output=True, text=True)
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _server_times(log: Path, offset: int, path: str) -> list[float]:
    """Request times (ms) gunicorn logged for `path` after byte `offset`."""
    times = []
    with log.open() as f:
        f.seek(offset)
        for line in f:
            _status, micros, url = line.split(" ", 2)
            if url.strip().strip('"') == path.split("?")[0]:
                times.append(int(micros) / 1000)
    return times


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep canhve_perf if it exists")
    parser.add_argument("--scale", type=int, default=400)
    parser.add_argument("--duration", type=int, default=20, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument(
        "--production",
        action="store_true",
        help="CANHVE_ENV=production, after collectstatic (default: development settings, DEBUG off)",
    )
    parser.add_argument("--only", help="endpoints whose label contains this text (the baseline always runs)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    OUT.mkdir(parents=True, exist_ok=True)
    if not (args.reuse and _psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'") == "1"):
        build_database(args.scale)
    creds = credentials()
    pages = [{"Cookie": c} for c in creds["cookies"]]
    api = [{"Authorization": f"Bearer {t}"} for t in creds["tokens"]]
    op = creds["op"]
    endpoints = [
        ("baseline: sign-in page (anonymous)", "/accounts/login/", [{}]),
        ("signed-in floor: GET /api/accounts/me", "/api/accounts/me", api),
        ("operations list (page)", "/operations/", pages),
        ("operations list (API)", "/api/operations/operations", api),
        ("sites list (page)", "/sites/", pages),
        ("sites list (API)", "/api/sites/sites", api),
        (f"operation page ({creds['op_code']})", f"/operations/{op}/", pages),
        ("operation (API)", f"/api/operations/operations/{op}", api),
        ("operation map data", f"/operations/{op}/map/data.json", pages),
        (
            "map roads (a 0.04° box of Hà Nội)",
            "/operations/map/roads.json?bbox=21.01,105.82,21.05,105.86",
            pages,
        ),
    ]
    if args.only:
        endpoints = [endpoints[0]] + [e for e in endpoints[1:] if args.only in e[0]]
    log = OUT / "gunicorn-access.log"
    log.write_text("")
    load = os.getloadavg()
    print(
        f"visible to {USER}: {creds['visible']['operations']:,} operations, "
        f"{creds['visible']['sites']:,} sites; "
        f"load average before: {load[0]:.1f}; wrk 1 thread, {args.connections} connections, "
        f"{args.duration} s per endpoint (+3 s warm-up)",
        flush=True,
    )
    server = start_server(args.port, log, args.production)
    rows = []
    try:
        for label, path, headers in endpoints:
            drive(args.port, path, headers, 3, args.connections)  # warm up: code paths, caches, graph
            time.sleep(0.5)
            offset = log.stat().st_size
            result = drive(args.port, path, headers, args.duration, args.connections)
            time.sleep(0.5)  # let the workers flush their access log lines
            server_ms = _server_times(log, offset, path)
            rps = result["requests"] / (result["duration_us"] / 1e6)
            rows.append((label, rps, result, server_ms))
            print(f"  {label}: {rps:.0f} req/s", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    base = rows[0][1]
    print()
    print(
        f"{'endpoint':<40} {'req/s':>7} {'errors':>7} {'client p50/p95/p99 ms':>23} "
        f"{'server p50/p95/p99 ms':>23} {'req/s ÷ baseline':>17}"
    )
    for label, rps, r, server_ms in rows:
        errors = r["non200"] + r["socket_errors"] + r["timeouts"]
        client = f"{r['p50'] / 1000:.1f} / {r['p95'] / 1000:.1f} / {r['p99'] / 1000:.1f}"
        server_s = f"{_pct(server_ms, 50):.1f} / {_pct(server_ms, 95):.1f} / {_pct(server_ms, 99):.1f}"
        print(f"{label:<40} {rps:7.0f} {errors:7d} {client:>23} {server_s:>23} {rps / base:16.2f}×")
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.1f} (1 min); server times from {log}")
    print("median server ms over all endpoints:", f"{statistics.median(t for r in rows for t in r[3]):.1f}")


if __name__ == "__main__":
    main()
