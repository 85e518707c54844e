"""A deletion leaves the content of every Audited row it takes by cascade in the trail (ADR 0102): deleting an
operation writes a DELETE row for each of its tasks, stops, movements, routes, closures, plans and
contingencies, with its values, in its own compartment, chained like any other row; a row the deletion
only changes (`on_delete=SET_NULL`) gets an UPDATE row; deleting a user, which is not Audited, audits the
user and its tokens and memberships the same way."""

import datetime as dt

import pytest
from django.apps import apps

from canhve.accounts.models import ApiToken, Membership, User
from canhve.core import audit_chain
from canhve.core.context import acting_as
from canhve.core.models import Audited, AuditedQuerySet, AuditEntry, deletion_changes_audited_rows
from canhve.core.secrecy import Secrecy
from canhve.core.tests.test_audit_compartment import top_secret_op
from canhve.core.visibility import SecuredQuerySet
from canhve.operations.models import Contingency, Movement, MovementRoute, Operation, Stop
from canhve.sites.models import Site, SiteKind
from canhve.staffing.models import Assignment, Personnel

pytestmark = pytest.mark.django_db

START = dt.datetime(2030, 6, 1, 8, 0, tzinfo=dt.UTC)


def with_a_route(world, op: Operation) -> MovementRoute:
    """Two stops of `op`, a movement between them and its route: a grandchild two steps below `op`."""
    site = Site.objects.create(
        name="KS", kind=SiteKind.VENUE, lat=21.03, lon=105.85, secrecy=0, owner_agency=world.agencies["K01"]
    )
    site.shared_with_agencies.set(op.shared_with_agencies.all())  # no write-down (ADR 0107)
    a = Stop.objects.create(operation=op, order=1, site=site)
    b = Stop.objects.create(operation=op, order=2, site=site)
    movement = Movement.objects.create(operation=op, origin=a, destination=b, depart_at=START)
    return MovementRoute.objects.create(
        movement=movement, rank=1, depart_at=START, seconds=60, meters=100, geometry={}
    )


def children_of(op: Operation) -> dict[tuple[str, str], Audited]:
    """Every Audited row under `op`, by (label, id)."""
    rows: list[Audited] = [
        *op.tasks.all(),
        *op.stops.all(),
        *op.movements.all(),
        *op.closures.all(),
        *op.plan_versions.all(),
        *MovementRoute.objects.filter(movement__operation=op),
        *[c for plan in op.plan_versions.all() for c in plan.contingencies.all()],
    ]
    return {(row._meta.label, str(row.pk)): row for row in rows}


def deletions() -> dict[tuple[str, str], AuditEntry]:
    return {(r.object_type, r.object_id): r for r in AuditEntry.objects.filter(action="delete")}


def cascade_updates() -> dict[tuple[str, str], AuditEntry]:
    """The UPDATE rows of the rows a deletion changed (not those of the saves before it)."""
    rows = AuditEntry.objects.filter(action="update", note__startswith="cascade: ")
    return {(r.object_type, r.object_id): r for r in rows}


@pytest.fixture
def op(world):
    op = top_secret_op(world, "TM-DEL", shared_with=("CATH",))
    with acting_as(world.user("k01_commander")):
        with_a_route(world, op)
    return op


def test_deleting_an_operation_writes_a_delete_row_per_child_in_its_compartment(world, op):
    children = children_of(op)
    labels = {label for label, _ in children}
    assert labels >= {"operations.Task", "operations.MovementRoute", "operations.Contingency"}
    kept = {key: child._audit_values() for key, child in children.items()}
    op_key = ("operations.Operation", str(op.pk))
    with acting_as(world.user("k01_commander")):
        op.delete()
    rows = deletions()
    assert set(rows) == set(children) | {op_key}
    for key, values in kept.items():
        row = rows[key]
        assert (row.owner_agency_id, row.secrecy) == (world.agencies["K01"].pk, Secrecy.TUYET_MAT), key
        assert row.shared_agency_ids == [world.agencies["CATH"].pk], key
        assert row.changes == {name: [value, None] for name, value in values.items()}, key
        assert row.note == f"cascade: operations.Operation#{op_key[1]}"
        assert row.actor == world.user("k01_commander")
    audit_chain.verify()


def test_a_queryset_delete_audits_the_rows_it_takes_with_it(world, op):
    """The caller of a queryset delete writes the summary row of its own rows (ADR 0108); the routes a
    movement takes with it still get theirs."""
    route = MovementRoute.objects.get(movement__operation=op)
    Movement.objects.filter(operation=op).delete()
    row = deletions()[("operations.MovementRoute", str(route.pk))]
    assert (row.owner_agency_id, row.secrecy) == (world.agencies["K01"].pk, Secrecy.TUYET_MAT)
    assert row.note == "cascade: operations.Movement (bulk)"
    assert ("operations.Movement", str(route.movement_id)) not in deletions()
    audit_chain.verify()


