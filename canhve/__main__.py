"""The `canhve` command: administration of the platform.

    canhve migrate | load-reference | seed-demo | serve | worker | route …
    canhve <any manage.py command>

Hyphenated names map to the management commands (`load-reference` → `load_reference`). `route` runs the
routing engine directly and needs no database.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "route":
        from canhve.engines.routing.cli import main as route_main

        return route_main(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhve.settings")
    from django.core.management import execute_from_command_line

    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "canhve"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
