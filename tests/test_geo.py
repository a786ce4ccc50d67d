"""geo.py: parsing points and area files."""

import pytest
from shapely import unary_union

from civicmap.errors import Invalid
from civicmap.geo import parse_point, read_area_features
from tests.conftest import WARDS_FILE


def test_a_point_is_lon_lat_from_lat_lon_input():
    point = parse_point("51.4627", "-0.1145")
    assert (point.x, point.y) == (-0.1145, 51.4627)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("", ""),
        ("north", "-0.1"),
        ("91", "0"),
        ("51", "181"),
        ("nan", "0"),
        (None, None),
        ("inf", "0"),
    ],
)
def test_a_bad_point_is_invalid(lat, lon):
    with pytest.raises(Invalid) as exc:
        parse_point(lat, lon)
    assert exc.value.field == "location"


def test_the_shipped_lambeth_file_has_25_valid_wards():
    areas = read_area_features(WARDS_FILE.read_text())
    assert len(areas) == 25
    assert {a.code for a in areas} == {f"E05014{n:03d}" for n in range(95, 120)}
    assert all(a.geometry.is_valid for a in areas)
    codes = sorted(a.code for a in areas)
    assert codes[0] == "E05014095" and codes[-1] == "E05014119"
    # The bounding box the data's README documents.
    union = unary_union([a.geometry for a in areas])
    assert [round(v, 5) for v in union.bounds] == [-0.15123, 51.41099, -0.07832, 51.50849]
