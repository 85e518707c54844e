import pytest

from canhve.geo.lookup import CoordinateError, locate
from canhve.geo.models import LegacyDistrict, LegacyProvince, LegacyWard, Province, Ward

pytestmark = pytest.mark.django_db


def test_it_loads_the_2025_and_legacy_units(reference):
    assert Province.objects.count() == 34
    assert Ward.objects.count() == 3321
    assert LegacyProvince.objects.count() == 63
    assert LegacyDistrict.objects.count() == 696
    assert LegacyWard.objects.count() > 10000


def test_loading_twice_changes_no_counts(reference):
    from canhve.geo.reference import load_reference

    counts = load_reference()
    assert counts["provinces"] == 34 and Province.objects.count() == 34 and Ward.objects.count() == 3321


def test_a_point_in_phuong_ba_dinh_resolves_to_ha_noi_and_the_ward(reference):
    found = locate(21.0368, 105.8342)  # Quảng trường Ba Đình
    assert found.province_code == "01"
    assert found.ward_code == "00004"
    assert Ward.objects.get(code=found.ward_code).full_name == "Phường Ba Đình"


def test_a_point_in_can_tho_resolves_to_92(reference):
    assert locate(10.0341, 105.7880).province_code == "92"


def test_a_point_at_sea_has_no_province(reference):
    assert locate(15.0, 110.0).province_code is None


def test_legacy_quan_ba_dinh_maps_to_ha_noi(reference):
    district = LegacyDistrict.objects.get(name="Quận Ba Đình")
    assert district.successor_province.code == "01"
    ward = LegacyWard.objects.filter(district=district, name="Phường Điện Biên").get()
    assert ward.successor.province_id == "01"


def test_merged_provinces_map_to_their_successor(reference):
    assert LegacyProvince.objects.get(name__contains="Sóc Trăng").successor_id == "92"
    assert LegacyProvince.objects.get(name__contains="Hậu Giang").successor_id == "92"


def test_the_national_map_keeps_hoang_sa_and_truong_sa(reference):
    from shapely.geometry import Point, shape

    da_nang = shape(Province.objects.get(code="48").geometry_simplified)
    khanh_hoa = shape(Province.objects.get(code="56").geometry_simplified)
    assert da_nang.bounds[2] > 112.0  # Hoàng Sa lies east of 111° E
    assert khanh_hoa.bounds[1] < 9.0 and khanh_hoa.bounds[2] > 114.0  # Trường Sa
    assert da_nang.distance(Point(111.6, 16.5)) < 0.2


@pytest.mark.parametrize("lat,lon", [("abc", "105.8"), ("21.0", ""), ("95", "105"), (None, 105)])
def test_malformed_coordinates_get_a_clear_error(lat, lon):
    with pytest.raises(CoordinateError):
        locate(lat, lon)
