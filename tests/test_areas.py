"""Ward pages, the wards table, Atom feeds, the officers' dashboard and open-data exports."""

import csv
import io
import json

import feedparser
from sqlalchemy import select, text

from civicmap.models import Initiative, User
from civicmap.services import demo
from tests.factories import (
    ACRE_LANE,
    BRIXTON_STATION,
    WEST_DULWICH,
    hide,
    make_initiative,
    make_user,
    move,
)


def test_the_wards_page_counts_each_kind_per_ward(visitor, session):
    make_initiative(session, kind="project", at=ACRE_LANE)
    make_initiative(session, kind="idea", at=ACRE_LANE)
    make_initiative(session, kind="offer", at=WEST_DULWICH)
    page = visitor.get("/areas").get_data(as_text=True)
    row = page.split('href="/areas/brixton-acre-lane"')[1].split("</tr>")[0]
    cells = [c.split('data-value="')[1].split('"')[0] for c in row.split("<td")[1:]]
    assert cells[:3] == ["1", "1", "0"]  # projects, ideas, offers
    assert page.count('href="/areas/') >= 25


def test_a_ward_page_lists_its_items_and_not_others(visitor, session):
    here = make_initiative(session, title="Acre Lane garden", at=ACRE_LANE)
    there = make_initiative(session, title="Dulwich orchard", at=WEST_DULWICH)
    page = visitor.get("/areas/brixton-acre-lane").get_data(as_text=True)
    assert "<h1>Brixton Acre Lane</h1>" in page
    assert here.title in page and there.title not in page
    assert "E05014095" in page
    assert visitor.get("/areas/not-a-ward").status_code == 404


def test_ward_page_shows_proposals_still_needing_volunteers(visitor, session, as_person):
    item = make_initiative(session, at=ACRE_LANE)
    proposer, _ = as_person()
    proposer.post(
        f"/projects/{item.id}/proposals",
        {"action": "Paint the fence together", "volunteers_needed": "4"},
    )
    page = visitor.get("/areas/brixton-acre-lane").get_data(as_text=True)
    assert "Paint the fence together" in page and "4 more volunteers needed" in page


def test_feeds_are_valid_atom_with_the_newest_items(visitor, session):
    here = make_initiative(session, title="Acre Lane garden", at=ACRE_LANE)
    make_initiative(session, title="Station stall", at=BRIXTON_STATION)
    ward_feed = feedparser.parse(visitor.get("/areas/brixton-acre-lane/feed.atom").data)
    assert ward_feed.bozo == 0, ward_feed.bozo_exception
    assert ward_feed.version == "atom10"
    assert [e.title for e in ward_feed.entries] == [f"Project: {here.title}"]
    assert ward_feed.entries[0].link.endswith(f"/projects/{here.id}")
    borough = feedparser.parse(visitor.get("/feed.atom").data)
    assert borough.bozo == 0
    assert {e.title for e in borough.entries} == {
        "Project: Acre Lane garden",
        "Project: Station stall",
    }


def test_the_dashboard_is_for_officers_only(as_person, session):
    resident, _ = as_person()
    assert resident.get("/officers").status_code == 403
    officer, _ = as_person(role="officer")
    page = officer.get("/officers").get_data(as_text=True)
    assert "Officers\u2019 dashboard" in page and "Brixton Acre Lane" in page


def test_admins_appoint_officers_with_a_command(cli, session):
    user = make_user(session, email="sam@example.org")
    result = cli.invoke(
        args=["people", "set-role", "SAM@example.org", "officer", "--reason", "New in post"]
    )
    assert result.exit_code == 0, result.output
    session.refresh(user)
    assert user.role == "officer"
    from civicmap.models import ModerationEntry

    entry = session.scalar(select(ModerationEntry))
    assert (entry.action, entry.target_id, entry.reason) == (
        "role: resident -> officer",
        user.id,
        "New in post",
    )
    refused = cli.invoke(args=["people", "set-role", "nobody@example.org", "officer"])
    assert refused.exit_code != 0 and "No account has the email" in refused.output


