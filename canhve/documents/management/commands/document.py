"""`canhve document render ID --format docx|pdf --out FILE --user USERNAME` renders any document the user
may see (issued documents give their stored DOCX / signed PDF); `canhve document verify FILE` checks a PDF."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from canhve.accounts.models import User
from canhve.core.context import acting_as


class Command(BaseCommand):
    help = "Render a document to DOCX/PDF as a given user, or verify the digital signatures of a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        render = sub.add_parser("render", help="render a document the user may see")
        render.add_argument("id", type=int)
        render.add_argument("--format", choices=["docx", "pdf"], default="pdf")
        render.add_argument("--out", required=True)
        render.add_argument("--user", required=True, help="username whose visibility applies")
        verify = sub.add_parser("verify", help="verify the signatures of a PDF")
        verify.add_argument("file")
        verify.add_argument("--user", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}.")
        with acting_as(user, via="cli"):
            if options["action"] == "render":
                self.render(user, options)
            else:
                self.verify(user, options)

    def render(self, user: User, options: dict[str, Any]) -> None:
        from django.db import transaction
        from django.http import Http404

        from canhve.core.access import get_visible_or_404
        from canhve.documents.models import Document
        from canhve.documents.services import download_file

        try:
            doc = get_visible_or_404(
                Document.objects.select_related("doc_type", "owner_agency"), user, pk=options["id"]
            )
        except Http404 as e:
            raise CommandError(
                f"Văn bản #{options['id']} không tồn tại hoặc {user.username} không có quyền xem."
            ) from e
        try:
            with transaction.atomic():
                file = download_file(acting_user=user, document=doc, kind=options["format"])
        except ValidationError as e:
            raise CommandError("; ".join(m for ms in e.message_dict.values() for m in ms)) from e
        out = Path(options["out"])
        out.write_bytes(bytes(file.data))
        self.stdout.write(
            f"{doc.number_symbol}: {file.get_kind_display()} → {out} ({out.stat().st_size:,} byte)"
        )

    def verify(self, user: User, options: dict[str, Any]) -> None:
        from canhve.documents.services import verify_upload

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        report = verify_upload(acting_user=user, data=path.read_bytes(), filename=path.name)
        for s in report.signatures:
            state = "nguyên vẹn" if s.ok else "KHÔNG HỢP LỆ / ĐÃ BỊ SỬA"
            self.stdout.write(
                f"{s.field_name}: {s.signer_common_name} ({s.signer_organization}) "
                f"{s.signing_time:%d/%m/%Y %H:%M} — {state}"
            )
        if not report.ok:
            raise CommandError(report.error or "Tệp không có chữ ký số hợp lệ hoặc đã bị sửa sau khi ký.")
        self.stdout.write("Hợp lệ: mọi chữ ký số nguyên vẹn và tin cậy.")
