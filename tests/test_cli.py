"""flask areas import and flask demo seed."""

import json

import pytest
from sqlalchemy import func, select, text

from civicmap.models import Initiative, User, Ward
from tests.conftest import WARDS_FILE


def ward_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Ward))


def write(tmp_path, doc, name="areas.geojson"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def square(x: float, y: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def feature(props: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def test_importing_lambeth_again_updates_the_25_wards_and_duplicates_nothing(cli, session):
    result = cli.invoke(args=["areas", "import", str(WARDS_FILE)])
    assert result.exit_code == 0, result.output
    assert "0 new, 25 updated" in result.output
    assert ward_count(session) == 25
    slugs = set(session.scalars(select(Ward.slug)))
    assert {"brixton-acre-lane", "st-martins", "stockwell-west-larkhall"} <= slugs


def test_ons_style_properties_are_read(cli, session, tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            feature(
                {"WD22CD": "E05099991", "WD22NM": "Testing Fields", "LAD22CD": "E09000022"},
                square(-0.2, 51.6),
            ),
        ],
    }
    result = cli.invoke(args=["areas", "import", str(write(tmp_path, doc))])
    assert result.exit_code == 0, result.output
    assert "1 new, 0 updated" in result.output
    ward = session.scalar(select(Ward).where(Ward.code == "E05099991"))
    assert (ward.name, ward.slug) == ("Testing Fields", "testing-fields")


BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"type": "Feature"}, "must be a GeoJSON FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "has no features"),
        (
            {"type": "FeatureCollection", "features": [feature({"name": "No code"}, square(0, 0))]},
            "has no code or name",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [feature({"code": "X1", "name": "Bow"}, BOWTIE)],
            },
            "invalid geometry",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    feature(
                        {"code": "X1", "name": "Line"},
                        {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                    )
                ],
            },
            "must be a Polygon or MultiPolygon",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [feature({"code": "X1", "name": "Grid"}, square(530000, 180000, 100))],
            },
            "not in longitude/latitude",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(cli, session, tmp_path, doc, message):
    result = cli.invoke(args=["areas", "import", str(write(tmp_path, doc))])
    assert result.exit_code != 0
    assert message in result.output
    assert "Nothing was imported" in result.output
    assert ward_count(session) == 25


def test_one_bad_feature_means_none_of_the_file_is_imported(cli, session, tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            feature({"code": "E05099992", "name": "Good One"}, square(-0.3, 51.6)),
            feature({"code": "E05099993", "name": "Bad One"}, BOWTIE),
        ],
    }
    result = cli.invoke(args=["areas", "import", str(write(tmp_path, doc))])
    assert result.exit_code != 0
    assert "Feature 2 (E05099993)" in result.output
    assert session.scalar(select(Ward).where(Ward.code == "E05099992")) is None


def test_demo_seed_fills_an_empty_database_once(cli, session):
    result = cli.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    kinds = dict(
        session.execute(select(Initiative.kind, func.count()).group_by(Initiative.kind)).all()
    )
    assert set(kinds) == {"project", "idea", "offer", "event"}
    assert sum(kinds.values()) >= 150
    assert session.scalar(select(func.count(func.distinct(Initiative.ward_id)))) >= 20
    for table in ("appreciations", "comments", "proposals", "volunteerings"):
        assert (
            session.scalar(select(func.count()).select_from(Initiative.metadata.tables[table])) > 0
        ), table
    users = session.scalar(select(func.count()).select_from(User))
    assert users >= 10
    assert session.scalar(select(func.count()).where(func.cardinality(User.skills) > 0)) >= 10

    again = cli.invoke(args=["demo", "seed"])
    assert again.exit_code == 0
    assert "already there" in again.output
    assert session.scalar(select(func.count()).select_from(Initiative)) == sum(kinds.values())
    assert session.scalar(select(func.count()).select_from(User)) == users


def test_demo_seed_is_deterministic(cli, session):
    cli.invoke(args=["demo", "seed"])
    first = session.execute(select(Initiative.title).order_by(Initiative.id)).scalars().all()
    session.execute(Initiative.__table__.delete())
    session.execute(User.__table__.delete())
    cli.invoke(args=["demo", "seed"])
    second = session.execute(select(Initiative.title).order_by(Initiative.id)).scalars().all()
    assert first == second


def test_synthetic_seed_adds_n_items_with_wards_over_the_whole_borough(clean_db, cli, session):
    # The loader commits from its own connections (clean_db empties the tables afterwards).
    result = cli.invoke(args=["demo", "seed", "--count", "2000", "--jobs", "3"])
    assert result.exit_code == 0, result.output
    assert "Added 2000 synthetic items" in result.output
    assert session.scalar(select(func.count()).select_from(Initiative)) == 2000
    # Three shares, numbered apart: no title repeats.
    assert session.scalar(select(func.count(func.distinct(Initiative.title)))) == 2000
    # Concurrent shares updated the same stored map cells without losing a count.
    for level in (10, 18):
        stored = session.scalar(text("SELECT sum(n) FROM map_cells WHERE level = :l"), {"l": level})
        assert stored == 2000
    assert session.scalar(select(func.count(func.distinct(Initiative.ward_id)))) == 25
