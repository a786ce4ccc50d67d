"""Skills matched to needs nearby (issue #13): one vocabulary, ranking by overlap then distance,
reasons a person can read, offers' exact points never out, the council's gaps per ward."""

import csv
import io
import re

import pytest
from shapely.geometry import Point
from sqlalchemy import text

from civicmap.models import Proposal
from civicmap.services import matching, skills
from tests.factories import ACRE_LANE, BRIXTON_STATION, WEST_DULWICH, make_initiative, make_user

# From Brixton station: Acre Lane about 0.8 km, West Dulwich about 2.8 km.
HERE = Point(BRIXTON_STATION[1], BRIXTON_STATION[0])
NEAR = (51.4640, -0.1160)  # about 170 m from the station


def origin(*tags):
    return matching.Origin(HERE, "Brixton", tuple(tags))


def need(session, kind="project", at=BRIXTON_STATION, needs=(), **values):
    return make_initiative(session, kind, at=at, skills_needed=list(needs), **values)


def test_typed_skills_are_stored_in_one_vocabulary(session, as_person):
    visitor, user = as_person()
    response = visitor.post(
        "/me/profile",
        {"display_name": "Ann", "bio": "", "skills": "Handy-Person,  Carpentry , carpentry,DIY"},
    )
    assert response.status_code == 302
    session.refresh(user)
    assert user.skills == ["diy", "carpentry"]


def test_a_new_synonym_rewrites_what_is_stored(session, as_person):
    offer = make_initiative(session, "offer", skills=["joiner", "painting"])
    moderator, _ = as_person(role="moderator")
    added = moderator.post("/moderation/skills", {"alias": "Joiner", "skill": "woodwork"})
    assert added.status_code == 302  # woodwork is itself an alias: joiner means carpentry
    session.refresh(offer)
    assert offer.skills == ["carpentry", "painting"]
    assert skills.parse(session, "joiner") == ["carpentry"]
    page = moderator.get("/moderation/skills").get_data(as_text=True)
    assert "joiner" in page
    refused = moderator.post("/moderation/skills", {"alias": "diy", "skill": "handy person"})
    assert refused.status_code == 422 and "cannot be a synonym of itself" in refused.get_data(
        as_text=True
    )
    resident, _ = as_person()
    assert resident.post("/moderation/skills", {"alias": "x y", "skill": "z"}).status_code == 403
    assert moderator.post("/moderation/skills/remove", {"alias": "joiner"}).status_code == 302
    assert skills.parse(session, "joiner") == ["joiner"]


def test_needs_rank_by_skills_in_common_then_distance(session):
    both = need(session, at=ACRE_LANE, needs=["carpentry", "painting"], title="Both, further")
    near = need(session, at=NEAR, needs=["carpentry"], title="One, near")
    far = need(session, "idea", at=ACRE_LANE, needs=["carpentry"], title="One, further")
    need(session, at=NEAR, needs=["cooking"], title="Not my skill")
    need(session, at=WEST_DULWICH, needs=["carpentry"], title="Too far")
    need(session, at=NEAR, needs=["carpentry"], title="Done already", status="completed")
    gone = need(session, at=NEAR, needs=["carpentry"], title="Hidden")
    session.execute(
        text("UPDATE initiatives SET hidden = true, hidden_reason = 'moderated' WHERE id = :i"),
        {"i": gone.id},
    )

    found = matching.needs_near(session, origin("carpentry", "painting"), 2000)

    assert [m.id for m in found] == [both.id, near.id, far.id]
    assert found[0].shared == ("carpentry", "painting")
    assert found[1].metres == 200  # 170 m, told to the nearest 100 m
    assert all(m.metres % 100 == 0 for m in found)
    assert matching.needs_near(session, origin("carpentry"), 5000)[-1].title == "Too far"


def test_open_proposals_that_need_a_skill_match_too(session):
    item = need(session, at=NEAR)
    proposal = Proposal(
        initiative_id=item.id,
        initiative_kind="project",
        author_id=item.author_id,
        action="Build planters from pallets",
        skills_needed=["carpentry"],
    )
    closed = Proposal(
        initiative_id=item.id,
        initiative_kind="project",
        author_id=item.author_id,
        action="Done already",
        skills_needed=["carpentry"],
        status="done",
    )
    session.add_all([proposal, closed])
    session.commit()
    found = matching.needs_near(session, origin("carpentry"), 1000)
    assert [(m.what, m.id) for m in found] == [("proposal", proposal.id)]


