from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Decree 30/2020/NĐ-CP App. III: abbreviation, name, agency signature (seal) required?
DOCUMENT_TYPES = [
    ("KH", "Kế hoạch", True),
    ("PA", "Phương án", True),
    ("BC", "Báo cáo", True),
    ("QC", "Quy chế", True),
    ("QĐ", "Quyết định", True),
    ("BB", "Biên bản", False),
    ("TB", "Thông báo", True),
    ("HD", "Hướng dẫn", True),
    ("TTr", "Tờ trình", True),
    ("CĐ", "Công điện", True),
    ("GM", "Giấy mời", True),
    ("CV", "Công văn", True),
    ("CT", "Chỉ thị", True),
    ("QyĐ", "Quy định", True),
    ("CTr", "Chương trình", True),
]


class DocumentsConfig(AppConfig):
    name = "canhve.documents"
    label = "documents"
    verbose_name = _("Văn bản")
    nav = ((_("Văn bản"), "documents-list"), (_("Kiểm tra chữ ký số"), "documents-verify"))

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the render job handler

    def load_reference(self) -> dict[str, int]:
        from .models import DocumentType

        for i, (code, name, seal) in enumerate(DOCUMENT_TYPES):
            DocumentType.objects.update_or_create(
                code=code, defaults={"name": name, "requires_seal": seal, "ordering": i}
            )
        return {"loại văn bản": len(DOCUMENT_TYPES)}

    def dashboard_cards(self, user: Any) -> list[dict[str, Any]]:
        from .models import Document, DocumentStatus

        qs = Document.objects.visible_to(user)
        waiting = qs.filter(status__in=[DocumentStatus.SIGNED, DocumentStatus.NUMBERED]).count()
        return [
            {
                "label": _("Văn bản"),
                "value": qs.count(),
                "url": reverse("documents-list"),
                "note": _("%(n)d chờ cấp số, ban hành") % {"n": waiting},
            }
        ]

    def seed_demo(self, ctx: Any) -> None:
        from .demo import seed_documents

        self.load_reference()
        seed_documents(ctx)
