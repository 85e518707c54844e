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
