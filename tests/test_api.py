"""The JSON API under /api/v1: lists, filters, paging, single items, errors, CORS, no leaks."""

import pytest
from sqlalchemy import update

from civicmap.models import Initiative
from tests.factories import (
    ACRE_LANE,
    BRIXTON_STATION,
    WEST_DULWICH,
    hide,
    make_initiative,
    make_user,
)


def get(visitor, url, **args):
    response = visitor.get(url, query_string=args or None)
    return response, response.get_json()


def test_a_list_is_geojson_with_counts_and_links(visitor, session):
    made = [make_initiative(session, at=ACRE_LANE) for _ in range(3)]
    response, body = get(visitor, "/api/v1/projects", limit=2)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 3 and body["numberReturned"] == 2
    assert [f["id"] for f in body["features"]] == [made[0].id, made[1].id]
    rels = {link["rel"]: link["href"] for link in body["links"]}
    assert "next" in rels and "prev" not in rels
    _, second = get(visitor, rels["next"].split("localhost")[1])
    assert [f["id"] for f in second["features"]] == [made[2].id]
    assert {link["rel"] for link in second["links"]} == {"self", "prev"}


def test_a_feature_is_rfc7946_with_public_fields_only(visitor, session):
    author = make_user(session, email="private-person@example.org", display_name="Private")
    item = make_initiative(session, at=ACRE_LANE, author=author, title="Tool library")
    response, feature = get(visitor, f"/api/v1/projects/{item.id}")
    assert feature["geometry"] == {
        "type": "Point",
        "coordinates": [round(ACRE_LANE[1], 6), round(ACRE_LANE[0], 6)],
    }
    assert feature["properties"]["title"] == "Tool library"
    assert feature["properties"]["ward"]["code"] == "E05014095"
    text = response.get_data(as_text=True)
    assert "private-person" not in text and "Private" not in text


def test_offers_are_published_only_at_their_coarse_point(visitor, session):
    offer = make_initiative(session, kind="offer", at=ACRE_LANE)
    _, feature = get(visitor, f"/api/v1/offers/{offer.id}")
    lon, lat = feature["geometry"]["coordinates"]
    assert (round(lon, 5), round(lat, 5)) != (round(ACRE_LANE[1], 5), round(ACRE_LANE[0], 5))
    assert str(ACRE_LANE[0]) not in str(feature)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"bbox": "-0.13,51.45,-0.10,51.47"}, {"brixton", "acre"}),
        ({"ward": "west-dulwich"}, {"dulwich"}),
        ({"category": "food"}, {"acre"}),
        ({"status": "completed"}, {"dulwich"}),
        ({"q": "orchard"}, {"dulwich"}),
    ],
)
def test_filters(visitor, session, args, expected):
    made = {
        "brixton": make_initiative(session, at=BRIXTON_STATION),
        "acre": make_initiative(session, at=ACRE_LANE, category="food"),
        "dulwich": make_initiative(
            session, at=WEST_DULWICH, status="completed", title="Community orchard"
        ),
    }
    _, body = get(visitor, "/api/v1/projects", **args)
    assert {f["id"] for f in body["features"]} == {made[k].id for k in expected}


def test_updated_since(visitor, session):
    old = make_initiative(session)
    new = make_initiative(session)
    session.execute(
        update(Initiative).where(Initiative.id == old.id).values(updated_at="2020-01-01T00:00:00Z")
    )
    session.commit()
    _, body = get(visitor, "/api/v1/projects", updated_since="2025-01-01T00:00:00Z")
    assert {f["id"] for f in body["features"]} == {new.id}


def test_proposals_carry_volunteer_counts_never_identities(visitor, session, as_person):
    item = make_initiative(session)
    proposer, _ = as_person()
    proposer.post(
        f"/projects/{item.id}/proposals", {"action": "Dig the beds", "volunteers_needed": "2"}
    )
    helper_client, helper = as_person(name="Hidden Helper")
    _, body = get(visitor, "/api/v1/proposals")
    proposal_id = body["features"][0]["id"]
    helper_client.post(f"/proposals/{proposal_id}/volunteer", {"note": "secret note"})
    response, feature = get(visitor, f"/api/v1/proposals/{proposal_id}")
    assert feature["properties"]["volunteers"] == 1
    assert feature["properties"]["initiative"]["id"] == item.id
    text = response.get_data(as_text=True)
    assert "Hidden Helper" not in text and "secret note" not in text and helper.email not in text


def test_wards_are_listed_with_their_boundaries(visitor, session):
    _, body = get(visitor, "/api/v1/wards", limit=100)
    assert body["numberMatched"] == 25
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"
    _response, one = get(visitor, "/api/v1/wards/brixton-acre-lane")
    assert one["id"] == "E05014095"


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("/api/v1/projects?bbox=1,2,3", 400, "four numbers"),
        ("/api/v1/projects?limit=5000", 400, "limit"),
        ("/api/v1/projects?limit=zero", 400, "limit"),
        ("/api/v1/projects?category=crypto", 400, "category"),
        ("/api/v1/ideas?status=active", 400, "status"),
        ("/api/v1/projects?updated_since=yesterday", 400, "updated_since"),
        ("/api/v1/projects/999999", 404, "no project"),
        ("/api/v1/wards/E99999999", 404, "no ward"),
    ],
)
def test_errors_are_problem_documents(visitor, session, url, status, detail):
    response = visitor.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and detail in body["detail"]


def test_hidden_items_never_leave(visitor, session):
    item = make_initiative(session)
    hide(session, item)
    session.commit()
    assert visitor.get(f"/api/v1/projects/{item.id}").status_code == 404
    _, body = get(visitor, "/api/v1/projects")
    assert body["numberMatched"] == 0


def test_cors_is_open_for_reads_and_nothing_writes(visitor, session):
    response = visitor.get("/api/v1/projects", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert visitor.post("/api/v1/projects", csrf=False).status_code == 405
    page = visitor.get("/login", headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in page.headers


def test_the_openapi_document_is_3_1_and_lists_every_endpoint(visitor, session):
    doc = visitor.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) == {
        "/projects",
        "/projects/{item_id}",
        "/events",
        "/events/{item_id}",
        "/ideas",
        "/ideas/{item_id}",
        "/offers",
        "/offers/{item_id}",
        "/proposals",
        "/proposals/{proposal_id}",
        "/wards",
        "/wards/{code}",
    }
    limit = next(p for p in doc["paths"]["/projects"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 1000
    page = visitor.get("/api/v1/").get_data(as_text=True)
    assert "GET" in page and "/projects" in page and "updated_since" in page


def test_bulk_downloads_per_collection(visitor, session):
    project = make_initiative(session)
    idea = make_initiative(session, kind="idea")
    body = visitor.get("/data/ideas.csv").get_data(as_text=True)
    assert f"\r\n{idea.id}," in body and f"\r\n{project.id}," not in body
    assert "CC BY 4.0" in visitor.get("/data").get_data(as_text=True)
