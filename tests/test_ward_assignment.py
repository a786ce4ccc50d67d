"""Ward assignment happens in the database, from the point, on insert and on every move."""

import pytest
from geoalchemy2.shape import to_shape
from shapely.geometry import Point
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from civicmap.geo import parse_point, to_db
from civicmap.models import Ward
from tests.factories import (
    ACRE_LANE,
    BRIXTON_STATION,
    PARLIAMENT,
    WEST_DULWICH,
    make_initiative,
    make_user,
)


def ward_code(session, item) -> str:
    session.refresh(item)
    return session.get(Ward, item.ward_id).code


def test_a_point_in_brixton_gets_a_brixton_ward(session):
    item = make_initiative(session, at=BRIXTON_STATION)
    assert ward_code(session, item) == "E05014098"  # Brixton Windrush
    assert make_initiative(session, at=ACRE_LANE).ward.name == "Brixton Acre Lane"


def test_a_point_in_westminster_is_refused(session):
    with pytest.raises(DBAPIError) as refused:
        make_initiative(session, at=PARLIAMENT)
    assert refused.value.orig.sqlstate == "CM001"
    assert "outside" in str(refused.value.orig)


def test_a_wrong_ward_given_by_the_writer_is_corrected(session):
    dulwich = session.scalar(select(Ward).where(Ward.code == "E05014119"))
    item = make_initiative(session, at=BRIXTON_STATION, ward_id=dulwich.id)
    assert ward_code(session, item) == "E05014098"


def test_moving_an_item_moves_it_to_the_new_ward(session):
    item = make_initiative(session, at=BRIXTON_STATION)
    item.location = to_db(parse_point(*WEST_DULWICH))
    session.flush()
    assert ward_code(session, item) == "E05014119"
    assert to_shape(item.public_location).equals(Point(WEST_DULWICH[1], WEST_DULWICH[0]))


def test_moving_an_item_out_of_the_area_is_refused_and_keeps_it_where_it_was(session):
    item = make_initiative(session, at=BRIXTON_STATION)
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(
            text(
                "UPDATE initiatives SET location = ST_SetSRID(ST_MakePoint(:x, :y), 4326)"
                " WHERE id = :id"
            ),
            {"x": PARLIAMENT[1], "y": PARLIAMENT[0], "id": item.id},
        )
    assert ward_code(session, item) == "E05014098"


def test_an_offer_is_published_on_a_coarse_grid_not_at_its_exact_point(session):
    offer = make_initiative(session, kind="offer", at=ACRE_LANE)
    session.refresh(offer)
    exact = to_shape(offer.location)
    shown = to_shape(offer.public_location)
    assert not shown.equals(exact)
    metres = session.scalar(
        text(
            "SELECT ST_Distance(location::geography, public_location::geography)"
            " FROM initiatives WHERE id = :id"
        ),
        {"id": offer.id},
    )
    assert 0 < metres < 200  # within half a cell's diagonal of ~250 m cells
    # Two offers a few metres apart are indistinguishable in public.
    neighbour = make_initiative(
        session, kind="offer", at=(ACRE_LANE[0] + 0.00001, ACRE_LANE[1] + 0.00001)
    )
    session.refresh(neighbour)
    assert to_shape(neighbour.public_location).equals(shown)


def test_a_project_is_published_at_its_own_point(session):
    item = make_initiative(session, at=ACRE_LANE)
    session.refresh(item)
    assert to_shape(item.public_location).equals(to_shape(item.location))


def test_an_offer_without_a_point_is_shown_at_its_ward(session):
    ward = session.scalar(select(Ward).where(Ward.code == "E05014119"))
    offer = make_initiative(session, kind="offer", at=None, ward_id=ward.id)
    session.refresh(offer)
    assert offer.ward_id == ward.id
    assert session.scalar(
        text(
            "SELECT ST_Covers(w.geom, i.public_location) FROM initiatives i"
            " JOIN wards w ON w.id = i.ward_id WHERE i.id = :id"
        ),
        {"id": offer.id},
    )


def test_a_project_without_a_point_is_refused(session):
    user = make_user(session)
    with pytest.raises(DBAPIError) as refused:
        make_initiative(session, at=None, author=user)
    assert refused.value.orig.sqlstate in ("CM002", "23514")
