"""`canhve flush` never empties the audit trail (ADR 0103).

This command replaces Django's `flush` (an installed app's command wins over the built-in one of the same
name). Outside the test suite it refuses. Under pytest (`settings.TESTING`, which only `canhve/conftest.py`
sets) it is the flush that TransactionTestCase, `transactional_db` and `live_server` tests run between
tests: it lifts the audit table's triggers for this flush alone, inside one transaction, and puts the
same triggers back (`core/audit_guard.py`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction

from canhve.core import audit_guard


class Command(flush.Command):
    help = "Chỉ dùng khi chạy kiểm thử: nhật ký kiểm tra không bao giờ bị xóa sạch."

    def handle(self, **options: Any) -> None:
        if not getattr(settings, "TESTING", False):
            raise CommandError(
                "Không xóa sạch cơ sở dữ liệu: nhật ký kiểm tra chỉ được ghi thêm (ADR 0103). / "
                "Refused: the audit trail is append-only and is never flushed (ADR 0103)."
            )
        database = options["database"]
        with transaction.atomic(using=database), audit_guard.lifted(connections[database]):
            super().handle(**options)