def test_the_matching_query_is_served_by_indexes(session):
    """Each skill walks the (skill, point) GiST index of open needs nearest first; nothing reads
    a whole table (sequential scans off, as the planner would choose at scale)."""
    need(session, at=NEAR, needs=["carpentry"])
    session.execute(text("SET LOCAL enable_seqscan = off"))
    params = matching.near_params(HERE, 2000) | {
        "skills": ["carpentry", "painting"],
        "limit": 30,
        "nearest": matching.NEAREST,
    }
    explain = session.connection().exec_driver_sql("EXPLAIN " + matching.NEEDS, params)
    plan = "\n".join(explain.scalars())
    assert "ix_skill_needs_near" in plan
    assert "Seq Scan on skill_needs" not in plan and "Seq Scan on initiatives" not in plan


def test_the_needs_table_follows_every_change(session):
    """skill_needs is the database's own copy of open needs: it follows new needs, changed
    skills, closing, hiding, moving, and proposals opening and closing."""
    item = need(session, at=NEAR, needs=["carpentry"])

    def rows():
        return sorted(
            session.execute(
                text(
                    "SELECT skill, proposal_id IS NOT NULL FROM skill_needs"
                    " WHERE initiative_id = :i"
                ),
                {"i": item.id},
            ).tuples()
        )

    assert rows() == [("carpentry", False)]
    session.execute(
        text("UPDATE initiatives SET skills_needed = '{design,diy}' WHERE id = :i"), {"i": item.id}
    )
    assert rows() == [("design", False), ("diy", False)]
    proposal = Proposal(
        initiative_id=item.id, initiative_kind="project", author_id=item.author_id,
        action="Paint the shed", skills_needed=["painting"],
    )  # fmt: skip
    session.add(proposal)
    session.flush()
    assert rows() == [("design", False), ("diy", False), ("painting", True)]
    session.execute(text("UPDATE proposals SET status = 'done' WHERE id = :p"), {"p": proposal.id})
    assert rows() == [("design", False), ("diy", False)]
    session.execute(
        text("UPDATE initiatives SET status = 'completed' WHERE id = :i"), {"i": item.id}
    )
    assert rows() == []
    session.execute(text("UPDATE initiatives SET status = 'active' WHERE id = :i"), {"i": item.id})
    assert len(rows()) == 2
    session.execute(
        text("UPDATE initiatives SET hidden = true, hidden_reason = 'moderated' WHERE id = :i"),
        {"i": item.id},
    )
    assert rows() == []
    session.execute(
        text("UPDATE initiatives SET hidden = false, hidden_reason = NULL WHERE id = :i"),
        {"i": item.id},
    )
    from tests.factories import move

    move(session, item, ACRE_LANE)
    point = session.scalar(
        text("SELECT DISTINCT ST_AsText(point) FROM skill_needs WHERE initiative_id = :i"),
        {"i": item.id},
    )
    assert point == session.scalar(
        text("SELECT ST_AsText(public_location) FROM initiatives WHERE id = :i"), {"i": item.id}
    )


def test_needs_near_me_page_says_why_each_matched(session, as_person):
    visitor, user = as_person(skills=["carpentry"])
    item = need(session, at=NEAR, needs=["Carpentry"], title="Bench for the square")
    session.execute(text("UPDATE initiatives SET skills_needed = civicmap_skills(skills_needed)"))
    offer = make_initiative(session, "offer", at=BRIXTON_STATION, author=user, skills=["carpentry"])

    page = visitor.get(f"/me/matches?source=offer&offer={offer.id}&within=1000")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bench for the square" in body
    assert "Needs carpentry, " in body and " m away" in body
    assert f"/projects/{item.id}" in body

    me = visitor.get("/me").get_data(as_text=True)  # no ward: the block measures from the offer
    assert "Bench for the square" in me


def test_a_bad_place_is_explained_and_kept(session, as_person, postcodes):
    visitor, _ = as_person(skills=["carpentry"])
    page = visitor.get("/me/matches?source=postcode&postcode=ZZ9 9ZZ&within=2000")
    body = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "We do not know that postcode here" in body
    assert 'value="ZZ9 9ZZ"' in body
    assert visitor.get("/me/matches?source=postcode&postcode=SW2 1RW&within=7").status_code == 400
    ok = visitor.get("/me/matches?source=postcode&postcode=sw21rw&within=2000")
    assert ok.status_code == 200
    # Someone else's offer is not a place to measure from.
    other = make_initiative(session, "offer", skills=["carpentry"])
    assert visitor.get(f"/me/matches?source=offer&offer={other.id}").status_code == 400


