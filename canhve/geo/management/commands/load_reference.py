from typing import Any

from django.core.management.base import BaseCommand

from canhve.geo.reference import load_reference


class Command(BaseCommand):
    help = (
        "Load administrative units (2025 and legacy, with the old → new mapping) from data/admin. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_reference()
        extra = []
        from django.apps import apps

        for config in apps.get_app_configs():
            loader = getattr(config, "load_reference", None)
            if callable(loader):
                extra.append(loader())
        self.stdout.write(", ".join(f"{k}: {v:,}" for k, v in counts.items()))
        for item in extra:
            if item:
                self.stdout.write(str(item))
