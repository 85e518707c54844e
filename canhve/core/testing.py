"""The shared test kit: personas and the URL matrix every app's tests reuse.

Personas (the same in every app):
- `k01_officer`  — planner of K01-TM (a K01 department), clearance Tối mật: owns the records under test.
- `th_liaison`   — officer of Công an tỉnh Thanh Hóa, clearance Mật: sees only what is shared with CATH.
- `ct_outsider`  — officer of Công an thành phố Cần Thơ, clearance Tối mật: must see nothing of K01's.
- `k01_low`      — officer of K01-BVTC, clearance Mật: a K01 member below Tối mật records.
- `k01_commander`— commander of K01, Tuyệt mật.
- `auditor`      — K01 viewer with the auditor flag, Tuyệt mật.
- `anonymous`    — nobody signed in.

Use the `world` fixture (pytest) to get them; `check_matrix(world, cases)` asserts each URL's status per
persona. Every app lists its URLs in `<app>/tests/persona_urls.py` as `CASES`; a core test fails when a
named URL of the project is in nobody's list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.test import Client
from django.urls import reverse

from canhve.accounts.models import Membership, Role, User
from canhve.agencies.models import Agency, AgencyKind
from canhve.core.secrecy import Secrecy

PERSONAS = ("anonymous", "k01_officer", "th_liaison", "ct_outsider", "k01_low", "k01_commander", "auditor")


def login(client: Client, user: User) -> Client:
    """Sign `user` in on a test client as a full sign-in would (second factor included where the
    user's clearance requires one). Tests use this, never a bare `force_login`."""
    client.force_login(user)
    if user.clearance >= Secrecy.TOI_MAT:
        # What django_otp.login does after a right code: the session names the verifying device.
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _posted(form: forms.BaseForm) -> dict[str, Any]:
    """What the browser sends for `form` as loaded: a split widget (the admin's date and time) as its
    parts, every name under the form's prefix."""
    data: dict[str, Any] = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.MultiWidget):
            parts: Any = value if isinstance(value, list) else widget.decompress(value)
            names = widget.widgets_names  # type: ignore[attr-defined]  # Django's, not in the stubs
            data.update({bound.html_name + s: v for s, v in zip(names, parts, strict=True)})
        else:
            data[bound.html_name] = value
    return {k: ("" if v is None else v) for k, v in data.items()}


def form_data(client: Client, url: str) -> dict[str, Any]:
    """What the browser sends back unchanged for the form of the page at `url`: an edit page's `form`,
    or an admin change form with the rows of its inlines."""
    context = client.get(url).context
    form = context["adminform"].form if "adminform" in context else context["form"]
    data = _posted(form)
    for inline in context.get("inline_admin_formsets", []):
        for part in (inline.formset.management_form, *inline.formset.forms):
            data.update(_posted(part))
    return data


@dataclass
class World:
    agencies: dict[str, Agency]
    users: dict[str, User]
    _clients: dict[str, Client] = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        if persona not in self._clients:
            client = Client()
            if persona != "anonymous":
                login(client, self.users[persona])
            self._clients[persona] = client
        return self._clients[persona]

    def user(self, persona: str) -> User:
        return self.users[persona]


def build_world() -> World:
    def agency(code: str, kind: str, parent: Agency | None = None, province: str | None = None) -> Agency:
        return Agency.objects.create(
            code=code, name=f"Đơn vị {code}", kind=kind, parent=parent, province_id=province
        )

    bca = agency("BCA", AgencyKind.MINISTRY)
    k01 = agency("K01", AgencyKind.GUARD_COMMAND, bca)
    agencies = {
        "BCA": bca,
        "K01": k01,
        "K01-TM": agency("K01-TM", AgencyKind.GUARD_UNIT, k01),
        "K01-BVTC": agency("K01-BVTC", AgencyKind.GUARD_UNIT, k01),
        "CATH": agency("CATH", AgencyKind.PROVINCIAL_POLICE, bca),
        "CACT": agency("CACT", AgencyKind.PROVINCIAL_POLICE, bca),
        "CAHN": agency("CAHN", AgencyKind.PROVINCIAL_POLICE, bca),
        "BCCB": agency("BCCB", AgencyKind.MILITARY),
    }

    def user(name: str, clearance: int, code: str, role: int, **extra: Any) -> User:
        password = "x-test-pass-1234"  # noqa: S105 - throwaway test accounts
        u = User.objects.create_user(username=name, password=password, clearance=clearance, **extra)
        Membership.objects.create(user=u, agency=agencies[code], role=role)
        return u

    users = {
        "k01_officer": user("k01_officer", Secrecy.TOI_MAT, "K01-TM", Role.PLANNER),
        "th_liaison": user("th_liaison", Secrecy.MAT, "CATH", Role.OFFICER),
        "ct_outsider": user("ct_outsider", Secrecy.TOI_MAT, "CACT", Role.OFFICER),
        "k01_low": user("k01_low", Secrecy.MAT, "K01-BVTC", Role.OFFICER),
        "k01_commander": user("k01_commander", Secrecy.TUYET_MAT, "K01", Role.COMMANDER),
        "auditor": user("auditor", Secrecy.TUYET_MAT, "K01", Role.VIEWER, is_auditor=True),
    }
    return World(agencies=agencies, users=users)


@dataclass(frozen=True)
class UrlCase:
    """One named URL and the HTTP status each persona must get. `kwargs` builds the URL arguments from
    the test's world (and whatever the app's fixture added to it)."""

    name: str
    expect: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None


def check_matrix(world: Any, cases: list[UrlCase]) -> None:
    failures = []
    for case in cases:
        url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else None)
        for persona, status in case.expect.items():
            client = world.client(persona)
            payload = case.data(world) if case.data else {}
            response = getattr(client, case.method)(url, payload)
            if response.status_code != status:
                failures.append(
                    f"{case.name} {url} as {persona}: expected {status}, got {response.status_code}"
                )
    assert not failures, "\n".join(failures)


def everyone(status: int, *, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    """The usual expectation: anonymous is sent to log in, every persona gets `status` unless overridden."""
    expect = {p: status for p in PERSONAS}
    expect["anonymous"] = anonymous
    expect.update(overrides)
    return expect


def database_rows(
    *, exclude: frozenset[str] = frozenset({"django_session"})
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (sessions aside: each request slides their expiry), to show that a
    request changed nothing at all: compare the value before and after it (ADR 0106)."""
    from django.db import connection

    rows: dict[str, list[tuple[Any, ...]]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in exclude:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from introspection
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def changed_tables(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
