"""`canhve restore IN` restores an archive of `canhve backup` into an empty, freshly migrated database
and an empty MEDIA_ROOT, in one transaction, after checking every member's checksum. ADR 0109."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from canhve.core import backup


class Command(BaseCommand):
    help = "Khôi phục bản sao lưu vào cơ sở dữ liệu trống đã migrate: restore IN"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="an archive written by `canhve backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup.restore_backup(Path(options["archive"]))
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            f"{options['archive']} (sha256 {result['sha256']}, {result['created_at']}): "
            f"{result['rows']:,} dòng / rows, {result['files']:,} tệp / files"
        )
        head = json.dumps(result["audit_chain"]["head"], sort_keys=True)
        if not result["audit_chain"]["verified"]:
            self.stderr.write(f"chuỗi nhật ký đã hỏng khi sao lưu / broken at backup time: {head}")
        self.stdout.write(f"audit anchor {head}; restore recorded as audit row #{result['restore_audit_id']}")