def test_csv_export_matches_the_database_and_leaks_nothing_personal(visitor, session):
    author = make_user(session, email="secret-person@example.org")
    project = make_initiative(session, title="Café garden", at=ACRE_LANE, author=author)
    offer = make_initiative(session, kind="offer", at=ACRE_LANE, author=author)
    make_initiative(session, at=WEST_DULWICH)
    response = visitor.get("/data/brixton-acre-lane.csv")
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert {int(r["id"]) for r in rows} == {project.id, offer.id}
    by_id = {int(r["id"]): r for r in rows}
    assert by_id[project.id]["title"] == "Café garden"
    assert by_id[project.id]["ward_code"] == "E05014095"
    assert "secret-person" not in body and "@" not in body
    assert f"{ACRE_LANE[0]:.6f}" in by_id[project.id]["lat"]
    offer_lat, offer_lon = float(by_id[offer.id]["lat"]), float(by_id[offer.id]["lon"])
    assert (round(offer_lat, 5), round(offer_lon, 5)) != (
        round(ACRE_LANE[0], 5),
        round(ACRE_LANE[1], 5),
    )


def test_geojson_export_is_rfc7946_and_matches_the_database(visitor, session):
    project = make_initiative(session, at=ACRE_LANE)
    dulwich = make_initiative(session, at=WEST_DULWICH)
    response = visitor.get("/data/all.geojson")
    assert response.mimetype == "application/geo+json"
    doc = json.loads(response.data)
    assert doc["type"] == "FeatureCollection"
    ids = {f["id"] for f in doc["features"]}
    assert ids == {project.id, dulwich.id}
    feature = next(f for f in doc["features"] if f["id"] == project.id)
    lon, lat = feature["geometry"]["coordinates"]
    assert abs(lon - ACRE_LANE[1]) < 1e-6 and abs(lat - ACRE_LANE[0]) < 1e-6  # [lon, lat]
    assert feature["properties"]["ward_name"] == "Brixton Acre Lane"
    assert feature["properties"]["url"].endswith(f"/projects/{project.id}")
    emails = session.scalars(select(User.email)).all()
    assert not any(e in response.get_data(as_text=True) for e in emails)


def stored_ward_counts(session) -> dict:
    rows = session.execute(
        text("SELECT ward_id, kind, items, appreciations FROM ward_counts WHERE items <> 0")
    ).all()
    return {(w, k): (n, a) for w, k, n, a in rows}


def live_ward_counts(session) -> dict:
    rows = session.execute(
        text(
            "SELECT ward_id, kind, count(*), sum(appreciation_count) FROM initiatives"
            " WHERE NOT hidden GROUP BY 1, 2"
        )
    ).all()
    return {(w, k): (n, a) for w, k, n, a in rows}


def test_stored_ward_counts_follow_inserts_moves_hides_deletes_and_appreciations(
    session, as_person
):
    demo.seed_synthetic(session, 300, seed=4)
    moved = make_initiative(session, at=ACRE_LANE)
    hidden = make_initiative(session, kind="idea", at=ACRE_LANE)
    gone = make_initiative(session, kind="offer", at=WEST_DULWICH)
    fan, _ = as_person()
    assert fan.post(f"/projects/{moved.id}/appreciate", {"note": ""}).status_code == 302
    assert stored_ward_counts(session) == live_ward_counts(session)
    move(session, moved, (51.4401, -0.0975))
    hide(session, hidden)
    session.execute(Initiative.__table__.delete().where(Initiative.id == gone.id))
    assert stored_ward_counts(session) == live_ward_counts(session)
    moved_to = session.scalar(select(Initiative.ward_id).where(Initiative.id == moved.id))
    assert stored_ward_counts(session)[(moved_to, "project")][1] >= 1  # its appreciation moved too


def test_emptying_the_items_table_empties_the_ward_counts(session):
    demo.seed_synthetic(session, 50, seed=6)
    session.execute(text("TRUNCATE initiatives CASCADE"))
    assert session.scalar(text("SELECT count(*) FROM ward_counts")) == 0
