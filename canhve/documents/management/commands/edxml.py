"""`canhve edxml import FILE --agency CODE [--user USERNAME]` receives an edXML package or status message
into the agency's register; `canhve edxml export DOCUMENT_ID --out FILE [--to CODE …] [--user USERNAME]`
writes an issued Không mật document as an edXML package. Exit 0 with one line, or non-zero with the
reason as one line; without --user the system acts (audited as a command)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from canhve.accounts.models import User
from canhve.core.context import acting_as


def _one_line(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        text = "; ".join(error.messages)
    else:
        text = str(error) or "Không có quyền."
    return " ".join(text.split())


class Command(BaseCommand):
    help = "Import an edXML package (văn bản đến) or export an issued Không mật document as edXML."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="receive an edXML file for an agency")
        imp.add_argument("file")
        imp.add_argument("--agency", required=True, help="code of the receiving agency")
        imp.add_argument("--user", help="username of the văn thư receiving it")
        exp = sub.add_parser("export", help="write an issued document as an edXML package")
        exp.add_argument("id", type=int)
        exp.add_argument("--out", required=True)
        exp.add_argument("--to", action="append", default=[], help="code of a receiving agency (repeat)")
        exp.add_argument("--user", help="username whose visibility and rights apply")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options.get("user"):
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"Không có người dùng {options['user']!r}.")
        with acting_as(user, via="cli"):
            try:
                if options["action"] == "import":
                    self.do_import(user, options)
                else:
                    self.do_export(user, options)
            except (ValidationError, PermissionDenied) as error:
                raise CommandError(_one_line(error)) from error

    def do_import(self, user: User | None, options: dict[str, Any]) -> None:
        from canhve.agencies.models import Agency
        from canhve.documents.models import IncomingDocument
        from canhve.documents.services import import_edxml

        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"Không có đơn vị {options['agency']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        record = import_edxml(user, agency, path.read_bytes())
        if isinstance(record, IncomingDocument):
            self.stdout.write(
                f"imported #{record.pk} {record.get_kind_display()} {record.code} "
                f"({record.get_verification_display()}, {record.files.count()} tệp) → {agency.code}"
            )
        else:
            self.stdout.write(
                f"imported #{record.pk} trạng thái {record.code} {record.response_code} → {agency.code}"
            )

    def do_export(self, user: User | None, options: dict[str, Any]) -> None:
        from canhve.agencies.models import Agency
        from canhve.documents.models import Document
        from canhve.documents.services import export_edxml

        doc = Document.objects.select_related("doc_type", "owner_agency").filter(pk=options["id"]).first()
        if doc is None or (user is not None and not doc.is_visible_to(user)):
            raise CommandError(f"Văn bản #{options['id']} không tồn tại hoặc không có quyền xem.")
        to = []
        for code in options["to"]:
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                raise CommandError(f"Không có đơn vị {code!r}.")
            to.append(agency)
        data = export_edxml(user, doc, to=to)
        out = Path(options["out"])
        out.write_bytes(data)
        self.stdout.write(f"exported #{doc.pk} {doc.number_symbol} → {out} ({len(data):,} byte)")
