"""`canhve backup OUT` writes the whole database, every stored file and a manifest with checksums and the
audit chain head to one archive (gzip tar; plain tar when OUT ends in `.tar`). ADR 0109."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from canhve.core import backup


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu và tệp vào một tệp lưu trữ: backup OUT (.tar.gz | .tar)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="the archive to write (refused if it exists)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.write_backup(Path(options["out"]))
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(
            f"{options['out']}: {rows:,} dòng / rows in {len(manifest['tables'])} bảng / tables, "
            f"{manifest['media_files']:,} tệp / files"
        )
        for name in manifest["missing_media"]:
            self.stderr.write(f"thiếu tệp / missing file (named by a row, not on disk): {name}")
        if not manifest["audit_chain"]["verified"]:
            self.stderr.write(f"chuỗi nhật ký hỏng / audit chain broken: {manifest['audit_chain']['error']}")
        self.stdout.write(f"sha256 {manifest['sha256']}")
        self.stdout.write(f"audit head {json.dumps(manifest['audit_chain']['head'], sort_keys=True)}")
