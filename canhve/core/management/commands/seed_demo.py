from typing import Any

from django.core.management.base import BaseCommand

from canhve.core.demo import seed_all


class Command(BaseCommand):
    help = "Load the fictional demo dataset (agencies, users, and each app's demo records). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = seed_all(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {accounts['password']})"))
        for row in accounts["users"]:
            self.stdout.write(
                f"  {row['username']:<14} {row['role']:<16} {row['clearance']:<10} {row['agencies']}"
            )
