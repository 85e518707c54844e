"""The access matrix, from the outside (issue 11): every page and every GET of the API schema
(`inventory.everything`, enumerated from the resolver and the schema, so a new page cannot escape),
requested by nine personas, with the records it shows at each secrecy level, shared or not, owned by
K01 or by another province's police.

The expected answer comes from the visibility rule written again here, from the rows themselves (the
agency tree walked in Python, the shares read from the through tables), not from `visible_to`. Each
answer (HTML, JSON, files) is scanned for the marker each secured record carries in its name, code and
title, so a record shown through another one (a stop's site, a post's operation, a mobilisation's
roster) is caught as surely as its own page.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from canhve.accounts.models import Membership, Role, User
from canhve.agencies.models import Agency
from canhve.core.secrecy import Secrecy
from canhve.core.tests import inventory
from canhve.core.visibility import SecuredQuerySet
from canhve.operations.models import Operation

pytestmark = pytest.mark.django_db

# The fields of each secured model its pages and JSON name it by: each gets the record's marker.
NAMED_BY: dict[str, tuple[str, ...]] = {
    "sites.Site": ("name",),
    "sites.BasicSurvey": ("title",),
    "operations.Operation": ("name", "code"),
    "staffing.Personnel": ("full_name", "service_number"),
    "staffing.Post": ("name",),
    "staffing.Roster": ("name",),
    "staffing.MobilisationRequest": ("title",),
    "documents.Document": ("summary",),
    "exchange.InformationItem": ("title", "body"),
}
SECRET_MARK = "QZSECRETOP"  # the Tối mật operation, kept apart from the configuration

# Records that point only to the others (a post to its operation and site, a safe point to its site, a
# mobilisation to its roster and people): in a layered configuration they are one level more secret, as
# the write-down rule allows, so the pages of what they point to must leave them out for a reader cleared
# for the lower level only; or less secret or more widely shared, so their own pages must leave out what
# they point to.
UPPER = {
    "sites.SafePoint",
    "sites.BasicSurvey",
    "staffing.Post",
    "staffing.Roster",
    "staffing.MobilisationRequest",
    "documents.Document",
    "exchange.InformationItem",
}
# The record each of Built's fields stands for, by layer (children follow their parent).
LAYER_OF = {
    **dict.fromkeys(
        ["op", "task", "stop", "movement", "route", "closure", "plan", "site", "person"], "lower"
    ),
    **dict.fromkeys(
        ["point", "survey", "evidence", "basic", "post", "roster", "assignment", "mobilisation", "document"],
        "upper",
    ),
    **dict.fromkeys(["job", "item"], "upper"),
}


@dataclasses.dataclass(frozen=True)
class Configuration:
    level: int
    shared: bool  # with CATH, the Thanh Hóa police
    owner: str = "K01-TM"
    upper: int = 0  # UPPER's level above (+1) or, against the write-down rule, below (-1) the rest
    upper_shared_alone: bool = False  # UPPER shared with CATH, the rest with no one

    def level_of(self, layer: str) -> int:
        return self.level + (self.upper if layer == "upper" else 0)

    def shared_in(self, layer: str) -> bool:
        return self.shared or (self.upper_shared_alone and layer == "upper")

    def mark(self, layer: str) -> str:
        """Short (PostgreSQL holds codes in 30 characters): the configuration and the layer's initial."""
        how = f"{self.level}{int(self.shared)}{self.upper + 1}{int(self.upper_shared_alone)}"
        return f"QZ{how}{self.owner[0]}{layer[0]}Q"


CONFIGURATIONS = [
    *(Configuration(level, shared) for level in Secrecy.values for shared in (False, True)),
    Configuration(Secrecy.MAT, False, "CACT"),
    Configuration(Secrecy.TOI_MAT, True, "CACT"),
    *(Configuration(level, shared, upper=1) for level in Secrecy.values[:-1] for shared in (False, True)),
    # States the write-down rule refuses but a database can still hold (a record raised after others
    # pointed to it, rows written around the app): the pages of the lesser records must still leave out
    # what they point to.
    *(Configuration(level, False, upper=-1) for level in Secrecy.values[1:]),
    Configuration(Secrecy.MAT, False, upper_shared_alone=True),
    Configuration(Secrecy.MAT, False, "CACT", upper_shared_alone=True),
]