def test_matches_need_an_account(client):
    response = client.get("/me/matches")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_offers_that_could_help_show_to_the_author_never_an_exact_point(session, as_person):
    visitor, author = as_person()
    item = need(session, at=BRIXTON_STATION, needs=["carpentry", "design"], author=author)
    exact = (51.46312, -0.11622)
    offer = make_initiative(
        session,
        "offer",
        at=exact,
        skills=["carpentry"],
        title="Saturday joinery",
        author=make_user(session),
    )
    elsewhere = make_initiative(session, "offer", at=WEST_DULWICH, skills=["carpentry"])

    body = visitor.get(f"/projects/{item.id}").get_data(as_text=True)
    section = body[body.index('id="offers-that-could-help"') :]
    assert "Saturday joinery" in section and elsewhere.title not in section
    assert f"/offers/{offer.id}#contact" in section
    distance = re.search(r"offers carpentry, (\d+) m away", section)
    assert distance and int(distance[1]) % 100 == 0
    # Neither the page nor any distance gives the offer's exact point away.
    for value in (f"{exact[0]:.4f}", f"{exact[1]:.4f}", "51.46312", "-0.11622"):
        assert value not in body
    public = session.scalar(
        text(
            "SELECT ST_Distance(geography(public_location),"
            " geography(ST_SetSRID(ST_MakePoint(:x, :y), 4326))) FROM initiatives WHERE id = :o"
        ),
        {"x": BRIXTON_STATION[1], "y": BRIXTON_STATION[0], "o": offer.id},
    )
    assert int(distance[1]) == round(public / 100) * 100  # from the public point, rounded


def test_offers_that_could_help_are_not_shown_to_everyone(session, as_person, client):
    item = need(session, needs=["carpentry"])
    make_initiative(session, "offer", at=NEAR, skills=["carpentry"], title="Joinery help")
    stranger, _ = as_person()
    assert "offers-that-could-help" not in client.get(f"/projects/{item.id}").get_data(as_text=True)
    assert "offers-that-could-help" not in stranger.get(f"/projects/{item.id}").get_data(
        as_text=True
    )
    officer, _ = as_person(role="officer")
    assert "Joinery help" in officer.get(f"/projects/{item.id}").get_data(as_text=True)


def test_skills_needed_are_set_on_the_form_and_kept_when_refused(session, as_person):
    visitor, _ = as_person()
    new = visitor.get("/projects/new").get_data(as_text=True)
    shown_at = re.search(r'name="shown_at"[^>]* value="([^"]+)"', new)[1]
    form = {
        "title": "Community bike workshop",
        "description": "Fixing bikes together on Saturdays.",
        "category": "transport",
        "status": "planning",
        "skills_needed": "Bike mechanic, teaching",
        "lat": str(NEAR[0]),
        "lon": str(NEAR[1]),
        "shown_at": shown_at,
    }
    refused = visitor.post(
        "/projects/new", form | {"skills_needed": ", ".join(f"s{i}" for i in range(25))}
    )
    assert refused.status_code == 422
    assert "Give at most 20 skills." in refused.get_data(as_text=True)
    assert "s24" in refused.get_data(as_text=True)
    made = visitor.post("/projects/new", form)
    assert made.status_code == 302
    item = session.scalar(
        text("SELECT skills_needed FROM initiatives WHERE title = 'Community bike workshop'")
    )
    assert item == ["bike repair", "teaching"]
    edit = visitor.get(made.headers["Location"] + "/edit").get_data(as_text=True)
    assert 'value="bike repair, teaching"' in edit