def test_every_model_that_cascades_to_audited_rows_deletes_through_an_audited_path():
    """A model's own queryset `delete()` must audit what it cascades to: row by row through
    `Audited.delete()` (Secured), or `AuditedQuerySet` (every other Audited model's default)."""
    cascading = [m for m in apps.get_models() if issubclass(m, Audited) and deletion_changes_audited_rows(m)]
    assert {Operation, Movement} <= set(cascading)
    assert not deletion_changes_audited_rows(Assignment)
    for model in cascading:
        queryset = type(model._default_manager.all())
        assert issubclass(queryset, AuditedQuerySet | SecuredQuerySet), model


def test_a_row_the_deletion_sets_to_null_gets_an_update_row_in_its_compartment(world, op):
    """Deleting a movement takes its route and clears the contingency's movement and alternate route
    (SET_NULL): one UPDATE row for the contingency, with both keys before and after."""
    route = MovementRoute.objects.get(movement__operation=op)
    movement, movement_id = route.movement, route.movement_id
    contingency = Contingency.objects.get(plan_version__operation=op)
    with acting_as(world.user("k01_commander")):
        contingency.movement, contingency.alternate_route = movement, route
        contingency.save()
        movement.delete()
    contingency.refresh_from_db()
    assert (contingency.movement_id, contingency.alternate_route_id) == (None, None)
    row = cascade_updates()[("operations.Contingency", str(contingency.pk))]
    assert row.changes == {"movement_id": [movement_id, None], "alternate_route_id": [route.pk, None]}
    assert (row.owner_agency_id, row.secrecy) == (world.agencies["K01"].pk, Secrecy.TUYET_MAT)
    assert row.shared_agency_ids == [world.agencies["CATH"].pk]
    assert row.note == f"cascade: operations.Movement#{movement_id}"
    assert row.actor == world.user("k01_commander")
    assert ("operations.MovementRoute", str(route.pk)) in deletions()
    audit_chain.verify()


def test_a_row_the_deletion_takes_gets_no_update_row(world, op):
    """A contingency that goes with its operation is in the trail by its DELETE row only, although its
    movement's deletion would also have cleared its key."""
    contingency = Contingency.objects.get(plan_version__operation=op)
    with acting_as(world.user("k01_commander")):
        contingency.movement = Movement.objects.get(operation=op)
        contingency.save()
        op.delete()
    assert ("operations.Contingency", str(contingency.pk)) in deletions()
    assert cascade_updates() == {}


def a_user_with_tokens_and_personnel(world) -> tuple[User, list[ApiToken], Personnel]:
    user = User.objects.create_user(username="leaving", password="x-test-pass-1234", full_name="Rời đi")
    Membership.objects.create(user=user, agency=world.agencies["K01"])
    tokens = [ApiToken.issue(user=user, name=name)[0] for name in ("cli", "sync")]
    with acting_as(world.user("k01_commander")):
        person = Personnel.objects.create(
            full_name="Rời đi", service_number="RD-1", owner_agency=world.agencies["K01"], account=user
        )
    return user, tokens, person


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_a_user_audits_the_user_its_tokens_and_what_points_at_it(world, how):
    """A user's DELETE row keeps its values but the password hash; each token (no key hash) and membership
    it takes gets its own, and the personnel record it stops being linked to an UPDATE row."""
    user, tokens, person = a_user_with_tokens_and_personnel(world)
    membership, user_id = user.memberships.get(), user.pk
    with acting_as(world.user("auditor")):
        if how == "instance":
            user.delete()
        else:
            User.objects.filter(pk=user.pk).delete()
    rows = deletions()
    own = rows[("accounts.User", str(user_id))]
    assert own.changes["username"] == ["leaving", None]
    assert own.changes["full_name"] == ["Rời đi", None]
    assert "password" not in own.changes
    assert (own.owner_agency_id, own.secrecy) == (None, Secrecy.NONE)
    assert own.actor == world.user("auditor")
    note = f"cascade: accounts.User#{user_id}"
    for token in tokens:
        row = rows[("accounts.ApiToken", str(token.pk))]
        assert row.changes["name"] == [token.name, None]
        assert row.changes["user_id"] == [user_id, None]
        assert "key_hash" not in row.changes
        assert row.note == note
    assert rows[("accounts.Membership", str(membership.pk))].note == note
    update = cascade_updates()[("staffing.Personnel", str(person.pk))]
    assert update.changes == {"account_id": [user_id, None]}
    assert (update.owner_agency_id, update.note) == (world.agencies["K01"].pk, note)
    audit_chain.verify()
