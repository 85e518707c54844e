from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "canhve.exchange"
    label = "exchange"
    verbose_name = _("Trao đổi thông tin")
    nav = ((_("Trao đổi thông tin"), "exchange-list"),)

    def dashboard_cards(self, user: Any) -> list[dict[str, Any]]:
        from .models import InformationItem

        count = InformationItem.objects.visible_to(user).count()
        return [{"label": _("Thông tin trao đổi"), "value": count, "url": reverse("exchange-list")}]

    def seed_demo(self, ctx: Any) -> None:
        from .models import InformationItem, InformationKind

        items = [
            (
                "K01-TM",
                "Đề nghị khảo sát tuyến đường phục vụ đoàn công tác (diễn tập)",
                InformationKind.REQUEST,
                1,
                ["CATH"],
                "Đề nghị Công an tỉnh phối hợp khảo sát tuyến đường và điểm dừng nghỉ (dữ liệu giả định).",
            ),
            (
                "K01-TM",
                "Kế hoạch phối hợp bảo vệ hội nghị (giả định)",
                InformationKind.NOTICE,
                2,
                ["CAHN"],
                "Thông tin giả định phục vụ trình diễn hệ thống.",
            ),
            (
                "K01",
                "Đánh giá tình hình chung (giả định)",
                InformationKind.SITUATION,
                3,
                [],
                "Nội dung Tuyệt mật giả định: chỉ chỉ huy K01 được xem.",
            ),
            (
                "CACT",
                "Thông báo lịch trực của Công an thành phố Cần Thơ",
                InformationKind.NOTICE,
                0,
                [],
                "Lịch trực giả định.",
            ),
        ]

        def author_for(secrecy: int) -> Any:
            # The planner writes up to Tối mật; a Tuyệt mật item comes from the commander.
            planner = ctx.users["k01.kehoach"]
            return planner if secrecy <= planner.clearance else ctx.users["k01.chihuy"]

        for owner, title, kind, secrecy, recipients, body in items:
            item = InformationItem.objects.filter(title=title).first()
            if item is None:
                item = InformationItem(
                    owner_agency=ctx.agencies[owner],
                    title=title,
                    kind=kind,
                    secrecy=secrecy,
                    body=body,
                    author=ctx.users["ct.canbo"] if owner == "CACT" else author_for(secrecy),
                )
                item.full_clean()
                item.save()
                item.shared_with_agencies.set([ctx.agencies[c] for c in recipients])
