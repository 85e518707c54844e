"""No write-down (ADR 0107): a record points only to what its readers may see, and pages show a related
record only to a reader who may see it."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from canhve.accounts.models import ApiToken, TokenScope, User
from canhve.agencies.models import Agency
from canhve.core import writedown
from canhve.core.context import acting_as
from canhve.core.secrecy import Secrecy
from canhve.core.testing import form_data
from canhve.operations.models import Operation, Stop
from canhve.sites.models import SafePoint, Site
from canhve.staffing import services as staffing
from canhve.staffing.models import MobilisationRequest, Personnel, Post

SECRET_OP = "Chiến dịch Sao Khuê tối mật"
SECRET_SITE = "Biệt thự ven hồ tối mật"

EXPECTED_LINKS = {
    ("operations.Stop", "site"),
    ("sites.SafePoint", "site"),
    ("staffing.Post", "operation"),
    ("staffing.Post", "site"),
    ("staffing.Roster", "operation"),
    ("staffing.Roster", "posts"),
    ("staffing.Assignment", "post"),
    ("staffing.Assignment", "personnel"),
    ("staffing.MobilisationRequest", "operation"),
    ("staffing.MobilisationRequest", "roster"),
    ("staffing.MobilisationRequest", "provided"),
    ("documents.Document", "corrects"),
    ("documents.IncomingDocument", "earlier"),
    ("operations.Contingency", "safe_haven"),  # through its audit_parent, plan_version.operation
}


def _op(world, secrecy, code="OP-WD", name=SECRET_OP):
    tz = timezone.get_current_timezone()
    return Operation.objects.create(
        owner_agency=world.agencies["K01-TM"],
        code=code,
        name=name,
        kind="event",
        secrecy=secrecy,
        starts_at=dt.datetime(2030, 1, 1, 8, tzinfo=tz),
        ends_at=dt.datetime(2030, 1, 2, 8, tzinfo=tz),
    )


def _site(world, secrecy, name=SECRET_SITE, owner="K01-TM"):
    return Site.objects.create(
        name=name, kind="venue", lat=21.03, lon=105.85, secrecy=secrecy, owner_agency=world.agencies[owner]
    )


def _withdraw_unchecked(record, agency):
    """A share gone from under the records pointing to the target, as rows from before the write-down
    check or written behind the ORM leave it: a withdrawal through the ORM is refused now (below), and
    the pages must still filter on display."""
    record.shared_with_agencies.through.objects.filter(
        **{f"{record._meta.model_name}_id": record.pk, "agency_id": agency.pk}
    ).delete()


def _bearer(user):
    _, raw = ApiToken.issue(user=user, name="t", scope=TokenScope.WRITE)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_every_link_between_compartments_is_known_and_guarded():
    """Introspection over django.apps: a new FK/M2M between Secured records (or from a child of one) shows
    up here, and is guarded by the pre_save receiver unless listed in writedown.EXEMPT with a reason."""
    found = {(lk.model._meta.label, lk.field) for lk in writedown.links()}
    assert found == EXPECTED_LINKS, "add the new link to EXPECTED_LINKS (and EXEMPT only with a reason)"
    for lk in writedown.links():
        assert issubclass(lk.target, writedown.Secured)
        label = f"{lk.model._meta.label}.{lk.field}"
        if label in writedown.EXEMPT:
            continue
        assert pre_save.has_listeners(lk.model), label
        assert lk in writedown.links_of(lk.model)
    assert writedown.parent_field(Stop) == "operation"


@pytest.mark.django_db
def test_an_unclassified_post_for_a_top_secret_operation_is_refused(world):
    officer = world.users["k01_officer"]
    op = _op(world, Secrecy.TOI_MAT)
    with acting_as(officer), pytest.raises(ValidationError) as exc:
        staffing.create_post(
            acting_user=officer,
            owner_agency=world.agencies["K01-TM"],
            name="Cổng phụ",
            operation=op,
            secrecy=Secrecy.NONE,
        )
    assert "operation" in exc.value.message_dict
    assert not Post.objects.filter(name="Cổng phụ").exists()
    # At the operation's level it is accepted.
    with acting_as(officer):
        post = staffing.create_post(
            acting_user=officer,
            owner_agency=world.agencies["K01-TM"],
            name="Cổng phụ",
            operation=op,
            secrecy=Secrecy.TOI_MAT,
        )
    assert post.pk


@pytest.mark.django_db
def test_a_post_shared_wider_than_its_operation_is_refused(world):
    officer = world.users["k01_officer"]
    op = _op(world, Secrecy.MAT)
    with acting_as(officer):
        post = staffing.create_post(
            acting_user=officer, owner_agency=world.agencies["K01-TM"], name="Cổng A", operation=op
        )
        with pytest.raises(ValidationError) as exc, transaction.atomic():
            post.shared_with_agencies.add(world.agencies["CATH"])
        assert "shared_with_agencies" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc, transaction.atomic():
            post.shared_with_users.add(world.users["ct_outsider"])
        assert "shared_with_users" in exc.value.message_dict
        op.shared_with_agencies.add(world.agencies["CATH"])
        post.shared_with_agencies.add(world.agencies["CATH"])  # now CATH sees the operation too
    assert post.shared_with_agencies.count() == 1


@pytest.mark.django_db
def test_a_secret_mobilisation_for_a_top_secret_operation_is_refused_by_the_api(world):
    officer = world.users["k01_officer"]
    op = _op(world, Secrecy.TOI_MAT)
    body = {
        "owner_agency_code": "K01-TM",
        "partner_agency_code": "CATH",
        "title": "Xin 8 cán bộ",
        "head_count": 8,
        "start_date": "2030-01-01",
        "end_date": "2030-01-02",
        "operation_id": op.pk,
        "secrecy": Secrecy.MAT,
    }
    response = Client().post(
        "/api/staffing/mobilisations", json.dumps(body), content_type="application/json", **_bearer(officer)
    )
    assert response.status_code == 422, response.content
    assert any(e["field"] == "operation" for e in response.json()["errors"]), response.content
    # Tối mật but the partner (CATH) cannot see the operation: refused on the share, naming the field.
    body["secrecy"] = Secrecy.TOI_MAT
    response = Client().post(
        "/api/staffing/mobilisations", json.dumps(body), content_type="application/json", **_bearer(officer)
    )
    assert response.status_code == 422, response.content
    assert "operation" in response.content.decode()
    assert not MobilisationRequest.objects.exists()


@pytest.mark.django_db
def test_a_top_secret_site_cannot_be_a_stop_of_a_secret_operation(world):
    from canhve.operations import services as ops

    officer = world.users["k01_officer"]
    op = _op(world, Secrecy.MAT)
    site = _site(world, Secrecy.TOI_MAT)
    with acting_as(officer), pytest.raises(ValidationError) as exc:
        ops.add_stop(operation=op, acting_user=officer, site=site, kind="venue")
    assert "site" in exc.value.message_dict
    assert not Stop.objects.filter(operation=op).exists()


@pytest.mark.django_db
def test_a_shared_safe_point_on_a_k01_site_is_refused_until_the_site_is_shared(world):
    site = _site(world, Secrecy.MAT)
    point = SafePoint.objects.create(site=site, owner_agency=world.agencies["K01-TM"], secrecy=Secrecy.MAT)
    with pytest.raises(ValidationError) as exc, transaction.atomic():
        point.shared_with_agencies.add(world.agencies["CAHN"])
    assert "shared_with_agencies" in exc.value.message_dict
    # A safe point owned by the police on K01's site: refused at save, naming the site.
    with pytest.raises(ValidationError) as exc, transaction.atomic():
        SafePoint.objects.create(site=site, owner_agency=world.agencies["CAHN"], secrecy=Secrecy.MAT)
    assert "site" in exc.value.message_dict


@pytest.mark.django_db
def test_a_safe_point_page_hides_a_site_its_reader_cannot_see(world):
    site = _site(world, Secrecy.MAT)
    site.shared_with_agencies.add(world.agencies["CATH"])
    point = SafePoint.objects.create(site=site, owner_agency=world.agencies["K01-TM"], secrecy=Secrecy.MAT)
    point.shared_with_agencies.add(world.agencies["CATH"])
    _withdraw_unchecked(site, world.agencies["CATH"])
    url = reverse("sites-safepoint-detail", args=[point.pk])
    page = world.client("th_liaison").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET_SITE not in html
    assert str(writedown.PLACEHOLDER) in html
    assert SECRET_SITE in world.client("k01_officer").get(url).content.decode()


@pytest.mark.django_db
def test_a_mobilisation_page_hides_officers_its_reader_cannot_see(world):
    officer, liaison = world.users["k01_officer"], world.users["th_liaison"]
    cath = world.agencies["CATH"]
    people = [
        Personnel.objects.create(
            owner_agency=cath,
            full_name=f"Trung úy Bí Mật {i}",
            service_number=f"TH-W{i}",
            secrecy=Secrecy.MAT,
        )
        for i in range(3)
    ]
    with acting_as(officer):
        request = staffing.request_mobilisation(
            acting_user=officer,
            owner_agency=world.agencies["K01-TM"],
            partner_agency=cath,
            title="Xin 3 cán bộ",
            head_count=3,
            start_date=dt.date(2030, 1, 1),
            end_date=dt.date(2030, 1, 2),
        )
    with acting_as(liaison):
        staffing.respond_to_mobilisation(acting_user=liaison, request=request, personnel=people)
    url = reverse("staffing-mobilisation-detail", args=[request.pk])
    # Shared with K01-TM, so its planner sees them; K01's commander, a member of K01 itself, does not
    # see their own pages, and so not their names here either.
    assert "Trung úy Bí Mật 0" in world.client("k01_officer").get(url).content.decode()
    assert (
        world.client("k01_commander")
        .get(reverse("staffing-personnel-detail", args=[people[0].pk]))
        .status_code
        == 404
    )
    page = world.client("k01_commander").get(url)
    assert page.status_code == 200
    assert "Trung úy Bí Mật" not in page.content.decode()


@pytest.mark.django_db
def test_a_post_page_hides_an_operation_its_reader_cannot_see(world):
    bvtc = world.agencies["K01-BVTC"]
    op = _op(world, Secrecy.MAT)
    op.shared_with_agencies.add(bvtc)
    post = Post.objects.create(
        name="Cổng B", owner_agency=world.agencies["K01-TM"], secrecy=Secrecy.MAT, operation=op
    )
    post.shared_with_agencies.add(bvtc)
    _withdraw_unchecked(op, bvtc)
    for name in ("staffing-post-detail", "staffing-post-list"):
        url = reverse(name, args=[post.pk]) if name.endswith("detail") else reverse(name)
        page = world.client("k01_low").get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Cổng B" in html
        assert SECRET_OP not in html and "OP-WD" not in html
        assert str(writedown.PLACEHOLDER) in html


@pytest.mark.django_db
def test_safe_point_json_and_map_data_hide_sites_the_reader_cannot_see(world):
    liaison = world.users["th_liaison"]
    cath = world.agencies["CATH"]
    site = _site(world, Secrecy.MAT)
    site.shared_with_agencies.add(cath)
    point = SafePoint.objects.create(site=site, owner_agency=world.agencies["K01-TM"], secrecy=Secrecy.MAT)
    point.shared_with_agencies.add(cath)
    op = _op(world, Secrecy.MAT, name="Nhiệm vụ chung")
    op.shared_with_agencies.add(cath)
    Stop.objects.create(operation=op, order=1, site=site, kind="venue")
    _withdraw_unchecked(site, cath)
    response = Client().get(f"/api/sites/safe-points/{point.pk}", **_bearer(liaison))
    assert response.status_code == 200, response.content
    assert SECRET_SITE not in response.content.decode()
    assert response.json()["name"] == str(writedown.PLACEHOLDER)
    data = world.client("th_liaison").get(reverse("operations-map-data", args=[op.pk]))
    assert data.status_code == 200
    assert SECRET_SITE not in json.dumps(data.json(), ensure_ascii=False)
    assert data.json()["sites"]["features"] == []  # neither the name nor the coordinates
    own = world.client("k01_officer").get(reverse("operations-map-data", args=[op.pk])).json()
    assert [f["properties"]["name"] for f in own["sites"]["features"]] == [f"1. {SECRET_SITE}"]


@pytest.mark.django_db
def test_the_post_form_shows_the_write_down_error_on_the_operation_field(world):
    op = _op(world, Secrecy.TOI_MAT)
    data = {
        "owner_agency": world.agencies["K01-TM"].pk,
        "name": "Cổng form",
        "operation": op.pk,
        "secrecy": Secrecy.NONE,
        "min_clearance": Secrecy.NONE,
        "head_count": 1,
    }
    response = world.client("k01_officer").post(reverse("staffing-post-create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "operation" in form.errors, form.errors
    assert not Post.objects.filter(name="Cổng form").exists()


# Narrowing a target: a raised secrecy or a withdrawn share is checked against the records pointing to it.


def _stop(op, site, order=1):
    return Stop.objects.create(operation=op, order=order, site=site, kind="venue")


@pytest.mark.django_db
def test_raising_a_sites_secrecy_above_a_stop_that_points_to_it_is_refused_naming_the_stop(world):
    officer = world.users["k01_officer"]
    op, site = _op(world, Secrecy.MAT), _site(world, Secrecy.MAT)
    _stop(op, site)
    site = Site.objects.get(pk=site.pk)
    site.secrecy = Secrecy.TOI_MAT
    with acting_as(officer), pytest.raises(ValidationError) as exc, transaction.atomic():
        site.save()
    message = exc.value.message_dict["secrecy"][0]
    assert "OP-WD" in message and "1 bản ghi" in message
    assert Site.objects.get(pk=site.pk).secrecy == Secrecy.MAT
    # Raise the operation first, then the site: nothing points down any more.
    op.secrecy = Secrecy.TOI_MAT
    op.save()
    site.save()
    assert Site.objects.get(pk=site.pk).secrecy == Secrecy.TOI_MAT


@pytest.mark.django_db
def test_the_site_form_shows_the_refused_raise_on_the_secrecy_field(world):
    op, site = _op(world, Secrecy.MAT), _site(world, Secrecy.MAT)
    _stop(op, site)
    client = world.client("k01_officer")
    url = reverse("sites-edit", args=[site.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["secrecy"] = Secrecy.TOI_MAT
    response = client.post(url, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "secrecy" in errors and "OP-WD" in errors["secrecy"][0], errors
    assert Site.objects.get(pk=site.pk).secrecy == Secrecy.MAT


@pytest.mark.django_db
def test_withdrawing_a_share_a_referring_record_needs_is_refused_on_every_path(world):
    officer, cath = world.users["k01_officer"], world.agencies["CATH"]
    site = _site(world, Secrecy.MAT)
    site.shared_with_agencies.add(cath)
    op = _op(world, Secrecy.MAT)
    op.shared_with_agencies.add(cath)
    _stop(op, site)
    with acting_as(officer):
        for withdraw in (
            lambda: site.shared_with_agencies.remove(cath),
            lambda: site.shared_with_agencies.clear(),
            lambda: site.shared_with_agencies.set([]),
            lambda: cath.shared_sites_site.remove(site),
        ):
            with pytest.raises(ValidationError) as exc, transaction.atomic():
                withdraw()
            assert "OP-WD" in exc.value.message_dict["shared_with_agencies"][0]
    assert list(site.shared_with_agencies.all()) == [cath]
    # Once the operation no longer involves the police, its stop no longer needs the site's share.
    op.shared_with_agencies.remove(cath)
    site.shared_with_agencies.remove(cath)
    assert not site.shared_with_agencies.exists()


@pytest.mark.django_db
def test_referring_records_the_user_may_not_see_are_counted_not_named(world):
    officer, cath = world.users["k01_officer"], world.agencies["CATH"]
    site = _site(world, Secrecy.MAT)
    site.shared_with_agencies.add(cath)
    tz = timezone.get_current_timezone()
    theirs = Operation.objects.create(
        owner_agency=cath,
        code="OP-CATH",
        name="Nhiệm vụ riêng của công an tỉnh",
        kind="event",
        secrecy=Secrecy.MAT,
        starts_at=dt.datetime(2030, 1, 1, 8, tzinfo=tz),
        ends_at=dt.datetime(2030, 1, 2, 8, tzinfo=tz),
    )
    _stop(theirs, site)
    _stop(_op(world, Secrecy.MAT), site)
    assert not theirs.is_visible_to(officer)
    site.secrecy = Secrecy.TOI_MAT
    with acting_as(officer), pytest.raises(ValidationError) as exc, transaction.atomic():
        site.save()
    message = exc.value.message_dict["secrecy"][0]
    assert "OP-WD" in message  # theirs, named
    assert "OP-CATH" not in message and "riêng" not in message  # not even its name
    assert "2 bản ghi" in message and "1 bản ghi trong số đó" in message
    # Withdrawing the police's share breaks only their stop: nothing named, one counted.
    with acting_as(officer), pytest.raises(ValidationError) as exc, transaction.atomic():
        site.shared_with_agencies.remove(cath)
    message = exc.value.message_dict["shared_with_agencies"][0]
    assert "OP-CATH" not in message and "OP-WD" not in message and "1 bản ghi trong số đó" in message


@pytest.mark.django_db
def test_the_compartment_rule_agrees_with_visible_to(world):
    """`compartment_visible_to` (for a target's compartment before the change is stored) is the twin of
    `SecuredQuerySet.visible_to`: they must answer alike for every persona."""
    cath = world.agencies["CATH"]
    records = [_op(world, s, code=f"OP-{s}") for s in (Secrecy.MAT, Secrecy.TOI_MAT, Secrecy.TUYET_MAT)]
    records[0].shared_with_agencies.add(cath)
    records[1].shared_with_users.add(world.users["ct_outsider"])
    records.append(_site(world, Secrecy.MAT, owner="CATH"))
    for user in world.users.values():
        for record in records:
            comp = writedown.compartment(record)
            assert writedown.compartment_visible_to(user, comp) == record.is_visible_to(user), (user, record)


@pytest.mark.django_db
def test_a_top_secret_safe_haven_in_a_secret_operations_plan_is_refused(world):
    from canhve.operations import services as ops
    from canhve.operations.models import Contingency

    officer = world.users["k01_officer"]
    op = _op(world, Secrecy.MAT)
    plan = ops.create_plan_version(operation=op, acting_user=officer)
    haven = _site(world, Secrecy.TOI_MAT)
    with acting_as(officer), pytest.raises(ValidationError) as exc:
        ops.add_contingency(
            plan=plan,
            acting_user=officer,
            kind="attack",
            response="Rút về",
            agency=world.agencies["K01-TM"],
            safe_haven=haven,
        )
    assert "safe_haven" in exc.value.message_dict
    assert not Contingency.objects.filter(plan_version=plan).exists()


# The admin: a refusal of the rule is an error on the form's field, not an error page.


def _admin(world, persona="k01_officer"):
    User.objects.filter(pk=world.users[persona].pk).update(is_staff=True, is_superuser=True)
    return world.client(persona)


def _admin_post(client, url, **changes):
    data = form_data(client, url)
    data.update(changes, _save="1")
    return client.post(url, data)


def _field_error(response, field):
    assert response.status_code == 200, response.content[:2000]
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    return errors[field][0]


@pytest.mark.django_db
def test_the_admin_shows_a_refused_raise_of_a_sites_secrecy_on_the_field(world):
    op, site = _op(world, Secrecy.MAT), _site(world, Secrecy.MAT)
    _stop(op, site)
    client = _admin(world)
    response = _admin_post(
        client, reverse("admin:sites_site_change", args=[site.pk]), secrecy=Secrecy.TOI_MAT
    )
    assert "OP-WD" in _field_error(response, "secrecy")
    site.refresh_from_db()
    assert (site.secrecy, site.version) == (Secrecy.MAT, 1)


@pytest.mark.django_db
def test_the_admin_shows_a_post_pointing_to_a_more_secret_operation_on_the_operation_field(world):
    post = Post.objects.create(owner_agency=world.agencies["K01-TM"], name="Cổng admin")
    op = _op(world, Secrecy.TOI_MAT)
    client = _admin(world)
    response = _admin_post(client, reverse("admin:staffing_post_change", args=[post.pk]), operation=op.pk)
    assert "Tối mật" in _field_error(response, "operation")
    post.refresh_from_db()
    assert post.operation_id is None and post.version == 1


@pytest.mark.django_db
def test_the_admin_shows_a_refused_withdrawal_of_a_share_on_the_sharing_field(world):
    cath = world.agencies["CATH"]
    site = _site(world, Secrecy.MAT)
    site.shared_with_agencies.add(cath)
    op = _op(world, Secrecy.MAT)
    op.shared_with_agencies.add(cath)
    _stop(op, site)
    client = _admin(world)
    url = reverse("admin:sites_site_change", args=[site.pk])
    response = _admin_post(client, url, shared_with_agencies=[])
    assert "OP-WD" in _field_error(response, "shared_with_agencies")
    assert list(site.shared_with_agencies.all()) == [cath]


@pytest.mark.django_db
def test_every_admin_of_a_record_the_rule_reads_checks_it_in_the_form():
    from django.contrib import admin

    from canhve.core.admin import WritedownAdmin

    read = writedown.target_models() | {lk.model for lk in writedown.enforced_links()} | {Agency}
    unchecked = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if (model in read or issubclass(model, writedown.Secured))
        and not isinstance(model_admin, WritedownAdmin)
    ]
    assert not unchecked, f"admins whose write-down refusals would be error pages: {unchecked}"


# Moving an agency: "R's owner can see T" follows the tree.


def _stop_on_a_k01_tm_site(world):
    """An operation of K01 stopping at a site of K01-TM: K01 sees the site because K01-TM is below it."""
    op = _op(world, Secrecy.MAT)
    op.owner_agency = world.agencies["K01"]
    op.save()
    _stop(op, _site(world, Secrecy.MAT))
    return op


@pytest.mark.django_db
def test_moving_an_agency_out_from_under_a_referring_records_owner_is_refused_on_parent(world):
    _stop_on_a_k01_tm_site(world)
    tm, cath = world.agencies["K01-TM"], world.agencies["CATH"]
    path = tm.path
    tm.parent = cath  # K01 would no longer see the site its operation stops at
    with acting_as(world.users["k01_commander"]), pytest.raises(ValidationError) as exc, transaction.atomic():
        tm.save()
    message = exc.value.message_dict["parent"][0]
    assert "1 bản ghi" in message and "OP-WD" in message
    # Someone who may not see the operation is told how many, not which.
    with acting_as(world.users["k01_low"]), pytest.raises(ValidationError) as exc, transaction.atomic():
        tm.save()
    message = exc.value.message_dict["parent"][0]
    assert "OP-WD" not in message and SECRET_OP not in message and "1 bản ghi trong số đó" in message
    tm.refresh_from_db()
    assert (tm.parent_id, tm.path) == (world.agencies["K01"].pk, path)


@pytest.mark.django_db
def test_a_move_that_leaves_every_reader_its_targets_is_saved(world):
    _stop_on_a_k01_tm_site(world)
    bvtc, tm = world.agencies["K01-BVTC"], world.agencies["K01-TM"]
    tm.parent = bvtc  # still below K01, which keeps seeing the site
    tm.save()
    assert Agency.lineage_ids(tm.pk)[-3:] == [world.agencies["K01"].pk, bvtc.pk, tm.pk]


@pytest.mark.django_db
def test_the_agency_admin_shows_a_refused_move_on_the_parent_field(world):
    _stop_on_a_k01_tm_site(world)
    tm = world.agencies["K01-TM"]
    client = _admin(world, "k01_commander")
    url = reverse("admin:agencies_agency_change", args=[tm.pk])
    response = _admin_post(client, url, parent=world.agencies["CATH"].pk)
    assert "OP-WD" in _field_error(response, "parent")
    tm.refresh_from_db()
    assert tm.parent_id == world.agencies["K01"].pk


@pytest.mark.django_db
def test_an_agency_cannot_move_below_itself_nor_be_its_own_parent(world):
    k01, tm = world.agencies["K01"], world.agencies["K01-TM"]
    before = (k01.parent_id, k01.path, tm.path)
    for parent in (tm, k01):
        k01.parent = parent
        with pytest.raises(ValidationError) as refused:
            k01.save()
        assert "parent" in refused.value.message_dict
    k01.refresh_from_db()
    tm.refresh_from_db()
    assert (k01.parent_id, k01.path, tm.path) == before
    client = _admin(world, "k01_commander")
    url = reverse("admin:agencies_agency_change", args=[k01.pk])
    assert "dưới" in _field_error(_admin_post(client, url, parent=tm.pk), "parent")
    k01.refresh_from_db()
    assert (k01.parent_id, k01.path) == before[:2]
