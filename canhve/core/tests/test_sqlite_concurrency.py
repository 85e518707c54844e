"""ADR 0105: the embedded SQLite default serves several users at once. A real file database (WAL,
IMMEDIATE transactions, busy timeout from settings) in a child process: parallel numbering in separate
connections must come out 1..N with no error and no gap (before: "database is locked")."""

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import datetime as dt, threading, django
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    call_command("migrate", verbosity=0)
    assert connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    from canhve.core.secrecy import Secrecy
    from canhve.core.testing import build_world
    from canhve.documents import services
    from canhve.documents.apps import DocumentsConfig
    from canhve.documents.models import Document, DocumentType
    from canhve.documents.tests.conftest import make_draft
    world = build_world()
    DocumentsConfig.load_reference(None)
    types = {t.code: t for t in DocumentType.objects.all()}
    chief = world.user("k01_commander")
    drafts = [make_draft(world, types, secrecy=Secrecy.NONE) for _ in range(12)]
    drafts = [services.sign_document(acting_user=chief, document=d) for d in drafts]
    connections.close_all()
    barrier = threading.Barrier(len(drafts))
    errors = []
    def clerk(doc):
        from django.db import transaction
        try:
            barrier.wait()
            with transaction.atomic():  # as under ATOMIC_REQUESTS
                services.number_document(acting_user=chief, document=doc, today=dt.date(2026, 2, 1))
        except BaseException as e:
            errors.append(repr(e))
        finally:
            connections.close_all()
    threads = [threading.Thread(target=clerk, args=(d,)) for d in drafts]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors, errors
    numbers = sorted(Document.objects.filter(pk__in=[d.pk for d in drafts]).values_list("number", flat=True))
    assert numbers == list(range(1, 13)), numbers
    print("OK")
    """
)


def test_parallel_numbering_on_file_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CANHVE_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="canhve.settings")
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300, cwd=os.getcwd()
    )
    assert run.returncode == 0 and run.stdout.strip().endswith("OK"), run.stdout + run.stderr


SERVER_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, http.cookiejar, re, threading, urllib.error, urllib.parse, urllib.request
    import django
    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from django.test import Client
    from django.utils import timezone
    call_command("migrate", verbosity=0)
    from canhve.accounts.models import Membership, Role, User
    from canhve.core.models import AuditEntry
    from canhve.core.secrecy import Secrecy
    from canhve.core.testing import build_world, login
    from canhve.operations.models import Operation
    world = build_world()
    tz = timezone.get_current_timezone()
    op = Operation.objects.create(
        owner_agency=world.agencies["K01-TM"], code="OP-TM-LOAD", name="Nhiệm vụ tối mật", kind="event",
        secrecy=Secrecy.TOI_MAT, starts_at=dt.datetime(2030, 1, 1, 8, tzinfo=tz),
        ends_at=dt.datetime(2030, 1, 2, 8, tzinfo=tz),
    )
    PASSWORD = "concurrency-pass-2026"
    names = [f"dn{i:02d}" for i in range(20)]
    for name in names:
        user = User.objects.create_user(username=name, password=PASSWORD, clearance=Secrecy.MAT)
        Membership.objects.create(user=user, agency=world.agencies["K01-BVTC"], role=Role.OFFICER)
    client = login(Client(), world.user("k01_officer"))  # Tối mật: password and second factor
    reader_cookie = "sessionid=" + client.cookies["sessionid"].value
    connections.close_all()

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class Server(ThreadedWSGIServer):
        request_queue_size = 128  # the listen backlog: 60 connections arrive at once (gunicorn: 2048)

    server = Server(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    results, errors = [], []
    barrier = threading.Barrier(60)

    def sign_in(name):
        try:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
            page = opener.open(base + "/accounts/login/", timeout=60).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            form = {"username": name, "password": PASSWORD, "csrfmiddlewaretoken": token}
            body = urllib.parse.urlencode(form)
            barrier.wait()
            try:
                status = opener.open(base + "/accounts/login/", body.encode(), timeout=60).status
            except urllib.error.HTTPError as e:
                status = e.code
            signed_in = any(c.name == "sessionid" for c in jar)
            results.append(("login", status, signed_in))
        except BaseException as e:
            errors.append(repr(e))

    def read():
        try:
            url = base + f"/operations/{op.pk}/"
            request = urllib.request.Request(url, headers={"Cookie": reader_cookie})
            barrier.wait()
            try:
                response = urllib.request.urlopen(request, timeout=60)
                status, body = response.status, response.read().decode()
            except urllib.error.HTTPError as e:
                status, body = e.code, ""
            results.append(("read", status, "OP-TM-LOAD" in body))
        except BaseException as e:
            errors.append(repr(e))

    threads = [threading.Thread(target=sign_in, args=(n,)) for n in names]
    threads += [threading.Thread(target=read) for _ in range(40)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    server.shutdown()
    assert not errors, errors
    logins = [r for r in results if r[0] == "login"]
    reads = [r for r in results if r[0] == "read"]
    assert logins == [("login", 302, True)] * 20, logins
    assert reads == [("read", 200, True)] * 40, reads
    assert AuditEntry.objects.filter(action="login").count() >= 20
    assert AuditEntry.objects.filter(action="read", object_id=str(op.pk)).count() == 40
    print("OK")
    """
)


def test_twenty_logins_and_forty_secret_reads_at_once_on_file_sqlite(tmp_path):
    """A threaded live server on a file SQLite database (WAL, IMMEDIATE, busy timeout): 20 sign-ins
    (real POSTs with CSRF) and 40 reads of a Tối mật operation page, each writing its audit row, all at
    the same moment: no error, no 500, every sign-in 302 with a session, every read 200."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CANHVE_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="canhve.settings")
    run = subprocess.run(
        [sys.executable, "-c", SERVER_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=os.getcwd(),
    )
    assert run.returncode == 0 and run.stdout.strip().endswith("OK"), run.stdout + run.stderr