def test_api_exports_and_map_carry_and_filter_by_skill(session, client):
    wanted = need(session, needs=["diy"], title="Fix the community hall door")
    offer = make_initiative(session, "offer", skills=["diy", "painting"], title="Odd jobs done")
    need(session, needs=["cooking"], title="Lunch club")

    feature = client.get(f"/api/v1/projects/{wanted.id}").get_json()
    assert feature["properties"]["skills_needed"] == ["diy"]
    listed = client.get("/api/v1/projects?skill=Handy person").get_json()
    assert [f["id"] for f in listed["features"]] == [wanted.id]
    on_map = client.get(
        "/map/items.json?skill=handyman&kind=project,offer&zoom=17&bbox=-0.2,51.4,-0.05,51.5"
    )
    ids = {p[0] for p in on_map.get_json()["items"]}
    assert ids == {wanted.id, offer.id}
    ogc = client.get("/ogc/collections/projects/items?skill=diy").get_json()
    assert [f["id"] for f in ogc["features"]] == [wanted.id]
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/data/all.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert {r["title"]: r["skills_needed"] for r in rows}["Fix the community hall door"] == "diy"
    assert client.get("/api/v1/projects?skill=" + "x" * 41).status_code == 400


def test_officers_see_skill_gaps_per_ward(session, as_person):
    need(session, needs=["carpentry", "translation"], at=BRIXTON_STATION)
    make_initiative(session, "offer", at=BRIXTON_STATION, skills=["carpentry", "cooking"])
    gaps = {g.name: g for g in matching.gaps_by_ward(session)}
    ward = session.scalar(
        text(
            "SELECT w.name FROM wards w JOIN initiatives i ON i.ward_id = w.id"
            " WHERE i.kind = 'offer' LIMIT 1"
        )
    )
    assert gaps[ward].unmet == [("translation", 1)]
    assert gaps[ward].unasked == [("cooking", 1)]
    officer, _ = as_person(role="officer")
    page = officer.get("/officers").get_data(as_text=True)
    assert "Needed, nobody here offers" in page and "translation" in page


@pytest.mark.parametrize("raw", ["a" * 41, ",".join(f"t{i}" for i in range(21))])
def test_too_long_or_too_many_tags_are_refused(session, raw):
    from civicmap.errors import Invalid

    with pytest.raises(Invalid):
        skills.parse(session, raw)


def test_offers_keep_skills_needed_empty(session):
    from sqlalchemy.exc import IntegrityError

    offer = make_initiative(session, "offer", skills=["carpentry"])
    with pytest.raises(IntegrityError) as refused, session.begin_nested():
        session.execute(
            text("UPDATE initiatives SET skills_needed = '{x}' WHERE id = :i"), {"i": offer.id}
        )
    assert refused.value.orig.diag.constraint_name == "ck_initiatives_skills_needed_kind"


def test_an_event_that_asks_for_a_skill_is_a_need_until_it_ends(session):
    from datetime import UTC, datetime, timedelta

    starts = datetime.now(UTC) + timedelta(days=1)
    coming = make_initiative(
        session, "event", at=NEAR, status="scheduled", starts_at=starts,
        ends_at=starts + timedelta(hours=2), skills_needed=["carpentry"], title="Build day",
    )  # fmt: skip
    over = make_initiative(
        session, "event", at=NEAR, status="scheduled", starts_at=starts - timedelta(days=3),
        ends_at=starts - timedelta(days=2), skills_needed=["carpentry"], title="Last week",
    )  # fmt: skip
    found = [m.id for m in matching.needs_near(session, origin("carpentry"), 1000)]
    assert coming.id in found and over.id not in found


def test_skills_offered_per_ward_follow_every_change(session):
    """ward_offered_skills is kept by the database: new offers, changed skills, pausing, hiding
    and moving to another ward all show in the counts the ward page and the gaps read."""
    from civicmap.services import areas
    from tests.factories import WEST_DULWICH, hide, move

    offer = make_initiative(session, "offer", at=BRIXTON_STATION, skills=["zither", "yodelling"])
    here, there = offer.ward_id, None

    def offered(ward_id):
        return dict(areas.skills_offered(session, ward_id))

    assert offered(here).get("zither") == 1
    session.execute(
        text("UPDATE initiatives SET skills = '{zither}' WHERE id = :i"), {"i": offer.id}
    )
    assert "yodelling" not in offered(here)
    session.execute(text("UPDATE initiatives SET status = 'paused' WHERE id = :i"), {"i": offer.id})
    assert "zither" not in offered(here)
    session.execute(
        text("UPDATE initiatives SET status = 'available' WHERE id = :i"), {"i": offer.id}
    )
    move(session, offer, WEST_DULWICH)
    there = session.scalar(text("SELECT ward_id FROM initiatives WHERE id = :i"), {"i": offer.id})
    assert there != here and "zither" not in offered(here) and offered(there)["zither"] == 1
    hide(session, offer)
    assert "zither" not in offered(there)