# URL arguments that name no secured record (reference data, the caller's own token).
UNKEYED = {
    "agency-detail",
    "protectees-category",
    "sites-criteria-detail",
    "token-revoke",
    "/api/agencies/agencies/{code}",
    "/api/protectees/categories/{code}",
    "/api/geo/provinces/{code}",
    "/api/geo/wards/{code}",
    "/api/geo/legacy/{level}/{code}",
}
# Reads that answer only their creator, on top of the record's visibility.
CREATOR_ONLY = {"documents-job": "k01_commander", "documents-job-file": "k01_commander"}
# The file answers inventory leaves out for their size: here only who gets them matters.
FILES = {
    "documents-download": lambda b: {"pk": b.document.pk, "kind": "pdf"},
    "documents-job-file": lambda b: {"pk": b.job.pk},
    "sites-evidence": lambda b: {"pk": b.evidence.pk},
}
REFUSED = {302, 401, 403, 404, 405}


def _add_personas(world: Any) -> dict[str, User | None]:
    """The world's personas and the three the matrix adds: an officer with clearance 0, another
    province's auditor, and a user who belongs to no agency; anonymous last."""

    def add(name: str, clearance: int, code: str | None, role: int = Role.OFFICER, **extra: Any) -> None:
        password = "x-test-pass-1234"
        user = User.objects.create_user(username=name, password=password, clearance=clearance, **extra)
        if code:
            Membership.objects.create(user=user, agency=world.agencies[code], role=role)
        world.users[name] = user

    add("k01_zero", Secrecy.NONE, "K01-TM")
    add("ct_auditor", Secrecy.TOI_MAT, "CACT", Role.VIEWER, is_auditor=True)
    add("nobody", Secrecy.TUYET_MAT, None)
    names = ["k01_commander", "k01_officer", "k01_zero", "auditor", "th_liaison", "ct_outsider", "ct_auditor"]
    return {**{n: world.users[n] for n in [*names, "nobody"]}, "anonymous": None}


def _governs(member_ids: set[int], owner_id: int) -> bool:
    """Whether one of `member_ids` is the owner or one of its parents (the tree walked row by row)."""
    parents = dict(Agency.objects.values_list("pk", "parent_id"))
    node: int | None = owner_id
    while node is not None:
        if node in member_ids:
            return True
        node = parents[node]
    return False


def may_see(user: User | None, *, secrecy: int, owner_id: int, shared_ids: set[int]) -> bool:
    """The rule, again: clearance at or above the level, and the owner or a parent of it among the
    user's agencies, or the record shared with one of them."""
    if user is None:
        return False
    members = set(Membership.objects.filter(user=user).values_list("agency_id", flat=True))
    return secrecy <= user.clearance and (_governs(members, owner_id) or bool(members & shared_ids))


def _secured_models() -> list[Any]:
    return [m for m in apps.get_models() if isinstance(m._default_manager.all(), SecuredQuerySet)]


def _configure(world: Any, built: inventory.Built, config: Configuration) -> None:
    """Every secured row but the Tối mật operation at its layer's level, owned by `config.owner`, shared
    with CATH or with no one, and named by its layer's marker. Raw updates: the configuration is the
    state under test, not a change to audit."""
    cath = world.agencies["CATH"]
    for model in _secured_models():
        layer = "upper" if model._meta.label in UPPER else "lower"
        rows = model._base_manager.exclude(pk=built.secret_op.pk if model is Operation else None)
        rows.update(secrecy=config.level_of(layer), owner_agency=world.agencies[config.owner])
        own = model._meta.model_name
        pks = list(rows.values_list("pk", flat=True))
        for through in (model.shared_with_agencies.through, model.shared_with_users.through):
            through.objects.filter(**{f"{own}_id__in": pks}).delete()
        if config.shared_in(layer):
            model.shared_with_agencies.through.objects.bulk_create(
                model.shared_with_agencies.through(**{f"{own}_id": pk, "agency_id": cath.pk}) for pk in pks
            )
        for f, field in enumerate(NAMED_BY.get(model._meta.label, ())):
            for pk in pks:
                value = f"{config.mark(layer)}{own[:4]}{f}-{pk}"  # unique per row, for unique codes
                model._base_manager.filter(pk=pk).update(**{field: value})


