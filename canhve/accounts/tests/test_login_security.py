"""Item 4 of the security issue: lockout, idle timeout, token lifetime and revocation, second factor."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from canhve.accounts.models import ApiToken
from canhve.core.models import AuditAction, AuditEntry
from canhve.core.testing import login

PASSWORD = "x-test-pass-1234"


def _try(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_six_wrong_passwords_then_the_right_one_is_refused(world) -> None:
    client = Client()
    for _ in range(6):
        _try(client, "th_liaison", "wrong-password")
    response = _try(client, "th_liaison", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert 'class="topbar"' in response.content.decode()  # the site layout, not a bare page
    # Another address does not help: the account itself is locked.
    assert _try(Client(), "th_liaison", PASSWORD, ip="10.9.9.9").status_code == 429
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, note="th_liaison").count() >= 5


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_still_let_the_right_password_in(world) -> None:
    client = Client()
    for _ in range(4):
        assert _try(client, "th_liaison", "wrong-password").status_code == 200
    assert _try(client, "th_liaison", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_lockout_per_address(world) -> None:
    attacker = Client()
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _try(attacker, name, "wrong-password", ip="10.6.6.6")
    # A real account, right password, from the locked address: refused.
    assert _try(Client(), "k01_low", PASSWORD, ip="10.6.6.6").status_code == 429
    # The same account from another address is fine: the account itself never failed.
    assert _try(Client(), "k01_low", PASSWORD, ip="10.1.1.1").status_code == 302


@pytest.mark.django_db
def test_lockout_address_comes_from_client_ip(world) -> None:
    with mock.patch("canhve.core.middleware.client_ip", return_value="192.0.2.7") as spy:
        for _ in range(5):
            _try(Client(), "th_liaison", "wrong-password")
    assert spy.called
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.7"}


@pytest.mark.django_db
def test_lockout_revokes_tokens(world) -> None:
    user = world.user("th_liaison")
    token, raw = ApiToken.issue(user=user, name="ci")
    assert ApiToken.authenticate(raw) is not None
    for _ in range(5):
        _try(Client(), "th_liaison", "wrong-password", ip="10.0.0.2")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.authenticate(raw) is None
    assert AuditEntry.objects.filter(object_id=str(token.pk), note="lockout").exists()
    response = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


@pytest.mark.django_db
def test_address_lockout_does_not_revoke_an_innocent_accounts_tokens(world) -> None:
    token, _raw = ApiToken.issue(user=world.user("k01_low"), name="ci")
    for name in ("a1", "a2", "a3", "a4", "k01_low"):
        _try(Client(), name, "wrong-password", ip="10.6.6.6")
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_lockout_answer_for_the_api_is_json_429(world) -> None:
    for _ in range(5):
        _try(Client(), "th_liaison", "wrong-password")
    response = Client().post(
        reverse("login"),
        {"username": "th_liaison", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 429
    assert response.json()["minutes"] == 15


def test_production_hasher_is_argon2() -> None:
    from canhve import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    assert encoded.startswith("argon2$") and hasher.verify(PASSWORD, encoded)


@pytest.mark.django_db
def test_idle_session_times_out(world) -> None:
    client = login(Client(), world.user("th_liaison"))
    start = timezone.now()
    assert client.get(reverse("profile")).status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=25)):
        assert client.get(reverse("profile")).status_code == 200  # activity slides the expiry on
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=50)):
        assert client.get(reverse("profile")).status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=81)):
        response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_token_over_90_days_is_refused(world) -> None:
    user = world.user("th_liaison")
    with pytest.raises(ValueError):
        ApiToken.issue(user=user, name="long", days=91)
    token, _raw = ApiToken.issue(user=user, name="max", days=90)
    assert token.expires_at <= timezone.now() + timedelta(days=90)
    client = world.client("th_liaison")
    response = client.post(reverse("token-create"), {"name": "long", "scope": "read", "days": 365})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(name="long").exists()


@pytest.mark.django_db
def test_password_change_revokes_tokens(world) -> None:
    user = world.user("th_liaison")
    token, raw = ApiToken.issue(user=user, name="ci")
    _other, other_raw = ApiToken.issue(user=world.user("k01_low"), name="ci")
    user.set_password("a-brand-new-pass-5678")
    user.save()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.authenticate(raw) is None
    assert AuditEntry.objects.filter(object_id=str(token.pk), note="password changed").exists()
    assert ApiToken.authenticate(other_raw) is not None
    # A save that does not touch the password leaves new tokens alone.
    _fresh, fresh_raw = ApiToken.issue(user=user, name="again")
    user.title = "Trưởng phòng"
    user.save()
    assert ApiToken.authenticate(fresh_raw) is not None


def _password_only(client: Client, username: str) -> Client:
    response = _try(client, username, PASSWORD)
    assert response.status_code == 302
    return client


def _code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.django_db
def test_toi_mat_user_without_second_factor_is_redirected_and_refused_by_the_api(world) -> None:
    client = _password_only(Client(), "k01_officer")
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-enrol"))
    assert client.get("/api/accounts/me").status_code == 401
    # An API token is its own factor and keeps working.
    _token, raw = ApiToken.issue(user=world.user("k01_officer"), name="ci")
    assert Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


@pytest.mark.django_db
def test_enrolment_shows_an_svg_qr_then_recovery_codes(world) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = _password_only(Client(), "k01_commander")
    page = client.get(reverse("otp-enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    device = TOTPDevice.objects.get(user=world.user("k01_commander"), confirmed=False)
    wrong = "000000" if _code(device) != "000000" else "111111"
    assert client.post(reverse("otp-enrol"), {"code": wrong}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the device for a second, doubling each time
    done = client.post(reverse("otp-enrol"), {"code": _code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(c in done.content.decode() for c in codes)
    assert client.get(reverse("profile")).status_code == 200
    assert client.get("/api/accounts/me").status_code == 200


@pytest.mark.django_db
def test_right_totp_code_lets_a_toi_mat_user_in(world) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.user("k01_officer"), name="app", confirmed=True)
    client = _password_only(Client(), "k01_officer")
    assert client.get(reverse("profile"))["Location"].startswith(reverse("otp-verify"))
    # Until the code is given the menu is not offered: each of its pages would send the user back here.
    assert 'class="mainnav"' not in client.get(reverse("otp-verify")).content.decode()
    assert client.post(reverse("otp-verify"), {"code": "12345"}).status_code == 400
    assert client.get(reverse("profile")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the device for a second, doubling each time
    response = client.post(reverse("otp-verify"), {"code": _code(device), "next": reverse("profile")})
    assert response.status_code == 302 and response["Location"] == reverse("profile")
    assert 'class="mainnav"' in client.get(reverse("profile")).content.decode()
    assert client.get("/api/accounts/me").status_code == 200


@pytest.mark.django_db
def test_recovery_code_works_once(world) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from canhve.accounts.second_factor import issue_recovery_codes

    user = world.user("k01_officer")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    code = issue_recovery_codes(user)[0]
    first = _password_only(Client(), "k01_officer")
    assert first.post(reverse("otp-verify"), {"code": code}).status_code == 302
    assert first.get(reverse("profile")).status_code == 200
    second = _password_only(Client(), "k01_officer")
    assert second.post(reverse("otp-verify"), {"code": code}).status_code == 400
    assert second.get(reverse("profile")).status_code == 302


@pytest.mark.django_db
def test_mat_user_needs_no_second_factor(world) -> None:
    client = _password_only(Client(), "th_liaison")
    assert client.get(reverse("profile")).status_code == 200
    assert client.get("/api/accounts/me").status_code == 200


@pytest.mark.django_db
def test_demo_devices_and_the_demo_otp_command(world, settings) -> None:
    from io import StringIO
    from types import SimpleNamespace

    from django.core.management import CommandError, call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from canhve.accounts.demo import seed_demo_devices

    said: list[str] = []
    ctx = SimpleNamespace(users=world.users, say=said.append)
    seed_demo_devices(ctx)
    seed_demo_devices(ctx)  # idempotent
    assert TOTPDevice.objects.filter(user=world.user("k01_officer"), name="demo").count() == 1
    assert not TOTPDevice.objects.filter(user=world.user("th_liaison")).exists()
    assert "demo-otp" in said[0]
    out = StringIO()
    call_command("demo_otp", "k01_officer", stdout=out)
    device = TOTPDevice.objects.get(user=world.user("k01_officer"), name="demo")
    assert out.getvalue().split()[0] == _code(device)
    # The printed code passes the second step.
    client = _password_only(Client(), "k01_officer")
    assert client.post(reverse("otp-verify"), {"code": out.getvalue().split()[0]}).status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo_otp", "k01_officer", stdout=StringIO())


@pytest.mark.django_db
def test_lockout_ends_after_the_15_minute_cool_off(world) -> None:
    from axes.models import AccessAttempt

    for _ in range(5):
        _try(Client(), "th_liaison", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert _try(Client(), "th_liaison", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _try(Client(), "th_liaison", PASSWORD).status_code == 302


# ---- refused sign-ins keep their records (ADR 0106: any other refused request is rolled back) ----------


@pytest.mark.django_db
def test_a_wrong_second_factor_code_keeps_its_audit_row_and_throttle(world) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.user("k01_officer"), name="app", confirmed=True)
    client = _password_only(Client(), "k01_officer")
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, note="second factor")
    wrong = "000000" if _code(device) != "000000" else "111111"
    for attempt in (1, 2):
        assert client.post(reverse("otp-verify"), {"code": wrong}).status_code == 400
        device.refresh_from_db()
        assert failed.count() == attempt
        assert device.throttling_failure_count == attempt
        device.throttle_reset(commit=False)
        device.throttling_failure_count = attempt  # let the next try reach the check, keep the count
        device.save()


@pytest.mark.django_db
def test_a_wrong_first_enrolment_code_keeps_the_device_its_qr_shows(world) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = _password_only(Client(), "k01_commander")
    # No GET first: the refused POST itself creates the device whose QR code the 400 page shows.
    response = client.post(reverse("otp-enrol"), {"code": "000000"})
    assert response.status_code == 400
    device = TOTPDevice.objects.get(user=world.user("k01_commander"), confirmed=False)
    assert response.context["secret"] == __import__("base64").b32encode(device.bin_key).decode()


@pytest.mark.django_db
def test_failed_sign_ins_on_the_admin_login_count_towards_the_lockout(world) -> None:
    from axes.models import AccessAttempt

    for _ in range(5):
        Client().post(
            "/admin/login/", {"username": "th_liaison", "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
        )
    assert AccessAttempt.objects.get(username="th_liaison").failures_since_start == 5
    assert _try(Client(), "th_liaison", PASSWORD, ip="10.0.0.8").status_code == 429
