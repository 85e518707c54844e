"""`canhve audit head` prints the chain head as one JSON line to anchor elsewhere; `canhve audit verify
[--anchor FILE_OR_JSON]` walks the chain and exits non-zero with a one-line reason when it is broken."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from canhve.core import audit_chain


def load_anchor(text: str) -> dict[str, Any]:
    text = text.strip()
    if not text.startswith("{"):
        text = Path(text).read_text(encoding="utf-8").strip().splitlines()[-1]
    return json.loads(text)


class Command(BaseCommand):
    help = "Nhật ký kiểm tra: head | verify [--anchor FILE_OR_JSON]"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("head")
        verify = sub.add_parser("verify")
        verify.add_argument("--anchor", default="")
        for p in (parser,):
            p.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        if options["sub"] == "head":
            self.stdout.write(json.dumps(audit_chain.head(using), sort_keys=True))
            return
        anchor = load_anchor(options["anchor"]) if options["anchor"] else None
        try:
            result = audit_chain.verify(using, anchor=anchor)
        except audit_chain.ChainBroken as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"OK {json.dumps(result, sort_keys=True)}")
