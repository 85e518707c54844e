import time
from typing import Any

from django.core.management.base import BaseCommand

from canhve.core.jobs import run_pending


class Command(BaseCommand):
    help = "Run background jobs (roster solves, long document renders). Polls the database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            ran = run_pending()
            if options["once"]:
                self.stdout.write(f"ran {ran} job(s)")
                return
            if not ran:
                time.sleep(options["interval"])
