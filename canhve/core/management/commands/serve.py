import os
import sys
import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve canhve: gunicorn in production (CANHVE_ENV=production), Django's server otherwise."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))

    def handle(self, *args: Any, **options: Any) -> None:
        bind = f"{options['host']}:{options['port']}"
        if os.environ.get("CANHVE_ENV") == "production":
            gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
            os.execv(  # noqa: S606 - replaces this process with gunicorn, arguments are ours
                gunicorn,
                [
                    gunicorn,
                    "canhve.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(options["workers"]),
                    "--access-logfile",
                    "-",
                    "--forwarded-allow-ips",
                    os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                ],
            )
        # The demo runs background jobs in a thread of the same process; production runs `canhve worker`.
        threading.Thread(target=_work_forever, name="canhve-worker", daemon=True).start()
        self.stdout.write(f"canhve: http://{bind}/  (Ctrl+C to stop)")
        call_command("runserver", bind, use_reloader=False)


def _work_forever() -> None:
    from django.db import close_old_connections

    from canhve.core.jobs import run_pending

    while True:
        try:
            ran = run_pending()
        finally:
            close_old_connections()
        if not ran:
            time.sleep(1.0)
