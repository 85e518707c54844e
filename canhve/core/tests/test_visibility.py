import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from canhve.core.secrecy import Secrecy
from canhve.exchange.models import InformationItem


@pytest.fixture
def records(world):
    officer = world.user("k01_officer")

    def make(title, owner, secrecy, agencies=(), users=()):
        item = InformationItem.objects.create(
            owner_agency=world.agencies[owner], title=title, body="b", secrecy=secrecy, author=officer
        )
        item.shared_with_agencies.set([world.agencies[a] for a in agencies])
        item.shared_with_users.set([world.user(u) for u in users])
        return item

    return {
        "k01_mat": make("k01_mat", "K01-TM", Secrecy.MAT),
        "shared_th": make("shared_th", "K01-TM", Secrecy.MAT, agencies=["CATH"]),
        "named_ct": make("named_ct", "K01-TM", Secrecy.MAT, users=["ct_outsider"]),
        "k01_toimat": make("k01_toimat", "K01-TM", Secrecy.TOI_MAT),
        "shared_th_toimat": make("shared_th_toimat", "K01-TM", Secrecy.TOI_MAT, agencies=["CATH"]),
        "k01_tuyetmat": make("k01_tuyetmat", "K01", Secrecy.TUYET_MAT),
        "cact_public": make("cact_public", "CACT", Secrecy.NONE),
    }


def titles(world, persona):
    return set(InformationItem.objects.visible_to(world.user(persona)).values_list("title", flat=True))


def test_owner_agency_sees_its_records_up_to_its_clearance(world, records):
    assert titles(world, "k01_officer") == {
        "k01_mat",
        "shared_th",
        "named_ct",
        "k01_toimat",
        "shared_th_toimat",
    }


def test_parent_agency_commander_sees_the_department_records(world, records):
    assert titles(world, "k01_commander") >= {"k01_mat", "k01_toimat", "k01_tuyetmat"}


def test_a_liaison_sees_only_what_is_shared_with_its_agency_and_within_clearance(world, records):
    # shared_th_toimat is shared with CATH but above the liaison's Mật clearance: it does not exist for them.
    assert titles(world, "th_liaison") == {"shared_th"}


def test_an_outsider_sees_only_its_own_and_what_names_it(world, records):
    assert titles(world, "ct_outsider") == {"cact_public", "named_ct"}


def test_a_sibling_department_below_clearance_sees_nothing_of_k01_tm(world, records):
    assert titles(world, "k01_low") == set()


def test_anonymous_and_inactive_users_see_nothing(world, records):
    from django.contrib.auth.models import AnonymousUser

    assert not InformationItem.objects.visible_to(AnonymousUser()).exists()
    officer = world.user("k01_officer")
    officer.is_active = False
    assert not InformationItem.objects.visible_to(officer).exists()


def test_superuser_flag_gives_no_way_around_clearance(world, records):
    officer = world.user("k01_officer")
    officer.is_superuser = True
    assert "k01_tuyetmat" not in titles(world, "k01_officer")


def test_visible_queryset_has_no_duplicates_when_shared_twice(world, records):
    item = records["shared_th"]
    item.shared_with_users.add(world.user("th_liaison"))
    qs = InformationItem.objects.visible_to(world.user("th_liaison"))
    assert qs.count() == len(set(qs.values_list("pk", flat=True)))


def test_the_list_page_query_count_does_not_grow_with_rows(world, records):
    """Secret rows on the page are audited in one insert, so Tối mật rows cost no query each either."""
    client = world.client("k01_officer")
    client.get("/exchange/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/exchange/").status_code == 200
        return len(captured.captured_queries)

    before = queries()
    for i in range(30):
        InformationItem.objects.create(
            owner_agency=world.agencies["K01-TM"],
            title=f"extra {i}",
            body="b",
            secrecy=Secrecy.TOI_MAT if i % 2 else Secrecy.MAT,
            author=world.user("k01_officer"),
        )
    assert queries() == before
