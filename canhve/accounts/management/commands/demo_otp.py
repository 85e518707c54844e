from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from canhve.accounts.demo import current_code


class Command(BaseCommand):
    help = "Demo only: print the current second-factor (TOTP) code of a demo account. Refused in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo-otp chỉ dùng cho bản demo, không chạy khi CANHVE_ENV=production.")
        device = (
            TOTPDevice.objects.filter(user__username=options["username"], confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CommandError(f"{options['username']}: không có thiết bị TOTP (tài khoản dưới Tối mật?).")
        code, remaining = current_code(device)
        self.stdout.write(f"{code}  (còn hiệu lực {remaining} giây)")
