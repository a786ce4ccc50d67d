"""`flask import items`: CSV, GeoJSON and .xlsx; a dry run reports every bad row by line and
reason and imports nothing; a file with a bad row imports nothing; a good one imports in one
transaction, wards assigned by the database; importing again updates instead of copying."""

import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from civicmap.models import Initiative
from tests.factories import ACRE_LANE, BRIXTON_STATION, PARLIAMENT

HEADER = "source_id,title,category,lat,lon,postcode,summary,status,kind\n"


@pytest.fixture
def officer(person):
    return person(role="officer")


def items(session) -> int:
    return session.scalar(select(func.count()).select_from(Initiative))


def run(cli, path, officer, *extra):
    return cli.invoke(args=["import", "items", str(path), "--author", officer.email, *extra])


def test_a_dry_run_reports_every_bad_row_and_imports_nothing(
    cli, session, tmp_path, officer, postcodes
):
    f = tmp_path / "groups.csv"
    f.write_text(
        HEADER
        + f"g1,Brixton tool library,community-spaces,{ACRE_LANE[0]},{ACRE_LANE[1]},,,,\n"
        + "g2,,food,51.46,-0.11,,,,\n"  # line 3: no title
        + "g3,Westminster choir,arts,51.4995,-0.1248,,,,\n"  # line 4: outside
        + "g4,Seed swap,gardening,51.46,-0.11,,,,\n"  # line 5: unknown category
        + "g5,Bad place,food,north,-0.11,,,,\n"  # line 6: bad coordinates
        + "g1,Duplicate,food,51.46,-0.11,,,,\n"  # line 7: source id again
        + "g7,Postcode group,food,,,ZZ9 9ZZ,,,\n"  # line 8: unknown postcode
        + "g8,Nowhere,food,,,,,,\n"  # line 9: no location
        + "g9,Old idea,food,51.46,-0.11,,,done,idea\n"  # line 10: status not for an idea
        + "g10,Offer,food,51.46,-0.11,,,,offer\n"  # line 11: kind
        + "g11,By postcode,food,,,sw2 1rw,,,\n",  # line 12: fine
        encoding="utf-8",
    )
    result = run(cli, f, officer, "--dry-run")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ", line " in line]
    assert lines == [
        "groups.csv, line 3: no title (or under 3 characters)",
        "groups.csv, line 4: outside the area",
        'groups.csv, line 5: unknown category "gardening"',
        'groups.csv, line 6: bad coordinates "north, -0.11"',
        "groups.csv, line 7: source_id g1 is also on line 2",
        'groups.csv, line 8: unknown postcode "ZZ9 9ZZ"',
        "groups.csv, line 9: no location (lat and lon, or a postcode)",
        'groups.csv, line 10: unknown status "done" for a idea',
        'groups.csv, line 11: unknown kind "offer" (project or idea)',
    ]
    assert "9 problems in 11 rows: nothing was imported." in result.output
    assert items(session) == 0
    assert run(cli, f, officer).exit_code == 1  # the real import refuses it too
    assert items(session) == 0


def test_a_good_file_imports_in_one_go_and_again_updates(
    cli, session, tmp_path, officer, postcodes
):
    f = tmp_path / "groups.csv"
    rows = (
        f"a1,Tool library,community-spaces,{ACRE_LANE[0]},{ACRE_LANE[1]},,Borrow tools,active,\n"
        f"a2,Windrush choir,arts,{BRIXTON_STATION[0]},{BRIXTON_STATION[1]},,,,\n"
        "a3,Seed swap,food,,,SW2 1RW,,,idea\n"
    )
    f.write_text(HEADER + rows, encoding="utf-8")
    dry = run(cli, f, officer, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "3 rows checked, all good" in dry.output and items(session) == 0
    result = run(cli, f, officer)
    assert result.exit_code == 0, result.output
    assert "Imported 3 rows: 3 new, 0 updated, 0 unchanged" in result.output
    by_source = {
        i.source_id: i for i in session.scalars(select(Initiative).order_by(Initiative.id))
    }
    assert by_source["a1"].ward.name == "Brixton Acre Lane"
    assert by_source["a1"].status == "active" and by_source["a1"].summary == "Borrow tools"
    assert by_source["a2"].ward.name == "Brixton Windrush"
    assert by_source["a3"].kind == "idea" and by_source["a3"].status == "open"
    assert by_source["a3"].ward.name == "Brixton Acre Lane"

    f.write_text(HEADER + rows.replace("Windrush choir", "Windrush community choir"))
    again = run(cli, f, officer)
    assert "Imported 3 rows: 0 new, 1 updated, 2 unchanged" in again.output
    assert items(session) == 3
    session.expire_all()
    assert session.get(Initiative, by_source["a2"].id).title == "Windrush community choir"


def test_geojson_and_a_spreadsheet_are_read_the_same_way(cli, session, tmp_path, officer):
    geo = tmp_path / "consultation.geojson"
    geo.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [ACRE_LANE[1], ACRE_LANE[0]]},
                        "properties": {
                            "source_id": "c1",
                            "title": "More benches",
                            "category": "other",
                        },
                    },
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "Point",
                            "coordinates": [PARLIAMENT[1], PARLIAMENT[0]],
                        },
                        "properties": {
                            "source_id": "c2",
                            "title": "Across the river",
                            "category": "other",
                        },
                    },
                ],
            }
        )
    )
    refused = run(cli, geo, officer, "--kind", "idea")
    assert "consultation.geojson, line 2: outside the area" in refused.output
    assert items(session) == 0

    book = Workbook()
    sheet = book.active
    sheet.append(["Source_ID", "Title", "Category", "Lat", "Lon"])
    sheet.append(["x1", "Street trees", "environment", ACRE_LANE[0], ACRE_LANE[1]])
    sheet.append(["x2", "Play street", "sport", BRIXTON_STATION[0], BRIXTON_STATION[1]])
    xlsx = tmp_path / "groups.xlsx"
    book.save(xlsx)
    result = run(cli, xlsx, officer)
    assert result.exit_code == 0, result.output
    assert "Imported 2 rows: 2 new" in result.output and items(session) == 2


def test_a_file_that_cannot_be_read_says_why(cli, session, tmp_path, officer):
    odd = tmp_path / "groups.txt"
    odd.write_text("hello")
    assert "give a .csv, .geojson or .xlsx file" in run(cli, odd, officer).output
    headless = tmp_path / "groups.csv"
    headless.write_text("name,place\nA,B\n")
    result = run(cli, headless, officer)
    assert result.exit_code == 1
    assert "missing columns: source_id, title, category, lat and lon, or postcode" in result.output