def _all_reads(built: inventory.Built) -> list[inventory.Read]:
    files = [inventory.Read(n, reverse(n, kwargs=f(built)), {}, "") for n, f in FILES.items()]
    return inventory.everything(built) + files


def _reads(built: inventory.Built) -> list[tuple[inventory.Read, str | None]]:
    """Every read of the inventory and the file answers, each with the layer of the record its URL names
    (found by changing each of Built's records in turn and seeing which URLs change), None when it names
    none; then the operation's reads again for the Tối mật operation, as layer "secret"."""
    plain = _all_reads(built)
    layer: dict[str, str] = {}
    for i, field in enumerate(LAYER_OF):
        stub: dict[str, Any] = {field: SimpleNamespace(pk=10**9 + i, code=f"x{i}")}
        for before, after in zip(plain, _all_reads(dataclasses.replace(built, **stub)), strict=True):
            if before.url != after.url:
                layer.setdefault(before.key, LAYER_OF[field])
    urls = {r.key: r.url for r in plain}
    secret = [r for r in _all_reads(dataclasses.replace(built, op=built.secret_op)) if urls[r.key] != r.url]
    return [(r, layer.get(r.key)) for r in plain] + [(r, "secret") for r in secret]


def _answer(client: Any, read: inventory.Read) -> tuple[int, str]:
    response = client.get(read.url, read.query)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode("utf-8", "replace")


@pytest.mark.parametrize("config", CONFIGURATIONS, ids=str)
def test_no_persona_gets_or_sees_a_record_the_rule_keeps_from_them(world, built, config, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = tmp_path / built.evidence.file.name
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    personas = _add_personas(world)
    op = built.secret_op
    Operation.objects.filter(pk=op.pk).update(name=f"{SECRET_MARK} name", code=f"{SECRET_MARK}-code")
    _configure(world, built, config)
    cath = {world.agencies["CATH"].pk}
    owner = world.agencies[config.owner].pk
    rule = {
        layer: {
            "secrecy": config.level_of(layer),
            "owner_id": owner,
            "shared_ids": cath if config.shared_in(layer) else set(),
        }
        for layer in ("lower", "upper")
    }
    rule["secret"] = {
        "secrecy": op.secrecy,
        "owner_id": op.owner_agency_id,
        "shared_ids": set(op.shared_with_agencies.values_list("pk", flat=True)),
    }
    marks = {"lower": config.mark("lower"), "upper": config.mark("upper"), "secret": SECRET_MARK}
    reads = _reads(built)
    assert {layer for _, layer in reads} == {None, "lower", "upper", "secret"}
    failures: list[str] = []
    shown: dict[tuple[str, str], int] = {}  # answers showing each layer to a persona: the scan is not blind
    for persona, user in personas.items():
        client = world.client(persona)
        client.raise_request_exception = False  # a 500 is a failure to list, not to stop at
        sees = {layer: may_see(user, **r) for layer, r in rule.items()}
        hidden = {404, 405} if user else REFUSED
        for read, layer in reads:
            status, body = _answer(client, read)
            where = f"{persona} GET {read.url} [{read.key}]"
            if status >= 500:
                failures.append(f"{where}: {status}")
            elif layer and not sees[layer] and status not in hidden:
                failures.append(f"{where}: {status} for a {layer} record the rule hides")
            elif layer and sees[layer] and status == 404 and CREATOR_ONLY.get(read.key, persona) == persona:
                failures.append(f"{where}: 404 for a {layer} record the rule shows")
            for name, mark in marks.items():
                if mark in body:
                    shown[persona, name] = shown.get((persona, name), 0) + 1
                    if not sees[name]:
                        failures.append(f"{where}: shows a {name} record the rule hides")
    for persona, user in personas.items():
        for layer in ("lower", "upper"):
            if may_see(user, **rule[layer]):
                assert shown.get((persona, layer), 0) > 10, (persona, layer, shown)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
