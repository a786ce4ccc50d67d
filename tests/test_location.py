"""A location without a map: a postcode in the item form puts the item at the postcode's
middle (no JavaScript needed); the picker's lookups say where a postcode and a point are."""

from sqlalchemy import select

from civicmap.models import Initiative
from tests.factories import ACRE_LANE, BRIXTON_STATION, PARLIAMENT


def share(visitor, **fields):
    data = {"title": "Bulb planting", "description": "Bring a trowel.", "category": "environment"}
    return visitor.post("/projects/new", data | fields)


def test_a_postcode_alone_places_the_item(as_person, session, postcodes):
    visitor, _ = as_person()
    response = share(visitor, postcode="sw21rw")
    assert response.status_code == 302
    item = session.scalar(select(Initiative))
    assert item.ward.name == "Brixton Acre Lane"
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Brixton Acre Lane" in page


def test_a_point_wins_over_a_postcode_and_an_unknown_postcode_is_refused(
    as_person, session, postcodes
):
    visitor, _ = as_person()
    station = {"lat": str(BRIXTON_STATION[0]), "lon": str(BRIXTON_STATION[1])}
    response = share(visitor, postcode="SW2 1RW", **station)
    assert response.status_code == 302
    assert session.scalar(select(Initiative)).ward.name == "Brixton Windrush"
    refused = share(visitor, title="Somewhere else", postcode="ZZ9 9ZZ")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "We do not know the postcode ZZ9 9ZZ." in page
    assert 'value="ZZ9 9ZZ"' in page and 'value="Somewhere else"' in page
    assert 'aria-invalid="true"' in page


def test_the_lookups_say_where_a_postcode_and_a_point_are(client, postcodes):
    found = client.get("/places/postcode.json", query_string={"q": "sw2 1rw"})
    assert found.status_code == 200
    body = found.get_json()
    assert body["postcode"] == "SW2 1RW" and body["ward"]["name"] == "Brixton Acre Lane"
    assert abs(body["lat"] - 51.460662) < 1e-6
    missing = client.get("/places/postcode.json", query_string={"q": "nowhere"})
    assert missing.status_code == 404 and "We do not know" in missing.get_json()["detail"]

    inside = client.get(
        "/places/ward.json", query_string={"lat": ACRE_LANE[0], "lon": ACRE_LANE[1]}
    )
    assert inside.get_json()["ward"]["slug"] == "brixton-acre-lane"
    outside = client.get(
        "/places/ward.json", query_string={"lat": PARLIAMENT[0], "lon": PARLIAMENT[1]}
    )
    assert outside.get_json() == {"ward": None}
    bad = client.get("/places/ward.json", query_string={"lat": "north", "lon": "1"})
    assert bad.status_code == 400 and bad.get_json()["detail"]
