"""Demo second factor: every demo account cleared Tối mật or above gets a TOTP device with one fixed,
published secret, so the demo can be signed in to; `canhve demo-otp USERNAME` prints the current code."""

from __future__ import annotations

import base64
import time
from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from canhve.core.secrecy import Secrecy

# Published with the demo password: it protects nothing real (20 bytes, as RFC 4226 recommends).
DEMO_TOTP_SECRET = b"canhve-demo-totp-key"
DEMO_TOTP_KEY = DEMO_TOTP_SECRET.hex()
DEMO_DEVICE_NAME = "demo"


def seed_demo_devices(ctx: Any) -> None:
    for user in ctx.users.values():
        if user.clearance < Secrecy.TOI_MAT:
            continue
        TOTPDevice.objects.get_or_create(
            user=user, name=DEMO_DEVICE_NAME, defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
        )
    ctx.say(
        "Tài khoản Tối mật trở lên cần mã xác thực thứ hai: `canhve demo-otp TÊN_ĐĂNG_NHẬP` in mã hiện tại "
        "(chỉ cho bản demo), hoặc thêm khóa chung của demo vào ứng dụng xác thực: "
        + base64.b32encode(DEMO_TOTP_SECRET).decode()
    )


def current_code(device: TOTPDevice) -> tuple[str, int]:
    """The device's code now and the seconds it stays valid."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    remaining = device.step - int(time.time() - device.t0) % device.step
    return f"{code:0{device.digits}d}", remaining
