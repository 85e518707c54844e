import os
import sys
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
                [gunicorn, "canhve.wsgi:application", "--bind", bind, "--workers", str(options["workers"]),
                 "--access-logfile", "-", "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")],
            )
        self.stdout.write(f"canhve: http://{bind}/  (Ctrl+C to stop)")
        call_command("runserver", bind, use_reloader=False)
